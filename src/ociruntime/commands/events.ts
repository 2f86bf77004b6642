import { flag, str } from '../../cli/argv';
import { InvalidArgumentError } from '../../errors/errors';
import type { CgroupStats } from '../../cgroups/stats';
import type { RuntimeCommand } from '../command';

/** The stats event as runc prints it (what containerd's shim and its metrics read). */
function statsEvent(id: string, s: CgroupStats) {
  return {
    type: 'stats', id,
    data: {
      cpu: { usage: { total: s.cpu.total, percpu: [], kernel: s.cpu.kernel, user: s.cpu.user }, throttling: {} },
      memory: { cache: s.memory.cache, usage: { limit: s.memory.limit, usage: s.memory.usage, max: s.memory.max, failcnt: s.memory.failcnt }, raw: {} },
      pids: { current: s.pids.current, ...(s.pids.limit ? { limit: s.pids.limit } : {}) },
      blkio: {}, hugetlb: {},
    },
  };
}

export const command: RuntimeCommand<{ id?: string; stats: boolean; intervalMs: number }> = {
  name: 'events',
  usage: '[--stats] [--interval 5s] CONTAINER-ID',
  summary: 'print the container\'s resource usage once (--stats), or every interval until it stops',
  options: [
    { name: 'stats', type: 'bool', description: 'print one stats event and exit' },
    { name: 'interval', type: 'string', description: 'time between stats events (default 5s)' },
  ],
  toOptions(args) {
    const interval = str(args, 'interval') ?? '5s';
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(interval);
    if (!m) throw new InvalidArgumentError(`invalid --interval ${JSON.stringify(interval)}`);
    return { id: args.positionals[0], stats: flag(args, 'stats'), intervalMs: Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'] };
  },
  async run(o, ctx) {
    const container = ctx.runtime.container(o.id);
    for (;;) {
      ctx.stdout.write(`${JSON.stringify(statsEvent(container.id, ctx.runtime.stats(o.id)))}\n`);
      if (o.stats) return 0;
      await new Promise((r) => setTimeout(r, o.intervalMs));
      if (container.status(ctx.log) === 'stopped') return 0;
    }
  },
};
