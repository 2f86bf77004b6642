import { flag, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { parseTimeArg, type LogsOptions } from '../../engine/lifecycle/logs';
import { detailsPrefix, entryAttrs } from '../../format/log-details';
import { engineFor } from '../engine-deps';

interface Opts extends LogsOptions { ref: string; timestamps: boolean; details: boolean }

export const command: CommandDefinition<Opts> = {
  name: 'logs',
  usage: '[OPTIONS] CONTAINER',
  summary: 'Fetch the logs of a container',
  options: [
    { name: 'details', type: 'bool', description: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', type: 'bool', description: 'Follow log output' },
    { name: 'tail', short: 'n', type: 'string', description: 'Number of lines to show from the end of the logs (default "all")' },
    { name: 'timestamps', short: 't', type: 'bool', description: 'Show timestamps' },
    { name: 'since', type: 'string', description: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)' },
    { name: 'until', type: 'string', description: 'Show logs before a timestamp or relative time' },
  ],
  toOptions(args: ParsedArgs) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"logs" requires exactly 1 argument');
    const tail = str(args, 'tail');
    if (tail !== undefined && tail !== 'all' && !/^\d+$/.test(tail)) throw new InvalidArgumentError(`invalid value "${tail}" for --tail: expected a number or "all"`);
    const since = str(args, 'since');
    const until = str(args, 'until');
    return {
      ref: args.positionals[0], follow: flag(args, 'follow'), timestamps: flag(args, 'timestamps'), details: flag(args, 'details'),
      tail: tail === undefined || tail === 'all' ? undefined : Number(tail),
      since: since === undefined ? undefined : parseTimeArg(since, '--since'),
      until: until === undefined ? undefined : parseTimeArg(until, '--until'),
    };
  },
  async run(opts, ctx) {
    for await (const e of engineFor(ctx).logs(opts.ref, opts)) {
      const out = e.stream === 'stderr' ? ctx.io.stderr : ctx.io.stdout;
      out.write(`${opts.timestamps ? `${e.time} ` : ''}${opts.details ? detailsPrefix(entryAttrs(e)) : ''}${e.log}`);
    }
    return 0;
  },
};
