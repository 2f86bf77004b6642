import { flag, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import type { StatsSample } from '../../engine/lifecycle/stats';
import { engineFor } from '../engine-deps';
import { formatRows } from '../format/template';
import { humanSize } from '../../format/words';

interface StatsOptions { refs: string[]; noStream: boolean; all: boolean; noTrunc: boolean; format?: string }

/** docker's binary units for memory ("1.5MiB / 23.4GiB"). */
function binarySize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 3 : n < 100 ? 2 : 1).replace(/\.?0+$/, '')}${units[i]}`;
}

function row(s: StatsSample, noTrunc: boolean) {
  return {
    Container: noTrunc ? s.id : s.id.slice(0, 12), ID: noTrunc ? s.id : s.id.slice(0, 12), Name: s.name,
    CPUPerc: `${s.cpuPercent.toFixed(2)}%`, MemUsage: `${binarySize(s.memUsage)} / ${binarySize(s.memLimit)}`,
    MemPerc: `${s.memPercent.toFixed(2)}%`, NetIO: `${humanSize(s.netRx)} / ${humanSize(s.netTx)}`,
    BlockIO: `${humanSize(s.blockRead)} / ${humanSize(s.blockWrite)}`, PIDs: String(s.pids),
  };
}

const TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS = {
  '.ID': 'CONTAINER ID', '.Container': 'CONTAINER', '.Name': 'NAME', '.CPUPerc': 'CPU %', '.MemUsage': 'MEM USAGE / LIMIT',
  '.MemPerc': 'MEM %', '.NetIO': 'NET I/O', '.BlockIO': 'BLOCK I/O', '.PIDs': 'PIDS',
};

export const command: CommandDefinition<StatsOptions> = {
  name: 'stats',
  usage: '[OPTIONS] [CONTAINER...]',
  summary: 'Display a live stream of container(s) resource usage statistics',
  options: [
    { name: 'no-stream', type: 'bool', description: 'Disable streaming stats and only pull the first result' },
    { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
    { name: 'no-trunc', type: 'bool', description: "Do not truncate output" },
    { name: 'format', type: 'string', description: 'Format output: table, json, or a Go-like template' },
  ],
  toOptions(args: ParsedArgs) {
    return { refs: args.positionals, noStream: flag(args, 'no-stream'), all: flag(args, 'all'), noTrunc: flag(args, 'no-trunc'), format: str(args, 'format') };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    for (;;) {
      const samples = await engine.stats(opts.refs, opts.noStream ? 500 : 1000, opts.all);
      const text = formatRows(samples.map((s) => row(s, opts.noTrunc)), opts.format, TABLE, HEADERS);
      if (!opts.noStream && process.stdout.isTTY) ctx.io.stdout.write('\x1b[2J\x1b[H');
      ctx.io.stdout.write(text);
      if (opts.noStream) return 0;
    }
  },
};
