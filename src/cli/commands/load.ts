// mydocker load [OPTIONS]: images from a docker-archive or oci-archive (file or STDIN, plain or gzip).
import { flag, str } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { openArchiveInput } from '../../image/archive/load';
import { engineFor } from '../engine-deps';
import type { TarSource } from '../../archive/tar-input';

export interface LoadCommandOptions {
  input?: string;
  quiet: boolean;
}

function stdinArchive(): { source: TarSource; what: string } {
  if (process.stdin.isTTY) throw new InvalidArgumentError('requested load from stdin, but stdin is a terminal', { hint: 'use -i FILE or pipe an archive in' });
  return { source: process.stdin, what: 'stdin' };
}

export const command: CommandDefinition<LoadCommandOptions> = {
  name: 'load',
  usage: '[OPTIONS]',
  summary: 'Load images from a tar archive or STDIN',
  options: [
    { name: 'input', short: 'i', type: 'string', value: 'string', description: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the load output' },
  ],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker load" accepts no arguments', { hint: "see 'mydocker load --help'" });
    const input = str(args, 'input');
    return { quiet: flag(args, 'quiet'), ...(input !== undefined ? { input } : {}) };
  },
  async run(opts, ctx) {
    const { source, what } = opts.input === undefined || opts.input === '-' ? stdinArchive() : openArchiveInput(opts.input);
    const { images } = await engineFor(ctx).loadImages(source, what);
    if (!opts.quiet) {
      for (const img of images) {
        if (img.tags.length === 0) ctx.io.stdout.write(`Loaded image ID: ${img.id}\n`);
        for (const t of img.tags) ctx.io.stdout.write(`Loaded image: ${t}\n`);
      }
    }
    return 0;
  },
};
