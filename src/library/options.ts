// The library's typed options and their mapping onto the engine's ContainerSpec (docker's create
// body). Pure: no file is read and nothing is validated beyond the shape here; the engine's
// validators give the same one-line errors as the CLI (a bad memory size is the engine's
// InvalidArgument, not a second rule written here).
import { InvalidArgumentError } from '../errors/errors';
import type { ContainerSpec, SpecMount } from '../engine/container-spec';
import { parseBytes } from '../engine/resources';

/** A bind mount of a host path, a named volume, or a tmpfs. */
export type VolumeOption =
  | { type?: 'bind'; source: string; target: string; readOnly?: boolean }
  | { type: 'volume'; source?: string; target: string; readOnly?: boolean }
  | { type: 'tmpfs'; target: string; sizeBytes?: number };

export interface ContainerOptions {
  /** Image reference; left out: the built-in busybox image. */
  image?: string;
  /** The command (the image's CMD when left out). */
  cmd?: string[];
  /** Replaces the image's entrypoint; [] or '' clears it. */
  entrypoint?: string[] | '';
  /** KEY=VALUE entries, or an object of them. */
  env?: string[] | Record<string, string>;
  workdir?: string;
  /** user, uid, user:group or uid:gid inside the container. */
  user?: string;
  hostname?: string;
  /** Memory limit: bytes, or docker's size text ('64m', '1g'). Swap is limited to the same amount. */
  memory?: number | string;
  /** Most processes (and threads) the container may hold at once. */
  pids?: number;
  /** CPUs as a decimal (0.5 = half of one CPU). */
  cpus?: number;
  /** 'none' (loopback only), 'bridge' (the default network), 'host', or a network's name. Default 'bridge'. */
  network?: 'none' | 'bridge' | 'host' | (string & {});
  volumes?: VolumeOption[];
  labels?: Record<string, string>;
  name?: string;
  /** The root filesystem read-only (writable tmpfs mounts still work). */
  readOnlyRootfs?: boolean;
  /** Capabilities dropped ('ALL' for every one) and added back. */
  capDrop?: string[];
  capAdd?: string[];
  /** Extra docker --security-opt values, e.g. 'no-new-privileges'. */
  securityOpt?: string[];
  /** The container keeps stdin open for the caller to write (spawn's `stdin` stream, run's `input`). */
  openStdin?: boolean;
  /** Always false: the library hands out separate stdout and stderr streams, never a terminal. */
  tty?: false;
  /** Removed as soon as it exits. */
  autoRemove?: boolean;
}

function envList(env: ContainerOptions['env']): string[] {
  if (!env) return [];
  if (Array.isArray(env)) return env;
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

function memoryBytes(memory: number | string): number {
  if (typeof memory === 'string') return parseBytes(memory, 'memory');
  if (!Number.isSafeInteger(memory) || memory <= 0) throw new InvalidArgumentError(`invalid value "${memory}" for memory: expected a positive number of bytes`);
  return memory;
}

function positiveInteger(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v <= 0) throw new InvalidArgumentError(`invalid value "${v}" for ${what}: expected a positive integer`);
  return v;
}

function mountOf(v: VolumeOption): SpecMount {
  switch (v.type) {
    case 'tmpfs': return { Type: 'tmpfs', Target: v.target, ...(v.sizeBytes ? { TmpfsOptions: { SizeBytes: v.sizeBytes } } : {}) };
    case 'volume': return { Type: 'volume', Target: v.target, ...(v.source ? { Source: v.source } : {}), ...(v.readOnly ? { ReadOnly: true } : {}) };
    default: return { Type: 'bind', Source: v.source, Target: v.target, ...(v.readOnly ? { ReadOnly: true } : {}) };
  }
}

/** The options as docker's create body: Config, HostConfig, sizes in bytes, nano-CPUs. */
export function toContainerSpec(opts: ContainerOptions): ContainerSpec {
  if ((opts as { tty?: unknown }).tty === true) throw new InvalidArgumentError('tty is not supported by the library: stdout and stderr are separate streams');
  const stdin = opts.openStdin === true;
  const memory = opts.memory === undefined ? undefined : memoryBytes(opts.memory);
  const spec: ContainerSpec = {
    ...(opts.name ? { name: opts.name } : {}),
    config: {
      ...(opts.image ? { Image: opts.image } : {}),
      ...(opts.cmd ? { Cmd: opts.cmd } : {}),
      ...(opts.entrypoint !== undefined ? { Entrypoint: opts.entrypoint === '' || opts.entrypoint.length === 0 ? [''] : opts.entrypoint } : {}),
      Env: envList(opts.env),
      ...(opts.workdir ? { WorkingDir: opts.workdir } : {}),
      ...(opts.user ? { User: opts.user } : {}),
      ...(opts.hostname ? { Hostname: opts.hostname } : {}),
      ...(opts.labels ? { Labels: opts.labels } : {}),
      Tty: false,
      OpenStdin: stdin,
      StdinOnce: stdin,
      AttachStdin: stdin,
      AttachStdout: true,
      AttachStderr: true,
    },
    hostConfig: {
      NetworkMode: opts.network ?? 'bridge',
      AutoRemove: opts.autoRemove === true,
      ...(memory !== undefined ? { Memory: memory, MemorySwap: memory } : {}),
      ...(opts.pids !== undefined ? { PidsLimit: positiveInteger(opts.pids, 'pids') } : {}),
      ...(opts.cpus !== undefined ? { NanoCpus: nanoCpus(opts.cpus) } : {}),
      ...(opts.volumes?.length ? { Mounts: opts.volumes.map(mountOf) } : {}),
      ...(opts.readOnlyRootfs ? { ReadonlyRootfs: true } : {}),
      ...(opts.capDrop?.length ? { CapDrop: opts.capDrop } : {}),
      ...(opts.capAdd?.length ? { CapAdd: opts.capAdd } : {}),
      ...(opts.securityOpt?.length ? { SecurityOpt: opts.securityOpt } : {}),
    },
  };
  return spec;
}

function nanoCpus(cpus: number): number {
  if (!Number.isFinite(cpus) || cpus <= 0) throw new InvalidArgumentError(`invalid value "${cpus}" for cpus: expected a positive number`);
  return Math.round(cpus * 1e9);
}
