import * as fs from 'node:fs';
import { str, type ParsedArgs } from '../../cli/argv';
import { InvalidArgumentError } from '../../errors/errors';
import type { Resources } from '../../runtime/spec';
import type { RuntimeCommand } from '../command';

const NUM = (args: ParsedArgs, name: string): number | undefined => {
  const v = str(args, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid --${name} ${JSON.stringify(v)}: a number of bytes or units is expected`);
  return Number(v);
};

export const command: RuntimeCommand<{ id?: string; resources: Resources }> = {
  name: 'update',
  usage: '[--resources FILE|-] [OPTIONS] CONTAINER-ID',
  summary: 'change the resource limits of a running container',
  options: [
    { name: 'resources', short: 'r', type: 'string', description: 'a JSON file of OCI linux.resources ("-" reads stdin)' },
    { name: 'memory', type: 'string', description: 'memory limit in bytes' },
    { name: 'memory-reservation', type: 'string', description: 'memory soft limit in bytes' },
    { name: 'memory-swap', type: 'string', description: 'memory plus swap limit in bytes' },
    { name: 'cpu-period', type: 'string', description: 'CFS period' },
    { name: 'cpu-quota', type: 'string', description: 'CFS quota' },
    { name: 'cpu-share', type: 'string', description: 'CPU shares' },
    { name: 'cpu-rt-period', type: 'string', description: 'CPU real-time period in microseconds' },
    { name: 'cpu-rt-runtime', type: 'string', description: 'CPU real-time runtime in microseconds' },
    { name: 'cpuset-cpus', type: 'string', description: 'CPUs to run on' },
    { name: 'cpuset-mems', type: 'string', description: 'memory nodes to use' },
    { name: 'pids-limit', type: 'string', description: 'maximum number of processes' },
    { name: 'blkio-weight', type: 'string', description: 'block IO weight' },
  ],
  toOptions(args) {
    const file = str(args, 'resources');
    let resources: Resources = {};
    if (file !== undefined) {
      try {
        resources = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8')) as Resources;
      } catch (err) {
        throw new InvalidArgumentError(`cannot read the resources ${file}: ${(err as Error).message}`);
      }
    }
    const memory = { limit: NUM(args, 'memory'), reservation: NUM(args, 'memory-reservation'), swap: NUM(args, 'memory-swap') };
    const cpu = { period: NUM(args, 'cpu-period'), quota: NUM(args, 'cpu-quota'), shares: NUM(args, 'cpu-share'), realtimePeriod: NUM(args, 'cpu-rt-period'), realtimeRuntime: NUM(args, 'cpu-rt-runtime'), cpus: str(args, 'cpuset-cpus'), mems: str(args, 'cpuset-mems') };
    const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
    if (Object.keys(defined(memory)).length) resources.memory = { ...resources.memory, ...defined(memory) };
    if (Object.keys(defined(cpu)).length) resources.cpu = { ...resources.cpu, ...defined(cpu) };
    const pids = NUM(args, 'pids-limit');
    if (pids !== undefined) resources.pids = { limit: pids };
    const weight = NUM(args, 'blkio-weight');
    if (weight !== undefined) resources.blockIO = { ...resources.blockIO, weight };
    return { id: args.positionals[0], resources };
  },
  async run(o, ctx) {
    ctx.runtime.update(o.id, o.resources);
    return 0;
  },
};
