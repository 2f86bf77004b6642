// The options of `run` and `create` (docker's flags), and how they become the engine's ContainerSpec: the
// client side of docker's CLI (flags parsed into Config/HostConfig/NetworkingConfig, sizes in bytes, ports and
// mounts structured, files read here), so the engine sees the same input from the CLI as from the Engine API.
import { flag, list, str, type OptionSpec, type ParsedArgs } from './argv';
import { InvalidArgumentError } from '../errors/errors';
import * as fs from 'node:fs';
import { parseEnvFile, parseLabels, parseRestartPolicy, resolveEnvEntry } from '../engine/container-config';
import type { ContainerSpec, SpecHostConfig, SpecMount } from '../engine/container-spec';
import { parseBytes } from '../engine/resources';
import { parseDeviceFlag } from '../engine/security/devices';
import { readSeccompProfileFile } from '../engine/security/container-security';
import { parseExpose, parsePublishList } from '../network/ports';
import { parseMountFlag } from '../volume/mount-spec';
import { healthConfigFromFlags } from '../engine/health/health-config';
import { parseLogConfig } from '../engine/log-driver';
import { attachedStreams, readLabelFiles, RUN_CLIENT_OPTIONS } from './run-client';
import { NAMESPACE_OPTIONS, namespaceFlagsSpec } from './namespace-flags';
import { RESOURCE_EXTRA_OPTIONS, resourceExtrasSpec } from './resource-flags';

export const RUN_OPTIONS: OptionSpec[] = [
  { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open' },
  { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
  { name: 'rm', type: 'bool', description: 'Automatically remove the container when it exits' },
  { name: 'detach', short: 'd', type: 'bool', description: 'Run container in background and print container ID' },
  { name: 'name', type: 'string', value: 'string', description: 'Assign a name to the container' },
  { name: 'env', short: 'e', type: 'list', description: 'Set environment variables' },
  { name: 'env-file', type: 'list', description: 'Read in a file of environment variables' },
  { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
  { name: 'user', short: 'u', type: 'string', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'hostname', short: 'h', type: 'string', description: 'Container host name' },
  { name: 'entrypoint', type: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'network', type: 'string', description: 'Connect a container to a network (bridge, none, host, NAME, container:NAME|ID)' },
  { name: 'net', type: 'string', description: 'Alias of --network', hidden: true },
  { name: 'volume', short: 'v', type: 'list', description: 'Bind mount a volume' },
  { name: 'mount', type: 'list', description: 'Attach a filesystem mount to the container' },
  { name: 'tmpfs', type: 'list', description: 'Mount a tmpfs directory' },
  { name: 'read-only', type: 'bool', description: "Mount the container's root filesystem as read only" },
  { name: 'publish', short: 'p', type: 'list', description: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', description: 'Publish all exposed ports to random ports' },
  { name: 'expose', type: 'list', description: 'Expose a port or a range of ports' },
  { name: 'network-alias', type: 'list', description: 'Add network-scoped alias for the container' },
  { name: 'ip', type: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'ip6', type: 'string', description: 'IPv6 address (e.g., 2001:db8::33)' },
  { name: 'dns', type: 'list', description: 'Set custom DNS servers' },
  { name: 'dns-search', type: 'list', description: 'Set custom DNS search domains' },
  { name: 'add-host', type: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'memory', short: 'm', type: 'string', value: 'bytes', description: 'Memory limit (b, k, m, g)' },
  { name: 'memory-swap', type: 'string', value: 'bytes', description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  { name: 'memory-reservation', type: 'string', value: 'bytes', description: 'Memory soft limit' },
  { name: 'oom-kill-disable', type: 'bool', description: 'Disable OOM Killer' },
  { name: 'cpus', type: 'string', value: 'decimal', description: 'Number of CPUs' },
  { name: 'cpu-shares', short: 'c', type: 'string', value: 'int', description: 'CPU shares (relative weight)' },
  { name: 'cpu-period', type: 'string', value: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'string', value: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'pids-limit', type: 'string', value: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'blkio-weight', type: 'string', value: 'uint16', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable' },
  ...RESOURCE_EXTRA_OPTIONS,
  { name: 'cgroup-parent', type: 'string', description: 'Optional parent cgroup for the container' },
  { name: 'ulimit', type: 'list', value: 'ulimit', description: 'Ulimit options (e.g. nofile=1024:2048)' },
  { name: 'restart', type: 'string', description: 'Restart policy to apply when a container exits (no, always, unless-stopped, on-failure[:N])' },
  { name: 'log-opt', type: 'list', description: 'Log driver options (max-size, max-file)' },
  { name: 'label', short: 'l', type: 'list', description: 'Set meta data on a container' },
  { name: 'privileged', type: 'bool', description: 'Give extended privileges to this container' },
  { name: 'cap-add', type: 'list', description: 'Add Linux capabilities' },
  { name: 'cap-drop', type: 'list', description: 'Drop Linux capabilities' },
  { name: 'security-opt', type: 'list', description: 'Security options (seccomp=unconfined|PROFILE.json, no-new-privileges, apparmor=, label=)' },
  { name: 'device', type: 'list', description: 'Add a host device to the container' },
  { name: 'device-cgroup-rule', type: 'list', description: "Add a rule to the cgroup allowed devices list" },
  { name: 'group-add', type: 'list', description: 'Add additional groups to join' },
  { name: 'sysctl', type: 'list', description: 'Sysctl options' },
  { name: 'oom-score-adj', type: 'string', value: 'int', description: "Tune host's OOM preferences (-1000 to 1000)" },
  { name: 'userns', type: 'string', description: 'User namespace to use (host, auto[:size=N])' },
  { name: 'stop-signal', type: 'string', description: 'Signal to stop the container' },
  { name: 'health-cmd', type: 'string', value: 'string', description: 'Command to run to check health' },
  { name: 'health-interval', type: 'string', value: 'duration', description: 'Time between running the check (ms|s|m|h) (default 0s)' },
  { name: 'health-timeout', type: 'string', value: 'duration', description: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  { name: 'health-retries', type: 'string', value: 'int', description: 'Consecutive failures needed to report unhealthy' },
  { name: 'health-start-period', type: 'string', value: 'duration', description: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' },
  { name: 'health-start-interval', type: 'string', value: 'duration', description: 'Time between running the check during the start period (ms|s|m|h) (default 0s)' },
  { name: 'no-healthcheck', type: 'bool', description: 'Disable any container-specified HEALTHCHECK' },
  { name: 'uidmap', type: 'list', description: 'UID map for the user namespace (CONTAINER_ID:HOST_ID:SIZE)' },
  { name: 'gidmap', type: 'list', description: 'GID map for the user namespace (CONTAINER_ID:HOST_ID:SIZE)' },
  { name: 'stop-timeout', type: 'string', value: 'int', description: 'Timeout (in seconds) to stop a container' },
  { name: 'log-driver', type: 'string', description: 'Logging driver for the container (json-file, local, none)' },
  { name: 'runtime', type: 'string', description: 'Runtime to use for this container (mydocker, runc, crun)' },
  ...RUN_CLIENT_OPTIONS,
  ...NAMESPACE_OPTIONS,
];

/** docker's CLI does this on the client side: --env-file lines, then -e; a bare KEY takes our own value or is dropped. */
export function clientEnv(files: string[], entries: string[]): string[] {
  const env: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InvalidArgumentError(`open ${file}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    env.push(...parseEnvFile(text, process.env, file));
  }
  for (const e of entries) {
    const v = resolveEnvEntry(e, process.env, '-e');
    if (v !== undefined) env.push(v);
  }
  return env;
}

const bad = (flag: string, value: string, why: string) => new InvalidArgumentError(`invalid value "${value}" for ${flag}: ${why}`);

function integer(args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw bad(`--${name}`, v, 'expected an integer');
  return Number(v);
}

function bytes(args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  return v === undefined ? undefined : parseBytes(v, `--${name}`);
}

/** docker's ParseCPUs: "1.5" → 1.5e9 nano-CPUs. */
function nanoCpus(args: ParsedArgs): number | undefined {
  const v = str(args, 'cpus');
  if (v === undefined) return undefined;
  if (!/^\d*\.?\d+$/.test(v.trim()) || !Number.isFinite(Number(v))) throw bad('--cpus', v, 'expected a number of CPUs like 0.5 or 2');
  return Math.round(Number(v) * 1e9);
}

/** name=soft[:hard], "unlimited" and -1 as -1 (docker's units.Ulimit). */
function ulimits(values: string[]): NonNullable<SpecHostConfig['Ulimits']> {
  return values.map((text) => {
    const m = /^([a-z]+)=(-?\d+|unlimited)(?::(-?\d+|unlimited))?$/.exec(text);
    if (!m) throw bad('--ulimit', text, 'expected <type>=<soft limit>[:<hard limit>]');
    const num = (t: string) => (t === 'unlimited' ? -1 : Number(t));
    return { Name: m[1], Soft: num(m[2]), Hard: num(m[3] ?? m[2]) };
  });
}

function sysctls(values: string[]): Record<string, string> | null {
  if (!values.length) return null;
  const out: Record<string, string> = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    if (eq < 1) throw new InvalidArgumentError(`invalid --sysctl "${raw}": expected key=value`);
    out[raw.slice(0, eq)] = raw.slice(eq + 1);
  }
  return out;
}

function oomScoreAdj(args: ParsedArgs): number | undefined {
  const v = str(args, 'oom-score-adj');
  if (v !== undefined && !/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid --oom-score-adj "${v}": the range is [-1000, 1000]`);
  return v === undefined ? undefined : Number(v);
}

/** As docker's CLI: a seccomp profile file is read here and travels as its JSON content. */
function securityOpts(values: string[]): string[] {
  return values.map((o) => {
    const m = /^seccomp[=:](.+)$/.exec(o);
    if (!m || ['unconfined', 'default', 'builtin'].includes(m[1]) || m[1].trimStart().startsWith('{')) return o;
    return `seccomp=${readSeccompProfileFile(m[1])}`;
  });
}

/** --mount's text, parsed and checked as the engine would, in the API's Mount shape. */
function mountSpec(text: string): SpecMount {
  const r = parseMountFlag(text);
  switch (r.type) {
    case 'bind':
      return { Type: 'bind', Source: r.source, Target: r.destination, ReadOnly: r.readOnly, BindOptions: { Propagation: r.propagation } };
    case 'volume':
      return {
        Type: 'volume', ...(r.name ? { Source: r.name } : {}), Target: r.destination, ReadOnly: r.readOnly,
        VolumeOptions: { NoCopy: r.noCopy, Labels: r.labels },
      };
    case 'tmpfs': {
      const opt = (key: string) => r.options.find((o) => o.startsWith(`${key}=`))?.slice(key.length + 1);
      const size = opt('size');
      const mode = opt('mode');
      return {
        Type: 'tmpfs', Target: r.destination, ReadOnly: r.readOnly,
        TmpfsOptions: { ...(size ? { SizeBytes: Number(size) } : {}), ...(mode ? { Mode: parseInt(mode, 8) } : {}) },
      };
    }
  }
}

function tmpfsMap(values: string[]): Record<string, string> | null {
  if (!values.length) return null;
  const out: Record<string, string> = {};
  for (const v of values) {
    const colon = v.indexOf(':');
    out[colon < 0 ? v : v.slice(0, colon)] = colon < 0 ? '' : v.slice(colon + 1);
  }
  return out;
}

/** --health-* and --no-healthcheck as docker's CLI sends them (Config.Healthcheck, durations in nanoseconds). */
function healthcheckFlags(args: ParsedArgs): { Healthcheck?: NonNullable<ContainerSpec['config']['Healthcheck']> } {
  const hc = healthConfigFromFlags({
    cmd: str(args, 'health-cmd'), interval: str(args, 'health-interval'), timeout: str(args, 'health-timeout'),
    startPeriod: str(args, 'health-start-period'), startInterval: str(args, 'health-start-interval'), retries: str(args, 'health-retries'),
    none: flag(args, 'no-healthcheck'),
  });
  return hc ? { Healthcheck: hc } : {};
}

const keys = (list: string[]): Record<string, object> | null => (list.length ? Object.fromEntries(list.map((k) => [k, {}])) : null);
const orNull = (list: string[]): string[] | null => (list.length ? list : null);

/** run/create's flags → the ContainerSpec the engine takes (docker's CLI does this same work before it POSTs). */
export function toContainerSpec(args: ParsedArgs): ContainerSpec {
  const [first, ...rest] = args.positionals;
  if (first === undefined) {
    throw new InvalidArgumentError('"run" requires at least 1 argument', { hint: "usage: mydocker run [OPTIONS] IMAGE [COMMAND] [ARG...]" });
  }
  // The book's `mydocker run -ti /bin/sh`: an absolute path is never an image reference.
  const implicitImage = first.startsWith('/');
  const interactive = flag(args, 'interactive');
  const detach = flag(args, 'detach');
  const entrypoint = str(args, 'entrypoint');
  const publish = parsePublishList(list(args, 'publish'));
  const exposed = [...new Set([...list(args, 'expose').flatMap(parseExpose), ...Object.keys(publish)])];
  const network = str(args, 'network') ?? str(args, 'net') ?? 'default';
  const aliases = list(args, 'network-alias');
  const ip = str(args, 'ip');
  const ip6 = str(args, 'ip6');
  const volumes = list(args, 'volume');
  const restart = str(args, 'restart');
  const logOpts = list(args, 'log-opt');
  const logDriver = str(args, 'log-driver');
  const attached = attachedStreams(args);
  const namespaces = namespaceFlagsSpec(args);
  return {
    ...(str(args, 'name') !== undefined ? { name: str(args, 'name') } : {}),
    config: {
      ...(implicitImage ? {} : { Image: first }),
      Cmd: implicitImage ? [first, ...rest] : rest,
      // docker: --entrypoint "" clears the image's entrypoint, sent as [""]
      ...(entrypoint !== undefined ? { Entrypoint: [entrypoint] } : {}),
      Env: clientEnv(list(args, 'env-file'), list(args, 'env')),
      ...(str(args, 'workdir') !== undefined ? { WorkingDir: str(args, 'workdir') } : {}),
      ...(str(args, 'user') !== undefined ? { User: str(args, 'user') } : {}),
      ...(str(args, 'hostname') !== undefined ? { Hostname: str(args, 'hostname') } : {}),
      Labels: parseLabels([...readLabelFiles(list(args, 'label-file')), ...list(args, 'label')]),
      Tty: flag(args, 'tty'),
      OpenStdin: interactive,
      StdinOnce: interactive && !detach,
      AttachStdin: attached.stdin,
      AttachStdout: attached.stdout,
      AttachStderr: attached.stderr,
      ExposedPorts: keys(exposed),
      Volumes: keys(volumes.filter((v) => !v.includes(':'))),
      ...(str(args, 'stop-signal') !== undefined ? { StopSignal: str(args, 'stop-signal') } : {}),
      ...healthcheckFlags(args),
      ...(str(args, 'stop-timeout') !== undefined ? { StopTimeout: integer(args, 'stop-timeout') } : {}),
      ...namespaces.config,
    },
    hostConfig: {
      Binds: orNull(volumes.filter((v) => v.includes(':'))),
      Mounts: list(args, 'mount').map(mountSpec),
      Tmpfs: tmpfsMap(list(args, 'tmpfs')),
      PortBindings: publish,
      PublishAllPorts: flag(args, 'publish-all'),
      NetworkMode: network,
      Dns: list(args, 'dns'),
      DnsSearch: list(args, 'dns-search'),
      ExtraHosts: list(args, 'add-host'),
      ...(restart !== undefined ? { RestartPolicy: parseRestartPolicy(restart) } : {}),
      ...(logOpts.length || logDriver !== undefined ? { LogConfig: parseLogConfig(logDriver, logOpts) } : {}),
      ...(str(args, 'runtime') !== undefined ? { Runtime: str(args, 'runtime') } : {}),
      AutoRemove: flag(args, 'rm'),
      ReadonlyRootfs: flag(args, 'read-only'),
      Memory: bytes(args, 'memory'),
      MemorySwap: str(args, 'memory-swap') === '-1' ? -1 : bytes(args, 'memory-swap'),
      MemoryReservation: bytes(args, 'memory-reservation'),
      OomKillDisable: flag(args, 'oom-kill-disable'),
      NanoCpus: nanoCpus(args),
      CpuShares: integer(args, 'cpu-shares'),
      CpuPeriod: integer(args, 'cpu-period'),
      CpuQuota: integer(args, 'cpu-quota'),
      CpusetCpus: str(args, 'cpuset-cpus'),
      CpusetMems: str(args, 'cpuset-mems'),
      PidsLimit: integer(args, 'pids-limit'),
      BlkioWeight: integer(args, 'blkio-weight'),
      ...resourceExtrasSpec(args),
      CgroupParent: str(args, 'cgroup-parent'),
      Ulimits: ulimits(list(args, 'ulimit')),
      Privileged: flag(args, 'privileged'),
      CapAdd: list(args, 'cap-add'),
      CapDrop: list(args, 'cap-drop'),
      Devices: list(args, 'device').map(parseDeviceFlag),
      DeviceCgroupRules: list(args, 'device-cgroup-rule'),
      GroupAdd: list(args, 'group-add'),
      Sysctls: sysctls(list(args, 'sysctl')),
      OomScoreAdj: oomScoreAdj(args),
      SecurityOpt: securityOpts(list(args, 'security-opt')),
      UsernsMode: str(args, 'userns'),
      UidMaps: list(args, 'uidmap'),
      GidMaps: list(args, 'gidmap'),
      ...namespaces.hostConfig,
    },
    ...(aliases.length || ip !== undefined || ip6 !== undefined
      ? { networkingConfig: { EndpointsConfig: { [network === 'default' ? 'bridge' : network]: { Aliases: aliases, ...(ip !== undefined || ip6 !== undefined
        ? { IPAMConfig: { ...(ip !== undefined ? { IPv4Address: ip } : {}), ...(ip6 !== undefined ? { IPv6Address: ip6 } : {}) } } : {}) } } } }
      : {}),
  };
}
