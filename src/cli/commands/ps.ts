import { flag, list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { PS_HEADERS, PS_TABLE, psRow } from '../format/containers';
import { formatRows } from '../format/template';
import { portsText } from '../format/ports';

interface PsOptions { all: boolean; quiet: boolean; noTrunc: boolean; filters: string[]; last?: number; latest: boolean; format?: string }

export const command: CommandDefinition<PsOptions> = {
  name: 'ps',
  usage: '[OPTIONS]',
  summary: 'List containers',
  options: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display container IDs' },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided (status, name, id, label, ancestor, exited)' },
    { name: 'last', short: 'n', type: 'string', value: 'int', description: 'Show n last created containers (includes all states)' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Show the latest created container (includes all states)' },
    { name: 'format', type: 'string', description: 'Format output: table, json, or a Go-like template' },
  ],
  toOptions(args: ParsedArgs) {
    const last = str(args, 'last');
    if (last !== undefined && !/^-?\d+$/.test(last)) throw new InvalidArgumentError(`invalid argument "${last}" for "-n, --last" flag`);
    return {
      all: flag(args, 'all'), quiet: flag(args, 'quiet'), noTrunc: flag(args, 'no-trunc'), filters: list(args, 'filter'),
      last: last === undefined ? undefined : Number(last), latest: flag(args, 'latest'), format: str(args, 'format'),
    };
  },
  async run(opts, ctx) {
    const views = await engineFor(ctx).listContainers(opts);
    if (opts.quiet) {
      ctx.io.stdout.write(views.map((v) => (opts.noTrunc ? v.record.id : v.record.id.slice(0, 12)) + '\n').join(''));
      return 0;
    }
    ctx.io.stdout.write(formatRows(views.map((v) => psRow(v, opts.noTrunc, portsText(v))), opts.format, PS_TABLE, PS_HEADERS));
    return 0;
  },
};
