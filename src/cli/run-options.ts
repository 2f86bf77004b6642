// The options of `run` and `create` (docker's flags), and how they become the engine's RunOptions.
import { flag, list, str, type OptionSpec, type ParsedArgs } from './argv';
import { InvalidArgumentError } from '../errors/errors';
import * as fs from 'node:fs';
import { parseEnvFile, resolveEnvEntry, type RunOptions } from '../engine/container-config';

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
  { name: 'uidmap', type: 'list', description: 'UID map for the user namespace (CONTAINER_ID:HOST_ID:SIZE)' },
  { name: 'gidmap', type: 'list', description: 'GID map for the user namespace (CONTAINER_ID:HOST_ID:SIZE)' },
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

export function toRunOptions(args: ParsedArgs): RunOptions {
  const [first, ...rest] = args.positionals;
  if (first === undefined) {
    throw new InvalidArgumentError('"run" requires at least 1 argument', { hint: "usage: mydocker run [OPTIONS] IMAGE [COMMAND] [ARG...]" });
  }
  // The book's `mydocker run -ti /bin/sh`: an absolute path is never an image reference.
  const implicitImage = first.startsWith('/');
  return {
    image: implicitImage ? undefined : first,
    command: implicitImage ? [first, ...rest] : rest,
    interactive: flag(args, 'interactive'),
    tty: flag(args, 'tty'),
    rm: flag(args, 'rm'),
    detach: flag(args, 'detach'),
    name: str(args, 'name'),
    env: clientEnv(list(args, 'env-file'), list(args, 'env')),
    workdir: str(args, 'workdir'),
    user: str(args, 'user'),
    hostname: str(args, 'hostname'),
    entrypoint: str(args, 'entrypoint'),
    network: str(args, 'network') ?? str(args, 'net') ?? 'bridge',
    resources: {
      memory: str(args, 'memory'),
      memorySwap: str(args, 'memory-swap'),
      memoryReservation: str(args, 'memory-reservation'),
      oomKillDisable: flag(args, 'oom-kill-disable'),
      cpus: str(args, 'cpus'),
      cpuShares: str(args, 'cpu-shares'),
      cpuPeriod: str(args, 'cpu-period'),
      cpuQuota: str(args, 'cpu-quota'),
      cpusetCpus: str(args, 'cpuset-cpus'),
      cpusetMems: str(args, 'cpuset-mems'),
      pidsLimit: str(args, 'pids-limit'),
      blkioWeight: str(args, 'blkio-weight'),
      cgroupParent: str(args, 'cgroup-parent'),
      ulimits: list(args, 'ulimit'),
    },
    security: {
      privileged: flag(args, 'privileged'),
      capAdd: list(args, 'cap-add'),
      capDrop: list(args, 'cap-drop'),
      securityOpts: list(args, 'security-opt'),
      devices: list(args, 'device'),
      deviceCgroupRules: list(args, 'device-cgroup-rule'),
      groupAdd: list(args, 'group-add'),
      sysctls: list(args, 'sysctl'),
      oomScoreAdj: str(args, 'oom-score-adj'),
      userns: str(args, 'userns'),
      uidmaps: list(args, 'uidmap'),
      gidmaps: list(args, 'gidmap'),
    },
    restart: str(args, 'restart'),
    logOpts: list(args, 'log-opt'),
    labels: list(args, 'label'),
    volumes: list(args, 'volume'),
    mounts: list(args, 'mount'),
    tmpfs: list(args, 'tmpfs'),
    readOnly: flag(args, 'read-only'),
    publish: list(args, 'publish'),
    publishAll: flag(args, 'publish-all'),
    expose: list(args, 'expose'),
    networkAliases: list(args, 'network-alias'),
    ip: str(args, 'ip'),
    dns: list(args, 'dns'),
    dnsSearch: list(args, 'dns-search'),
    addHosts: list(args, 'add-host'),
  };
}
