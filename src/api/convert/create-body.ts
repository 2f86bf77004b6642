// POST /containers/create's body (docker's Config with HostConfig and NetworkingConfig inside) checked
// field by field and turned into the engine's ContainerSpec. docker's nulls mean "not given"; settings
// mydocker cannot honour are refused by name instead of being dropped.
import { InvalidArgumentError } from '../../errors/errors';
import type { ContainerSpec, SpecConfig, SpecHostConfig, SpecNetworking } from '../../engine/container-spec';
import { parseLogConfig } from '../../engine/log-driver';

type Kind = 'string' | 'bool' | 'number' | 'strings' | 'strmap' | 'object' | 'objects' | 'cmd';

const CONFIG: Record<string, Kind> = {
  Image: 'string', Cmd: 'cmd', Entrypoint: 'cmd', Env: 'strings', WorkingDir: 'string', User: 'string', Hostname: 'string',
  Domainname: 'string', Labels: 'strmap', Tty: 'bool', OpenStdin: 'bool', StdinOnce: 'bool', AttachStdin: 'bool', AttachStdout: 'bool',
  AttachStderr: 'bool', ExposedPorts: 'object', Volumes: 'object', StopSignal: 'string', StopTimeout: 'number', Healthcheck: 'object',
  MacAddress: 'string',
};

const HOST: Record<string, Kind> = {
  Binds: 'strings', Mounts: 'objects', Tmpfs: 'strmap', PortBindings: 'object', PublishAllPorts: 'bool', NetworkMode: 'string',
  Dns: 'strings', DnsSearch: 'strings', ExtraHosts: 'strings', RestartPolicy: 'object', LogConfig: 'object', AutoRemove: 'bool',
  ReadonlyRootfs: 'bool', Memory: 'number', MemorySwap: 'number', MemoryReservation: 'number', NanoCpus: 'number', CpuShares: 'number',
  CpuPeriod: 'number', CpuQuota: 'number', CpusetCpus: 'string', CpusetMems: 'string', PidsLimit: 'number', BlkioWeight: 'number',
  CgroupParent: 'string', OomKillDisable: 'bool', Ulimits: 'objects', Privileged: 'bool', CapAdd: 'strings', CapDrop: 'strings',
  Devices: 'objects', DeviceCgroupRules: 'strings', GroupAdd: 'strings', Sysctls: 'strmap', OomScoreAdj: 'number', SecurityOpt: 'strings',
  UsernsMode: 'string', UidMaps: 'strings', GidMaps: 'strings', Runtime: 'string',
  Init: 'bool', PidMode: 'string', IpcMode: 'string', UTSMode: 'string', CgroupnsMode: 'string', ShmSize: 'number',
  VolumesFrom: 'strings', Links: 'strings', DnsOptions: 'strings', Annotations: 'strmap',
  MemorySwappiness: 'number', CpuRealtimePeriod: 'number', CpuRealtimeRuntime: 'number', BlkioWeightDevice: 'objects',
  BlkioDeviceReadBps: 'objects', BlkioDeviceWriteBps: 'objects', BlkioDeviceReadIOps: 'objects', BlkioDeviceWriteIOps: 'objects',
};

/** Accepted at their zero value only: the docker CLI always sends them. */
const HOST_ZERO_ONLY: Record<string, (v: unknown) => boolean> = {
  Cgroup: empty, VolumeDriver: (v) => empty(v) || v === 'local', ContainerIDFile: empty,
  Isolation: (v) => empty(v) || v === 'default',
  KernelMemory: empty, KernelMemoryTCP: empty,
};

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

function check(where: string, name: string, kind: Kind, v: unknown): void {
  if (v === null || v === undefined) return;
  const bad = (what: string) => new InvalidArgumentError(`invalid JSON: ${where}.${name} must be ${what}`);
  switch (kind) {
    case 'string': if (typeof v !== 'string') throw bad('a string'); break;
    case 'bool': if (typeof v !== 'boolean') throw bad('a boolean'); break;
    case 'number': if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('a number'); break;
    case 'strings': if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad('a list of strings'); break;
    case 'cmd': if (typeof v !== 'string' && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) throw bad('a string or a list of strings'); break;
    case 'strmap':
      if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw bad('an object of strings');
      break;
    case 'object': if (typeof v !== 'object' || Array.isArray(v)) throw bad('an object'); break;
    case 'objects':
      if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) throw bad('a list of objects');
      break;
  }
}

function pick<T>(where: string, src: Record<string, unknown>, fields: Record<string, Kind>): T {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(fields)) {
    const v = src[name];
    check(where, name, kind, v);
    if (v !== undefined && v !== null) out[name] = v;
  }
  return out as T;
}

/** docker's strslice: a string is a one-element list. */
function cmdList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

function asObject(where: string, v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`invalid JSON: ${where} must be an object`);
  return v as Record<string, unknown>;
}

export interface CreateRequest {
  spec: ContainerSpec;
  image: string;
}

export function createSpec(body: Record<string, unknown>, name: string | undefined): CreateRequest {
  const config = pick<SpecConfig>('Config', body, CONFIG);
  if (!config.Image) throw new InvalidArgumentError('no image was given: Config.Image is required');
  const cmd = cmdList(body.Cmd);
  const entry = cmdList(body.Entrypoint);
  config.Cmd = cmd && cmd.length ? cmd : undefined;
  // null or []: the image's entrypoint; [""]: none (docker run --entrypoint "")
  config.Entrypoint = entry && entry.length === 1 && entry[0] === '' ? null : entry && entry.length ? entry : undefined;
  if (config.Entrypoint === undefined) delete config.Entrypoint;
  if (config.Cmd === undefined) delete config.Cmd;

  const rawHost = asObject('HostConfig', body.HostConfig);
  for (const [field, ok] of Object.entries(HOST_ZERO_ONLY)) {
    if (!ok(rawHost[field])) throw new InvalidArgumentError(`HostConfig.${field} ${JSON.stringify(rawHost[field])} is not supported by mydocker`);
  }
  const log = asObject('HostConfig.LogConfig', rawHost.LogConfig);
  // json-file, local or none (src/engine/log-driver.ts: the same check and message as the CLI's)
  if (log.Type !== undefined && log.Type !== null && log.Type !== '') parseLogConfig(String(log.Type), []);
  const hostConfig = pick<SpecHostConfig>('HostConfig', rawHost, HOST);
  if (hostConfig.PidsLimit !== undefined && hostConfig.PidsLimit !== null && hostConfig.PidsLimit <= 0) hostConfig.PidsLimit = null;
  const networking = asObject('NetworkingConfig', body.NetworkingConfig);
  const endpoints = asObject('NetworkingConfig.EndpointsConfig', networking.EndpointsConfig);
  const networkingConfig: SpecNetworking = { EndpointsConfig: endpoints as SpecNetworking['EndpointsConfig'] };

  const spec: ContainerSpec = { config, hostConfig, networkingConfig, ...(name ? { name } : {}) };
  const size = rawHost.ConsoleSize;
  if (Array.isArray(size) && size.length === 2 && typeof size[0] === 'number' && typeof size[1] === 'number' && size[0] > 0 && size[1] > 0) {
    spec.consoleSize = { rows: size[0], cols: size[1] };
  }
  return { spec, image: config.Image };
}
