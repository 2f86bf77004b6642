// Per-device block I/O flags: --device-read-bps/--device-write-bps/--device-read-iops/--device-write-iops
// (throttles) and --blkio-weight-device. Each is "<device-path>:<value>" on the command line, {Path, Rate} or
// {Path, Weight} in docker's HostConfig, and MAJ:MIN in the cgroup files: the path is resolved on the host
// when the container is created (docker resolves it at every start; a device that changes numbers between
// starts is rare enough that one resolution, checked before anything exists, is the better trade).
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../errors/errors';
import type { Resources } from '../runtime/spec';
import { splitDev } from '../sys/dev-numbers';
import { parseBytes } from './resources';

export interface ThrottleDevice { Path: string; Rate: number }
export interface WeightDevice { Path: string; Weight: number }
export type DeviceNumbers = { major: number; minor: number };

/** The four throttle flags: docker's HostConfig field, the OCI blockIO field, and whether the rate is a size. */
export const THROTTLE_FLAGS = [
  { flag: '--device-read-bps', field: 'BlkioDeviceReadBps', oci: 'throttleReadBpsDevice', bytes: true },
  { flag: '--device-write-bps', field: 'BlkioDeviceWriteBps', oci: 'throttleWriteBpsDevice', bytes: true },
  { flag: '--device-read-iops', field: 'BlkioDeviceReadIOps', oci: 'throttleReadIOPSDevice', bytes: false },
  { flag: '--device-write-iops', field: 'BlkioDeviceWriteIOps', oci: 'throttleWriteIOPSDevice', bytes: false },
] as const;

export type ThrottleField = (typeof THROTTLE_FLAGS)[number]['field'];

const bad = (flag: string, value: string, why: string) => new InvalidArgumentError(`invalid value "${value}" for ${flag}: ${why}`);

/** "<path>:<value>"; the last colon splits, so the value never holds one. Paths must be under /dev, as docker's CLI checks. */
function splitPathValue(text: string, flag: string, form: string): [string, string] {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw bad(flag, text, `expected ${form}`);
  const devPath = text.slice(0, colon);
  if (!devPath.startsWith('/dev/')) throw bad(flag, text, `the device path must start with /dev/ (${form})`);
  return [devPath, text.slice(colon + 1)];
}

/** --device-read-bps /dev/sda:1mb (sizes as -m takes them) or --device-read-iops /dev/sda:100. */
export function parseThrottle(text: string, flag: string, bytes: boolean): ThrottleDevice {
  const form = bytes ? '<device-path>:<number>[<unit>], e.g. /dev/sda:1mb' : '<device-path>:<number>, e.g. /dev/sda:1000';
  const [Path, value] = splitPathValue(text, flag, form);
  if (bytes) {
    let rate: number;
    try {
      rate = parseBytes(value, flag);
    } catch {
      throw bad(flag, text, `the rate must be a positive size (${form})`);
    }
    return { Path, Rate: rate };
  }
  if (!/^\d+$/.test(value)) throw bad(flag, text, `the rate must be a positive integer (${form})`);
  return { Path, Rate: Number(value) };
}

/** --blkio-weight-device /dev/sda:200: 10..1000, or 0 (no weight of its own for that device). */
export function parseWeightDevice(text: string): WeightDevice {
  const flag = '--blkio-weight-device';
  const [Path, value] = splitPathValue(text, flag, '<device-path>:<weight>, e.g. /dev/sda:200');
  const weight = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(weight === 0 || (weight >= 10 && weight <= 1000))) throw bad(flag, text, 'the weight must be between 10 and 1000 (or 0)');
  return { Path, Weight: weight };
}

/** The block device's numbers, from stat(2) on this host. */
export function statBlockDevice(devPath: string): DeviceNumbers {
  let st: fs.Stats;
  try {
    st = fs.statSync(devPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such device on this host' : `cannot stat it: ${code ?? (err as Error).message}`);
  }
  if (!st.isBlockDevice()) throw new Error('not a block device');
  return splitDev(st.rdev);
}

export interface BlockDeviceFlags {
  blkioWeightDevice?: string[];
  deviceReadBps?: string[];
  deviceWriteBps?: string[];
  deviceReadIops?: string[];
  deviceWriteIops?: string[];
}

const FLAG_KEYS: Record<ThrottleField, keyof BlockDeviceFlags> = {
  BlkioDeviceReadBps: 'deviceReadBps', BlkioDeviceWriteBps: 'deviceWriteBps', BlkioDeviceReadIOps: 'deviceReadIops', BlkioDeviceWriteIOps: 'deviceWriteIops',
};

/** docker's HostConfig fields for these flags, as inspect shows them ([] when not given). */
export function blockDeviceHostConfig(flags: BlockDeviceFlags): Record<ThrottleField, ThrottleDevice[]> & { BlkioWeightDevice: WeightDevice[] } {
  const out = { BlkioWeightDevice: (flags.blkioWeightDevice ?? []).map(parseWeightDevice) } as Record<ThrottleField, ThrottleDevice[]> & { BlkioWeightDevice: WeightDevice[] };
  for (const t of THROTTLE_FLAGS) out[t.field] = (flags[FLAG_KEYS[t.field]] ?? []).map((v) => parseThrottle(v, t.flag, t.bytes));
  return out;
}

/** The HostConfig lists back as flag texts (the Engine API's way into RunOptions). */
export function blockDeviceFlagsOf(h: Partial<Record<ThrottleField, ThrottleDevice[] | null>> & { BlkioWeightDevice?: WeightDevice[] | null }): BlockDeviceFlags {
  const out: BlockDeviceFlags = {};
  if (h.BlkioWeightDevice?.length) out.blkioWeightDevice = h.BlkioWeightDevice.map((d) => `${d.Path}:${d.Weight}`);
  for (const t of THROTTLE_FLAGS) {
    const list = h[t.field];
    if (list?.length) out[FLAG_KEYS[t.field]] = list.map((d) => `${d.Path}:${d.Rate}`);
  }
  return out;
}

export interface BlockDeviceHost {
  /** The device's numbers; throws with the reason when the path is not a block device here. */
  blockDevice: (devPath: string) => DeviceNumbers;
  /** The blkio controller has a per-device weight file (blkio.weight_device or blkio.bfq.weight_device; io.weight on v2). */
  weightDevice: boolean;
}

/**
 * The flags into OCI blockIO entries, each path resolved to MAJ:MIN. A per-device weight on a kernel without
 * the file is dropped with docker's warning (the daemon's check; runc itself would fail at the write).
 */
export function resolveBlockDevices(flags: BlockDeviceFlags, host: BlockDeviceHost, warnings: string[]): Resources['blockIO'] | undefined {
  const numbers = (devPath: string, flag: string, text: string): DeviceNumbers => {
    try {
      return host.blockDevice(devPath);
    } catch (err) {
      throw bad(flag, text, `${devPath}: ${(err as Error).message}`);
    }
  };
  const io: NonNullable<Resources['blockIO']> = {};
  const weights = (flags.blkioWeightDevice ?? []).map((text) => ({ text, d: parseWeightDevice(text) }));
  if (weights.length && !host.weightDevice) {
    warnings.push('Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.');
  } else if (weights.length) {
    io.weightDevice = weights.map(({ text, d }) => ({ ...numbers(d.Path, '--blkio-weight-device', text), weight: d.Weight }));
  }
  for (const t of THROTTLE_FLAGS) {
    const list = flags[FLAG_KEYS[t.field]] ?? [];
    if (!list.length) continue;
    io[t.oci] = list.map((text) => {
      const d = parseThrottle(text, t.flag, t.bytes);
      return { ...numbers(d.Path, t.flag, text), rate: d.Rate };
    });
  }
  return Object.keys(io).length ? io : undefined;
}
