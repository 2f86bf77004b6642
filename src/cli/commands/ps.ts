import { flag, list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { PS_HEADERS, PS_TABLE, psRow } from '../format/containers';
import { formatRows } from '../format/template';
import { portsText } from '../format/ports';
import { humanSize } from '../../format/words';

interface PsOptions { all: boolean; quiet: boolean; noTrunc: boolean; filters: string[]; last?: number; latest: boolean; format?: string; size: boolean }

/** docker's SIZE column: the writable layer, and with the image's layers "(virtual …)". */
export function sizeText(size: { SizeRw: number; SizeRootFs: number }): string {
  const rw = humanSize(size.SizeRw);
  return size.SizeRootFs > 0 ? `${rw} (virtual ${humanSize(size.SizeRootFs)})` : rw;
}

export const command: CommandDefinition<PsOptions> = {
  name: 'ps',
  usage: '[OPTIONS]',
  summary: 'List containers',
  options: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display container IDs' },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided (status, name, id, label, ancestor, exited, health)' },
    { name: 'last', short: 'n', type: 'string', value: 'int', description: 'Show n last created containers (includes all states)' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Show the latest created container (includes all states)' },
    { name: 'format', type: 'string', description: 'Format output: table, json, or a Go-like template' },
    { name: 'size', short: 's', type: 'bool', description: 'Display total file sizes' },
  ],
  toOptions(args: ParsedArgs) {
    const last = str(args, 'last');
    if (last !== undefined && !/^-?\d+$/.test(last)) throw new InvalidArgumentError(`invalid argument "${last}" for "-n, --last" flag`);
    return {
      all: flag(args, 'all'), quiet: flag(args, 'quiet'), noTrunc: flag(args, 'no-trunc'), filters: list(args, 'filter'),
      last: last === undefined ? undefined : Number(last), latest: flag(args, 'latest'), format: str(args, 'format'), size: flag(args, 'size'),
    };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    const views = await engine.listContainers(opts);
    if (opts.quiet) {
      ctx.io.stdout.write(views.map((v) => (opts.noTrunc ? v.record.id : v.record.id.slice(0, 12)) + '\n').join(''));
      return 0;
    }
    // docker computes sizes when asked, or when the template shows them
    const sized = opts.size || /\.Size\b/.test(opts.format ?? '');
    const rows = [];
    for (const v of views) {
      const row = psRow(v, opts.noTrunc, portsText(v));
      rows.push(sized ? { ...row, Size: sizeText(await engine.containerSize(v.record.id)) } : row);
    }
    const table = opts.size && (opts.format === undefined || opts.format === 'table') ? `${PS_TABLE}\t{{.Size}}` : PS_TABLE;
    ctx.io.stdout.write(formatRows(rows, opts.format === 'table' ? undefined : opts.format, table, { ...PS_HEADERS, '.Size': 'SIZE' }));
    return 0;
  },
};
