// What a container is asked to be, in docker's own structure (the Engine API's create body:
// Config + HostConfig + NetworkingConfig; sizes in bytes, ports and mounts parsed). Every front
// produces it: the CLI from flags (src/cli/run-options.ts), the Engine API from JSON, programs
// directly. `specToRunOptions` maps it onto the engine's internal RunOptions, whose validators give
// every front the same one-line errors (docs/engine-facade.md).
import { InvalidArgumentError } from '../errors/errors';
import type { RunOptions } from './container-config';
import type { HealthConfig } from './health/health-config';
import { resourceExtrasFlags, type SpecResourceExtras } from './resource-extras';
import { NO_SECURITY_FLAGS } from './security/container-security';
import { extrasFromSpec } from './host-extras';

export interface PortBinding { HostIp?: string; HostPort?: string }

export interface SpecMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface SpecConfig {
  Image?: string;
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Domainname?: string;
  /** docker < 1.44 sends --mac-address here; newer clients in the endpoint's MacAddress. */
  MacAddress?: string;
  Labels?: Record<string, string> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  StopSignal?: string;
  /** docker's HealthConfig (durations in nanoseconds); left out: the image's. */
  Healthcheck?: HealthConfig | null;
  StopTimeout?: number;
}

export interface SpecHostConfig extends SpecResourceExtras {
  Binds?: string[] | null;
  Mounts?: SpecMount[] | null;
  Tmpfs?: Record<string, string> | null;
  PortBindings?: Record<string, PortBinding[] | null> | null;
  PublishAllPorts?: boolean;
  NetworkMode?: string;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  ExtraHosts?: string[] | null;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  LogConfig?: { Type?: string; Config?: Record<string, string> };
  /** mydocker (the built-in core, default), runc or crun. */
  Runtime?: string;
  AutoRemove?: boolean;
  ReadonlyRootfs?: boolean;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  CgroupParent?: string;
  OomKillDisable?: boolean | null;
  Ulimits?: { Name: string; Soft: number; Hard: number }[] | null;
  Privileged?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Devices?: { PathOnHost: string; PathInContainer?: string; CgroupPermissions?: string }[] | null;
  DeviceCgroupRules?: string[] | null;
  GroupAdd?: string[] | null;
  Sysctls?: Record<string, string> | null;
  OomScoreAdj?: number;
  /** As docker: a seccomp profile travels as its JSON content ("seccomp=<json>"). */
  SecurityOpt?: string[] | null;
  UsernsMode?: string;
  /** mydocker's own (podman's --uidmap/--gidmap): CONTAINER_ID:HOST_ID:SIZE entries. */
  UidMaps?: string[] | null;
  GidMaps?: string[] | null;
  // --init, --pid/--ipc/--uts/--cgroupns, --shm-size, --volumes-from, --link, --dns-option, --annotation (src/engine/host-extras.ts)
  Init?: boolean | null;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  CgroupnsMode?: string;
  ShmSize?: number;
  VolumesFrom?: string[] | null;
  Links?: string[] | null;
  DnsOptions?: string[] | null;
  Annotations?: Record<string, string> | null;
}

export interface SpecNetworking {
  EndpointsConfig?: Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null; MacAddress?: string } | null>;
}

export interface ContainerSpec {
  name?: string;
  config: SpecConfig;
  hostConfig?: SpecHostConfig;
  networkingConfig?: SpecNetworking;
  /** -t: the caller's terminal size, so the first prompt fits. */
  consoleSize?: { rows: number; cols: number };
}

const list = <T>(v: T[] | null | undefined): T[] => v ?? [];
const pos = (n: number | null | undefined): string | undefined => (n ? String(n) : undefined);
/** Nano-CPUs as the decimal --cpus text, never in exponent form. */
const cpusText = (nano: number): string => (nano / 1e9).toFixed(9).replace(/\.?0+$/, '');

/** undefined/null/[]: the image's; [""]: none (docker's --entrypoint ""); otherwise the whole entrypoint. */
function entrypointOf(e: SpecConfig['Entrypoint']): Pick<RunOptions, 'entrypoint' | 'entrypointArgs'> {
  const list = typeof e === 'string' ? [e] : e ?? [];
  if (!list.length) return {};
  if (list.length === 1 && list[0] === '') return { entrypoint: '' };
  return { entrypointArgs: list };
}

function mountFlag(m: SpecMount): string {
  if (!m.Target) throw new InvalidArgumentError('invalid mount config: Target is required');
  const parts = [`type=${m.Type}`, `target=${m.Target}`];
  if (m.Source) parts.push(`source=${m.Source}`);
  if (m.ReadOnly) parts.push('readonly');
  if (m.BindOptions?.Propagation) parts.push(`bind-propagation=${m.BindOptions.Propagation}`);
  if (m.VolumeOptions?.NoCopy) parts.push('volume-nocopy');
  for (const [k, v] of Object.entries(m.VolumeOptions?.Labels ?? {})) parts.push(`volume-label=${k}=${v}`);
  if (m.TmpfsOptions?.SizeBytes) parts.push(`tmpfs-size=${m.TmpfsOptions.SizeBytes}`);
  if (m.TmpfsOptions?.Mode) parts.push(`tmpfs-mode=${m.TmpfsOptions.Mode.toString(8)}`);
  for (const p of parts) if (p.includes(',')) throw new InvalidArgumentError(`invalid mount config: "${p}" holds a comma`);
  return parts.join(',');
}

function publishFlags(bindings: SpecHostConfig['PortBindings']): string[] {
  const out: string[] = [];
  for (const [port, hosts] of Object.entries(bindings ?? {})) {
    for (const h of hosts?.length ? hosts : [{}]) {
      const ip = h.HostIp ? `${h.HostIp}:` : '';
      out.push(ip || h.HostPort ? `${ip}${h.HostPort ?? ''}:${port}` : port);
    }
  }
  return out;
}

/** The structured spec onto the engine's RunOptions (flag-shaped): one engine entry for every front. */
export function specToRunOptions(spec: ContainerSpec): RunOptions {
  const c = spec.config;
  const h = spec.hostConfig ?? {};
  const endpoints = Object.entries(spec.networkingConfig?.EndpointsConfig ?? {});
  const mode = !h.NetworkMode || h.NetworkMode === 'default' ? 'bridge' : h.NetworkMode;
  const firstEndpoint = endpoints.find(([name]) => name === mode)?.[1] ?? endpoints[0]?.[1];
  return {
    image: c.Image,
    command: list(c.Cmd),
    ...entrypointOf(c.Entrypoint),
    interactive: c.OpenStdin === true,
    tty: c.Tty === true,
    rm: h.AutoRemove === true,
    detach: !(c.AttachStdin || c.AttachStdout || c.AttachStderr),
    name: spec.name || undefined,
    env: list(c.Env),
    workdir: c.WorkingDir || undefined,
    user: c.User || undefined,
    hostname: c.Hostname || undefined,
    network: mode,
    resources: {
      memory: pos(h.Memory), memorySwap: h.MemorySwap ? String(h.MemorySwap) : undefined, memoryReservation: pos(h.MemoryReservation),
      oomKillDisable: h.OomKillDisable === true, cpus: h.NanoCpus ? cpusText(h.NanoCpus) : undefined, cpuShares: pos(h.CpuShares),
      cpuPeriod: pos(h.CpuPeriod), cpuQuota: pos(h.CpuQuota), cpusetCpus: h.CpusetCpus || undefined, cpusetMems: h.CpusetMems || undefined,
      pidsLimit: h.PidsLimit ? String(h.PidsLimit) : undefined, blkioWeight: pos(h.BlkioWeight), cgroupParent: h.CgroupParent || undefined,
      ulimits: list(h.Ulimits).map((u) => `${u.Name}=${u.Soft}:${u.Hard}`),
      ...resourceExtrasFlags(h),
    },
    security: {
      ...NO_SECURITY_FLAGS,
      privileged: h.Privileged === true, capAdd: list(h.CapAdd), capDrop: list(h.CapDrop),
      devices: list(h.Devices).map((d) => `${d.PathOnHost}:${d.PathInContainer || d.PathOnHost}:${d.CgroupPermissions || 'rwm'}`),
      deviceCgroupRules: list(h.DeviceCgroupRules), groupAdd: list(h.GroupAdd),
      sysctls: Object.entries(h.Sysctls ?? {}).map(([k, v]) => `${k}=${v}`),
      oomScoreAdj: h.OomScoreAdj ? String(h.OomScoreAdj) : undefined, securityOpts: list(h.SecurityOpt),
      userns: h.UsernsMode || undefined, uidmaps: list(h.UidMaps), gidmaps: list(h.GidMaps),
    },
    restart: h.RestartPolicy?.Name
      ? `${h.RestartPolicy.Name}${h.RestartPolicy.Name === 'on-failure' && h.RestartPolicy.MaximumRetryCount ? `:${h.RestartPolicy.MaximumRetryCount}` : ''}`
      : undefined,
    logOpts: Object.entries(h.LogConfig?.Config ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(h.LogConfig?.Type ? { logDriver: h.LogConfig.Type } : {}),
    ...(h.Runtime ? { runtime: h.Runtime } : {}),
    ...(c.StopTimeout !== undefined && c.StopTimeout !== null ? { stopTimeout: c.StopTimeout } : {}),
    labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`),
    consoleSize: spec.consoleSize,
    volumes: [...list(h.Binds), ...Object.keys(c.Volumes ?? {})],
    mounts: list(h.Mounts).map(mountFlag),
    tmpfs: Object.entries(h.Tmpfs ?? {}).map(([dst, opts]) => (opts ? `${dst}:${opts}` : dst)),
    readOnly: h.ReadonlyRootfs === true,
    publish: publishFlags(h.PortBindings),
    publishAll: h.PublishAllPorts === true,
    networkAliases: list(firstEndpoint?.Aliases),
    ip: firstEndpoint?.IPAMConfig?.IPv4Address || undefined,
    ip6: firstEndpoint?.IPAMConfig?.IPv6Address || undefined,
    dns: list(h.Dns),
    dnsSearch: list(h.DnsSearch),
    addHosts: list(h.ExtraHosts),
    expose: Object.keys(c.ExposedPorts ?? {}),
    ...(c.StopSignal ? { stopSignal: c.StopSignal } : {}),
    ...(c.Healthcheck ? { healthcheck: c.Healthcheck } : {}),
    ...extrasFromSpec(c, h, firstEndpoint?.MacAddress),
  };
}
