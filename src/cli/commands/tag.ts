// mydocker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]: another name for an image.
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

export interface TagCommandOptions {
  source: string;
  target: string;
}

export const command: CommandDefinition<TagCommandOptions> = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  options: [],
  toOptions(args) {
    if (args.positionals.length !== 2) throw new InvalidArgumentError('"mydocker tag" requires exactly 2 arguments', { hint: "see 'mydocker tag --help'" });
    return { source: args.positionals[0], target: args.positionals[1] };
  },
  async run(opts, ctx) {
    await engineFor(ctx).tagImage(opts.source, opts.target);
    return 0;
  },
};
