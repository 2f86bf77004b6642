// What a container is, in docker's own terms (Config and HostConfig, as `inspect` shows them),
// merged from the image's config and the run flags. Pure.
import { InvalidArgumentError } from '../errors/errors';
import { healthcheckOf, validateHealthConfig, type HealthConfig } from './health/health-config';
import type { ImageConfig } from '../image/store';
import type { ResolvedResources, ResourceFlags } from './resources';
import { resourceExtrasHostConfig, type ResourceExtrasHostConfig } from './resource-extras';
import { extraHostConfig, type ExtraHostConfig } from './host-extras';
import {
  DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, NO_SECURITY_FLAGS, type SecurityFlags, type SecurityHostConfig,
} from './security/container-security';
import { parseLogConfig, type LogConfig } from './log-driver';
import { DEFAULT_RUNTIME, validateRuntimeName } from './runtimes';
import type { NamespaceFlags } from './namespace-modes';

export { logSizeBytes, type LogConfig } from './log-driver';

export interface RunOptions extends NamespaceFlags {
  /** undefined: the built-in default image (the command is an absolute path). */
  image?: string;
  command: string[];
  interactive: boolean;
  tty: boolean;
  rm: boolean;
  detach: boolean;
  name?: string;
  /** "KEY=VALUE" entries as the front resolved them (--env-file read, bare -e KEY looked up in its own env). */
  env: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  /** undefined: the image's; "": reset to none. */
  entrypoint?: string;
  /** A whole entrypoint (the Engine API's Entrypoint array); wins over `entrypoint`. */
  entrypointArgs?: string[];
  /** The signal `stop` sends (the Engine API's StopSignal); the image's otherwise. */
  stopSignal?: string;
  network: string;
  resources: ResourceFlags;
  /** --cap-add, --privileged, --device, --security-opt, --userns, … (src/engine/security/) */
  security: SecurityFlags;
  /** --restart: no, always, unless-stopped, on-failure[:N] */
  restart?: string;
  /** --log-opt max-size=…, max-file=… */
  logOpts: string[];
  /** --log-driver: json-file (default), local, none */
  logDriver?: string;
  /** --stop-timeout: seconds stop and restart wait by default (Config.StopTimeout). */
  stopTimeout?: number;
  /** --runtime: mydocker (the built-in core, default), runc, crun (HostConfig.Runtime). */
  runtime?: string;
  /** --label KEY=VALUE */
  labels: string[];
  /** Config.Healthcheck as the front sent it (docker's HealthConfig), merged with the image's at create. */
  healthcheck?: HealthConfig;
  /** process.consoleSize for -t: the caller's terminal size, so the first prompt fits. */
  consoleSize?: { rows: number; cols: number };
  // Storage (src/volume/container-mounts.ts)
  volumes: string[];
  mounts: string[];
  tmpfs: string[];
  readOnly: boolean;
  // Networking (src/network/container-network.ts)
  publish: string[];
  publishAll: boolean;
  networkAliases: string[];
  ip?: string;
  ip6?: string;
  dns: string[];
  dnsSearch: string[];
  addHosts: string[];
  expose: string[];
  // --init, --pid, --ipc, --uts, --cgroupns, --shm-size come with NamespaceFlags (src/engine/namespace-modes.ts);
  // --volumes-from, --link, --domainname, --dns-option, --mac-address, --annotation: src/engine/host-extras.ts
  volumesFrom?: string[];
  /** NAME[:ALIAS] */
  links?: string[];
  domainname?: string;
  dnsOptions?: string[];
  macAddress?: string;
  annotations?: Record<string, string>;
}

/** Every option at docker's default: a base for tests and for programs using the engine directly. */
export function defaultRunOptions(over: Partial<RunOptions> = {}): RunOptions {
  return {
    command: [], interactive: false, tty: false, rm: false, detach: false, env: [], network: 'none',
    resources: { ulimits: [] }, security: NO_SECURITY_FLAGS, logOpts: [], labels: [], volumes: [], mounts: [], tmpfs: [], readOnly: false, publish: [],
    publishAll: false, networkAliases: [], dns: [], dnsSearch: [], addHosts: [], expose: [], ...over,
  };
}

export interface RestartPolicy {
  Name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount: number;
}

export function parseRestartPolicy(text: string | undefined): RestartPolicy {
  if (text === undefined || text === '' || text === 'no') return { Name: 'no', MaximumRetryCount: 0 };
  const m = /^(always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) {
    throw new InvalidArgumentError(`invalid restart policy "${text}": use no, always, unless-stopped or on-failure[:max-retries]`);
  }
  return { Name: m[1] as RestartPolicy['Name'], MaximumRetryCount: m[2] ? Number(m[2]) : 0 };
}

/** docker's json-file options, sizes in decimal units as docker reads them (10m = 10,000,000 bytes). */
export function parseLogOpts(opts: string[], driver?: string): LogConfig {
  return parseLogConfig(driver, opts);
}

export function parseLabels(labels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    if (!key) throw new InvalidArgumentError(`invalid label "${l}": the key is empty`);
    out[key] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Image: string;
  WorkingDir: string;
  Labels: Record<string, string>;
  Healthcheck?: HealthConfig;
  StopSignal?: string;
  StopTimeout?: number;
}

export interface HostConfig extends SecurityHostConfig, ExtraHostConfig, ResourceExtrasHostConfig {
  AutoRemove: boolean;
  ReadonlyRootfs: boolean;
  Binds: string[] | null;
  Tmpfs: Record<string, string> | null;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
  PublishAllPorts: boolean;
  Dns: string[];
  DnsSearch: string[];
  ExtraHosts: string[] | null;
  RestartPolicy: RestartPolicy;
  LogConfig: LogConfig;
  /** The OCI runtime that runs it: mydocker's own core, or runc/crun (src/engine/runtimes.ts). */
  Runtime?: string;
  NetworkMode: string;
  CgroupParent: string;
  Memory: number;
  MemorySwap: number;
  MemoryReservation: number;
  NanoCpus: number;
  CpuShares: number;
  CpuPeriod: number;
  CpuQuota: number;
  CpusetCpus: string;
  CpusetMems: string;
  PidsLimit: number | null;
  BlkioWeight: number;
  OomKillDisable: boolean;
  Ulimits: { Name: string; Soft: number; Hard: number }[];
}

/** A container made without any security flag, as docker's HostConfig shows it. */
export const DEFAULT_SECURITY_HOST_CONFIG: SecurityHostConfig = {
  Privileged: false, CapAdd: null, CapDrop: null, Devices: [], DeviceCgroupRules: null, GroupAdd: null, Sysctls: null, OomScoreAdj: 0,
  SecurityOpt: null, UsernsMode: '', MaskedPaths: DEFAULT_MASKED_PATHS, ReadonlyPaths: DEFAULT_READONLY_PATHS,
};

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const HOSTNAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validateName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(`invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
}

/** Validation that needs nothing but the flags: runs before anything is created. */
export function validateRunOptions(opts: RunOptions): void {
  if (opts.name !== undefined) validateName(opts.name);
  if (opts.workdir !== undefined && !opts.workdir.startsWith('/')) {
    throw new InvalidArgumentError(`the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`);
  }
  if (opts.hostname !== undefined && (opts.hostname.length > 64 || !HOSTNAME_PATTERN.test(opts.hostname))) {
    throw new InvalidArgumentError(`invalid hostname format: ${opts.hostname}`);
  }
  const restart = parseRestartPolicy(opts.restart);
  if (restart.Name !== 'no' && opts.rm) throw new InvalidArgumentError('conflicting options: --restart and --rm');
  parseLogOpts(opts.logOpts, opts.logDriver);
  parseLabels(opts.labels);
  validateHealthConfig(opts.healthcheck);
  if (opts.runtime !== undefined) validateRuntimeName(opts.runtime);
  if (opts.stopTimeout !== undefined && (!Number.isInteger(opts.stopTimeout) || opts.stopTimeout < -1)) {
    throw new InvalidArgumentError(`invalid stop timeout ${opts.stopTimeout}: expected seconds, or -1 to wait without limit`);
  }
}

/** docker's env rules: "KEY=VALUE" as is, a bare "KEY" takes the caller's value or is dropped. */
export function resolveEnvEntry(entry: string, hostEnv: NodeJS.ProcessEnv, source: string): string | undefined {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (key === '') throw new InvalidArgumentError(`invalid environment variable: ${entry}`, { hint: source });
  if (/\s/.test(key)) throw new InvalidArgumentError(`variable '${key}' contains whitespaces`, { hint: source });
  if (eq >= 0) return entry;
  const value = hostEnv[key];
  return value === undefined ? undefined : `${key}=${value}`;
}

/** --env-file format: one entry a line, "#" comments and blank lines skipped. */
export function parseEnvFile(text: string, hostEnv: NodeJS.ProcessEnv, file: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const v = resolveEnvEntry(line, hostEnv, `in env file ${file}`);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Later values win; a key keeps the position where it first appeared (docker's ReplaceOrAppendEnvValues). */
export function mergeEnv(...lists: string[][]): string[] {
  const order: string[] = [];
  const values = new Map<string, string>();
  for (const entry of lists.flat()) {
    const key = entry.split('=', 1)[0];
    if (!values.has(key)) order.push(key);
    values.set(key, entry);
  }
  return order.map((k) => values.get(k)!);
}

export interface CommandLine {
  entrypoint: string[] | null;
  cmd: string[] | null;
  argv: string[];
}

export function resolveCommand(opts: Pick<RunOptions, 'command' | 'entrypoint' | 'entrypointArgs'>, image: ImageConfig): CommandLine {
  const given = opts.entrypointArgs?.length ? opts.entrypointArgs : opts.entrypoint !== undefined ? (opts.entrypoint === '' ? null : [opts.entrypoint]) : undefined;
  const entrypoint = given !== undefined ? given : image.Entrypoint ?? null;
  // docker: --entrypoint clears the image's default command.
  const cmd = opts.command.length ? opts.command : given !== undefined ? null : image.Cmd ?? null;
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw new InvalidArgumentError('no command specified');
  return { entrypoint, cmd, argv };
}

export function buildContainerConfig(
  opts: RunOptions,
  image: { ref: string; config: ImageConfig },
  hostname: string,
  userEnv: string[],
  limits: ResolvedResources = { resources: {}, rlimits: [], cgroupParent: '/mydocker', warnings: [] },
  security: SecurityHostConfig = DEFAULT_SECURITY_HOST_CONFIG,
): { config: ContainerConfig; hostConfig: HostConfig; argv: string[] } {
  const command = resolveCommand(opts, image.config);
  const base = [DEFAULT_PATH, `HOSTNAME=${hostname}`, ...(opts.tty ? ['TERM=xterm'] : [])];
  const env = mergeEnv(base, image.config.Env ?? [], userEnv);
  const imageWorkdir = image.config.WorkingDir?.startsWith('/') ? image.config.WorkingDir : undefined;
  return {
    argv: command.argv,
    config: {
      Hostname: hostname,
      Domainname: opts.domainname ?? '',
      User: opts.user ?? image.config.User ?? '',
      AttachStdin: opts.interactive && !opts.detach,
      AttachStdout: !opts.detach,
      AttachStderr: !opts.detach,
      Tty: opts.tty,
      OpenStdin: opts.interactive,
      StdinOnce: opts.interactive && !opts.detach,
      Env: env,
      Cmd: command.cmd,
      Entrypoint: command.entrypoint,
      Image: image.ref,
      WorkingDir: opts.workdir ?? imageWorkdir ?? '',
      Labels: { ...(image.config.Labels ?? {}), ...parseLabels(opts.labels) },
      ...healthcheckOf(opts.healthcheck, image.config.Healthcheck),
      ...(opts.stopSignal ?? image.config.StopSignal ? { StopSignal: opts.stopSignal ?? image.config.StopSignal } : {}),
      ...(opts.stopTimeout !== undefined ? { StopTimeout: opts.stopTimeout } : {}),
    },
    hostConfig: { ...hostConfigFor(opts, limits), ...security },
  };
}

/** docker's HostConfig fields, as `inspect` will show them. */
export function hostConfigFor(opts: RunOptions, limits: ResolvedResources): Omit<HostConfig, keyof SecurityHostConfig> {
  const r = limits.resources;
  const nanoCpus = opts.resources.cpus !== undefined ? Math.round(Number(opts.resources.cpus) * 1e9) : 0;
  return {
    AutoRemove: opts.rm,
    ReadonlyRootfs: opts.readOnly,
    Binds: opts.volumes.length ? [...opts.volumes] : null,
    Tmpfs: opts.tmpfs.length ? Object.fromEntries(opts.tmpfs.map((t) => [t.split(':')[0], t.split(':').slice(1).join(':')])) : null,
    PortBindings: {},
    PublishAllPorts: opts.publishAll,
    Dns: [...opts.dns],
    DnsSearch: [...opts.dnsSearch],
    ExtraHosts: opts.addHosts.length ? [...opts.addHosts] : null,
    RestartPolicy: parseRestartPolicy(opts.restart),
    LogConfig: parseLogOpts(opts.logOpts, opts.logDriver),
    Runtime: opts.runtime || DEFAULT_RUNTIME,
    NetworkMode: opts.network,
    CgroupParent: opts.resources.cgroupParent !== undefined ? limits.cgroupParent : '',
    Memory: r.memory?.limit ?? 0,
    MemorySwap: opts.resources.memorySwap !== undefined ? r.memory?.swap ?? 0 : 0,
    MemoryReservation: r.memory?.reservation ?? 0,
    NanoCpus: nanoCpus,
    CpuShares: r.cpu?.shares ?? 0,
    CpuPeriod: nanoCpus ? 0 : r.cpu?.period ?? 0,
    CpuQuota: nanoCpus ? 0 : r.cpu?.quota ?? 0,
    CpusetCpus: r.cpu?.cpus ?? '',
    CpusetMems: r.cpu?.mems ?? '',
    PidsLimit: r.pids ? r.pids.limit : null,
    BlkioWeight: r.blockIO?.weight ?? 0,
    OomKillDisable: r.memory?.disableOOMKiller ?? false,
    Ulimits: limits.rlimits.map((u) => ({ Name: u.type.slice(7).toLowerCase(), Soft: u.soft, Hard: u.hard })),
    ...resourceExtrasHostConfig(opts.resources, r),
    ...extraHostConfig(opts),
  };
}
