// run/create's --memory-swappiness, --cpu-rt-period/--cpu-rt-runtime and per-device blkio flags, parsed as
// docker's CLI does before it POSTs: "<device-path>:<value>" into {Path, Rate|Weight}, numbers checked.
import { list, str, type OptionSpec, type ParsedArgs } from './argv';
import { InvalidArgumentError } from '../errors/errors';
import { parseThrottle, parseWeightDevice, THROTTLE_FLAGS } from '../engine/block-devices';
import type { SpecResourceExtras } from '../engine/resource-extras';

export const RESOURCE_EXTRA_OPTIONS: OptionSpec[] = [
  { name: 'memory-swappiness', type: 'string', value: 'int', description: 'Tune container memory swappiness (0 to 100) (default -1)' },
  { name: 'cpu-rt-period', type: 'string', value: 'int', description: 'Limit CPU real-time period in microseconds' },
  { name: 'cpu-rt-runtime', type: 'string', value: 'int', description: 'Limit CPU real-time runtime in microseconds' },
  { name: 'blkio-weight-device', type: 'list', value: 'list', description: 'Block IO weight (relative device weight) (format: <device-path>:<weight>)' },
  { name: 'device-read-bps', type: 'list', value: 'list', description: 'Limit read rate (bytes per second) from a device (format: <device-path>:<number>[<unit>])' },
  { name: 'device-write-bps', type: 'list', value: 'list', description: 'Limit write rate (bytes per second) to a device (format: <device-path>:<number>[<unit>])' },
  { name: 'device-read-iops', type: 'list', value: 'list', description: 'Limit read rate (IO per second) from a device (format: <device-path>:<number>)' },
  { name: 'device-write-iops', type: 'list', value: 'list', description: 'Limit write rate (IO per second) to a device (format: <device-path>:<number>)' },
];

function int(args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`invalid value "${v}" for --${name}: expected an integer`);
  return Number(v);
}

export function resourceExtrasSpec(args: ParsedArgs): SpecResourceExtras {
  const swappiness = int(args, 'memory-swappiness');
  if (swappiness !== undefined && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw new InvalidArgumentError(`invalid value "${swappiness}" for --memory-swappiness: the valid memory swappiness range is 0-100`);
  }
  const out: SpecResourceExtras = {
    ...(swappiness !== undefined && swappiness !== -1 ? { MemorySwappiness: swappiness } : {}),
    ...(int(args, 'cpu-rt-period') !== undefined ? { CpuRealtimePeriod: int(args, 'cpu-rt-period') } : {}),
    ...(int(args, 'cpu-rt-runtime') !== undefined ? { CpuRealtimeRuntime: int(args, 'cpu-rt-runtime') } : {}),
    BlkioWeightDevice: list(args, 'blkio-weight-device').map(parseWeightDevice),
  };
  for (const t of THROTTLE_FLAGS) out[t.field] = list(args, t.flag.slice(2)).map((v) => parseThrottle(v, t.flag, t.bytes));
  return out;
}
