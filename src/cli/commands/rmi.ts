// mydocker rmi [OPTIONS] IMAGE [IMAGE...]: untag, and delete images nothing names any more.
import { flag } from '../argv';
import type { CommandDefinition } from '../command';
import { reportError } from '../main';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

export interface RmiCommandOptions {
  images: string[];
  force: boolean;
}

export const command: CommandDefinition<RmiCommandOptions> = {
  name: 'rmi',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Remove one or more images',
  options: [
    { name: 'force', short: 'f', type: 'bool', description: 'Force removal of the image (also when containers use it)' },
    { name: 'no-prune', type: 'bool', description: 'Accepted for compatibility; unused layers are always removed', hidden: true },
  ],
  toOptions(args) {
    if (args.positionals.length === 0) throw new InvalidArgumentError('"mydocker rmi" requires at least 1 argument', { hint: "see 'mydocker rmi --help'" });
    return { images: args.positionals, force: flag(args, 'force') };
  },
  async run(opts, ctx) {
    const result = await engineFor(ctx).removeImages(opts.images, { force: opts.force });
    for (const e of result.events) ctx.io.stdout.write(`${e.kind === 'untagged' ? 'Untagged' : 'Deleted'}: ${e.value}\n`);
    let code = 0;
    for (const err of result.errors) code = reportError(err, 'rmi', ctx.io.stderr);
    return code;
  },
};
