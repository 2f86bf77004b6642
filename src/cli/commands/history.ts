// mydocker history [OPTIONS] IMAGE: the image's layers and the steps that made them, newest first.
import { flag, str } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { formatRows } from '../format/template';

export interface HistoryCommandOptions {
  image: string;
  noTrunc: boolean;
  quiet: boolean;
  human: boolean;
  format?: string;
}

const HEADERS = { '.ID': 'IMAGE', '.CreatedSince': 'CREATED', '.CreatedAt': 'CREATED AT', '.CreatedBy': 'CREATED BY', '.Size': 'SIZE', '.Comment': 'COMMENT' };

export const command: CommandDefinition<HistoryCommandOptions> = {
  name: 'history',
  usage: '[OPTIONS] IMAGE',
  summary: 'Show the history of an image',
  options: [
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
    { name: 'human', short: 'H', type: 'bool', description: 'Print sizes and dates in human readable format (default true)' },
    { name: 'format', type: 'string', value: 'string', description: "Format output using 'table', 'json' or a template like '{{.CreatedBy}}'" },
  ],
  toOptions(args) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"mydocker history" requires exactly 1 argument', { hint: "see 'mydocker history --help'" });
    const format = str(args, 'format');
    return { image: args.positionals[0], noTrunc: flag(args, 'no-trunc'), quiet: flag(args, 'quiet'), human: args.options.get('human') !== false, ...(format !== undefined ? { format } : {}) };
  },
  async run(opts, ctx) {
    const rows = await engineFor(ctx).imageHistory(opts.image, { noTrunc: opts.noTrunc, human: opts.human });
    if (!opts.human) for (const r of rows) r.CreatedSince = r.CreatedAt;
    if (opts.quiet) ctx.io.stdout.write(rows.map((r) => `${r.ID}\n`).join(''));
    else ctx.io.stdout.write(formatRows(rows, opts.format, 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', HEADERS));
    return 0;
  },
};
