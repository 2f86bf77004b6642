// mydocker images [OPTIONS] [REPOSITORY[:TAG]]: docker's table (REPOSITORY TAG IMAGE ID CREATED SIZE), -q, --format.
import { flag, list, str } from '../argv';
import { parseFilters } from '../../engine/filters';
import { IMAGE_FILTERS } from '../../engine/image-filters';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { formatImageRows, IMAGE_HEADERS, imageRows, type ImageRow } from '../../image/display';
import { formatRows } from '../format/template';
import { familiarName, parseReference } from '../../image/reference';
import { engineFor } from '../engine-deps';

export interface ImagesCommandOptions {
  quiet: boolean;
  all: boolean;
  noTrunc: boolean;
  digests: boolean;
  format?: string;
  /** docker's --filter values: dangling, label, reference, before, since, until. */
  filters: string[];
  /** Only this repository (familiar name), and this tag when given. */
  repository?: { name: string; tag?: string };
}

export const command: CommandDefinition<ImagesCommandOptions> = {
  name: 'images',
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  summary: 'List images',
  options: [
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'digests', type: 'bool', description: 'Show digests' },
    { name: 'format', type: 'string', value: 'string', description: "Format output using 'table', 'json' or a template like '{{.ID}}\\t{{.Size}}'" },
    { name: 'all', short: 'a', type: 'bool', description: 'Show all images (default hides intermediate images)' },
    { name: 'filter', short: 'f', type: 'list', value: 'filter', description: "Filter output based on conditions provided (dangling=true, label=k=v, reference=name:*, before=IMAGE, since=IMAGE, until=TIME)" },
  ],
  toOptions(args) {
    if (args.positionals.length > 1) throw new InvalidArgumentError('"mydocker images" requires at most 1 argument', { hint: "see 'mydocker images --help'" });
    const format = str(args, 'format');
    const filters = list(args, 'filter');
    parseFilters(filters, IMAGE_FILTERS); // a bad key fails before anything is read
    const opts: ImagesCommandOptions = {
      quiet: flag(args, 'quiet'), all: flag(args, 'all'), noTrunc: flag(args, 'no-trunc'), digests: flag(args, 'digests'), filters, ...(format !== undefined ? { format } : {}),
    };
    if (args.positionals[0] !== undefined) {
      const ref = parseReference(args.positionals[0], { defaultTag: false });
      opts.repository = { name: familiarName(ref), ...(ref.tag !== undefined ? { tag: ref.tag } : {}) };
    }
    return opts;
  },
  async run(opts, ctx) {
    const images = await engineFor(ctx).listImages(opts.filters, { all: opts.all });
    const rows = imageRows(images, { noTrunc: opts.noTrunc }).filter(
      (r) => !opts.repository || (r.Repository === opts.repository.name && (opts.repository.tag === undefined || r.Tag === opts.repository.tag)),
    );
    ctx.io.stdout.write(opts.quiet ? rows.map((r) => `${r.ID}\n`).join('') : listing(rows, opts.format, opts.digests));
    return 0;
  },
};

/** The default table and json as `images` always printed them; any other --format through the Go-template engine. */
function listing(rows: ImageRow[], format: string | undefined, digests: boolean): string {
  if (format === undefined || format === 'json' || format.trim() === 'table') return formatImageRows(rows, format, digests);
  const headers = Object.fromEntries(Object.entries(IMAGE_HEADERS).map(([k, v]) => [`.${k}`, v]));
  return formatRows(rows, format, '', headers);
}
