// mydocker update [OPTIONS] CONTAINER...: new resource limits and restart policy, live for a running container.
// Sizes and CPUs are parsed here as docker's CLI does; the rules (ranges, swap ≥ memory, conflicts) are the engine's.
import { str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';
import { InvalidArgumentError } from '../../errors/errors';
import type { ContainerUpdate } from '../../engine';
import { parseRestartPolicy } from '../../engine/container-config';
import { parseBytes } from '../../engine/resources';

const bad = (flag: string, value: string, why: string) => new InvalidArgumentError(`invalid value "${value}" for --${flag}: ${why}`);

function int(args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw bad(name, v, 'expected an integer');
  return Number(v);
}

function size(args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  if (name === 'memory-swap' && v.trim() === '-1') return -1;
  return parseBytes(v, `--${name}`);
}

function nanoCpus(args: ParsedArgs): number | undefined {
  const v = str(args, 'cpus');
  if (v === undefined) return undefined;
  if (!/^\d*\.?\d+$/.test(v.trim())) throw bad('cpus', v, 'expected a number of CPUs like 0.5 or 2');
  return Math.round(Number(v) * 1e9);
}

export const command: CommandDefinition<{ refs: string[]; update: ContainerUpdate }> = {
  name: 'update',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Update configuration of one or more containers',
  options: [
    { name: 'blkio-weight', type: 'string', value: 'uint16', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable' },
    { name: 'cpu-period', type: 'string', value: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
    { name: 'cpu-quota', type: 'string', value: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
    { name: 'cpu-rt-period', type: 'string', value: 'int', description: 'Limit the CPU real-time period in microseconds' },
    { name: 'cpu-rt-runtime', type: 'string', value: 'int', description: 'Limit the CPU real-time runtime in microseconds' },
    { name: 'cpu-shares', short: 'c', type: 'string', value: 'int', description: 'CPU shares (relative weight)' },
    { name: 'cpus', type: 'string', value: 'decimal', description: 'Number of CPUs' },
    { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
    { name: 'cpuset-mems', type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
    { name: 'memory', short: 'm', type: 'string', value: 'bytes', description: 'Memory limit' },
    { name: 'memory-reservation', type: 'string', value: 'bytes', description: 'Memory soft limit' },
    { name: 'memory-swap', type: 'string', value: 'bytes', description: "Swap limit equal to memory plus swap: -1 to enable unlimited swap" },
    { name: 'pids-limit', type: 'string', value: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
    { name: 'restart', type: 'string', description: 'Restart policy to apply when a container exits' },
  ],
  toOptions(args) {
    if (!args.positionals.length) throw new InvalidArgumentError('"update" requires at least 1 argument', { hint: "see 'mydocker update --help'" });
    const restart = str(args, 'restart');
    const update: ContainerUpdate = {
      BlkioWeight: int(args, 'blkio-weight'), CpuPeriod: int(args, 'cpu-period'), CpuQuota: int(args, 'cpu-quota'),
      CpuShares: int(args, 'cpu-shares'), NanoCpus: nanoCpus(args), CpusetCpus: str(args, 'cpuset-cpus'), CpusetMems: str(args, 'cpuset-mems'),
      Memory: size(args, 'memory'), MemoryReservation: size(args, 'memory-reservation'), MemorySwap: size(args, 'memory-swap'),
      PidsLimit: int(args, 'pids-limit'), CpuRealtimePeriod: int(args, 'cpu-rt-period'), CpuRealtimeRuntime: int(args, 'cpu-rt-runtime'),
      ...(restart !== undefined ? { RestartPolicy: parseRestartPolicy(restart) } : {}),
    };
    const given = Object.entries(update).filter(([, v]) => v !== undefined);
    if (!given.length) throw new InvalidArgumentError('you must provide one or more flags when using this command');
    return { refs: args.positionals, update: Object.fromEntries(given) as ContainerUpdate };
  },
  run(opts, ctx) {
    const engine = engineFor(ctx);
    return eachContainer(ctx, 'update', opts.refs, (ref) => engine.updateContainer(ref, opts.update));
  },
};
