// mydocker save [OPTIONS] IMAGE [IMAGE...]: images → a docker-archive (default) or an oci-archive.
import { str } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import type { ArchiveFormat } from '../../image/archive/load';
import { pipeline } from 'node:stream/promises';
import { engineFor } from '../engine-deps';
import { writeFileAtomically } from '../output-file';

export interface SaveCommandOptions {
  images: string[];
  output?: string;
  format: ArchiveFormat;
}

export const command: CommandDefinition<SaveCommandOptions> = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  options: [
    { name: 'output', short: 'o', type: 'string', value: 'string', description: 'Write to a file, instead of STDOUT' },
    { name: 'format', type: 'string', value: 'string', description: 'docker-archive (default) or oci-archive' },
  ],
  toOptions(args) {
    if (args.positionals.length === 0) throw new InvalidArgumentError('"mydocker save" requires at least 1 argument', { hint: "see 'mydocker save --help'" });
    const format = str(args, 'format') ?? 'docker-archive';
    if (format !== 'docker-archive' && format !== 'oci-archive') throw new InvalidArgumentError(`unknown format ${JSON.stringify(format)}: use docker-archive or oci-archive`);
    const output = str(args, 'output');
    return { images: args.positionals, format, ...(output !== undefined ? { output } : {}) };
  },
  async run(opts, ctx) {
    const stdout = ctx.io.stdout as NodeJS.WritableStream & { isTTY?: boolean };
    if (opts.output === undefined && stdout.isTTY) throw new InvalidArgumentError('cowardly refusing to save to a terminal', { hint: 'use the -o flag or redirect' });
    const archive = await engineFor(ctx).saveImages(opts.images, opts.format);
    if (opts.output !== undefined) await writeFileAtomically(opts.output, (out) => pipeline(archive, out));
    else await pipeline(archive, stdout, { end: false });
    return 0;
  },
};
