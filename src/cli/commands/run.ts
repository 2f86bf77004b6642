import { flag, list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import type { RunOptions } from '../../engine/container-config';
import { runContainer } from '../../engine/lifecycle/run';
import { terminalAttach } from '../attach-terminal';
import { engineDeps } from '../engine-deps';

export const command: CommandDefinition<RunOptions> = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create and run a new container from an image (IMAGE may be left out when COMMAND is an absolute path: busybox runs it)',
  stopAtPositional: true,
  options: [
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
    { name: 'network', type: 'string', description: 'Connect a container to a network (none, host)' },
    { name: 'net', type: 'string', description: 'Alias of --network', hidden: true },
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
  ],
  toOptions(args: ParsedArgs): RunOptions {
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
      env: list(args, 'env'),
      envFiles: list(args, 'env-file'),
      workdir: str(args, 'workdir'),
      user: str(args, 'user'),
      hostname: str(args, 'hostname'),
      entrypoint: str(args, 'entrypoint'),
      network: str(args, 'network') ?? str(args, 'net') ?? 'none',
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
      restart: str(args, 'restart'),
      logOpts: list(args, 'log-opt'),
      labels: list(args, 'label'),
    };
  },
  async run(opts, ctx) {
    if (opts.tty && opts.interactive && !process.stdin.isTTY) {
      throw new InvalidArgumentError('the input device is not a TTY', { hint: 'drop -t, or run from a terminal' });
    }
    if (opts.tty && process.stdout.isTTY) opts.consoleSize = { rows: process.stdout.rows, cols: process.stdout.columns };
    const attach = opts.detach ? undefined : terminalAttach({ tty: opts.tty, stdin: opts.interactive, io: ctx.io, detachKeys: opts.tty && opts.interactive });
    const result = await runContainer(opts, engineDeps(ctx), attach);
    if (opts.detach) {
      ctx.io.stdout.write(`${result.id}\n`);
      return 0;
    }
    if (result.detached || !result.exit) return 0;
    if (result.exit.oomKilled) {
      const limit = result.memoryLimit ? ` (limit ${formatMiB(result.memoryLimit)})` : '';
      ctx.io.stderr.write(`mydocker: container ${result.id.slice(0, 12)} was killed: out of memory${limit}\n`);
    }
    return result.exit.exitCode;
  },
};

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
