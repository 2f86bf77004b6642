import { spawnSync } from 'node:child_process';
import { str } from '../../cli/argv';
import { InvalidArgumentError } from '../../errors/errors';
import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ id?: string; format: string; psArgs: string[] }> = {
  name: 'ps',
  usage: '[--format table|json] CONTAINER-ID [ps OPTIONS]',
  summary: 'list the processes of a container',
  options: [{ name: 'format', short: 'f', type: 'string', description: 'table or json (pids)' }],
  toOptions(args) {
    const format = str(args, 'format') ?? 'table';
    if (format !== 'table' && format !== 'json') throw new InvalidArgumentError(`invalid format ${JSON.stringify(format)}`);
    const [id, ...psArgs] = args.positionals;
    return { id, format, psArgs };
  },
  async run(o, ctx) {
    const pids = ctx.runtime.pids(o.id);
    if (o.format === 'json') {
      ctx.stdout.write(`${JSON.stringify(pids)}\n`);
      return 0;
    }
    const ps = spawnSync('ps', o.psArgs.length ? o.psArgs : ['-ef'], { encoding: 'utf8' });
    const lines = ps.stdout.split('\n');
    const pidCol = lines[0].trim().split(/\s+/).indexOf('PID');
    ctx.stdout.write(`${[lines[0], ...lines.slice(1).filter((l) => pids.includes(Number(l.trim().split(/\s+/)[pidCol])))].join('\n')}\n`);
    return 0;
  },
};
