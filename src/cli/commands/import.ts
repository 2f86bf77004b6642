// mydocker import [OPTIONS] file|- [REPOSITORY[:TAG]]: a rootfs tarball becomes a one-layer image; prints its id.
import { list, str } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { parseChanges, splitChanges } from '../../image/changes';
import type { ImageConfig } from '../../image/store';
import { engineFor } from '../engine-deps';

export interface ImportCommandOptions {
  source: string;
  ref?: string;
  changes: Partial<ImageConfig>;
  message?: string;
}

export const command: CommandDefinition<ImportCommandOptions> = {
  name: 'import',
  usage: '[OPTIONS] file|- [REPOSITORY[:TAG]]',
  summary: 'Import the contents from a tarball to create a filesystem image',
  options: [
    { name: 'change', short: 'c', type: 'list', value: 'list', description: 'Apply Dockerfile instruction to the created image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL)' },
    { name: 'message', short: 'm', type: 'string', value: 'string', description: 'Set commit message for imported image' },
  ],
  toOptions(args) {
    const [source, ref, ...extra] = args.positionals;
    if (!source || extra.length) {
      throw new InvalidArgumentError('"mydocker import" requires at least 1 and at most 2 arguments', { hint: "see 'mydocker import --help'" });
    }
    const message = str(args, 'message');
    return { source, ...(ref !== undefined ? { ref } : {}), changes: parseChanges(splitChanges(list(args, 'change'))), ...(message !== undefined ? { message } : {}) };
  },
  async run(opts, ctx) {
    if (opts.source === '-' && process.stdin.isTTY) throw new InvalidArgumentError('no tarball on stdin: pipe one in or name a file');
    const image = await engineFor(ctx).importImage(opts.source === '-' ? process.stdin : opts.source, opts.ref, { changes: opts.changes, ...(opts.message !== undefined ? { message: opts.message } : {}) });
    ctx.io.stdout.write(`${image.id}\n`);
    return 0;
  },
};
