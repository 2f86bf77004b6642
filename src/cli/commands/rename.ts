import type { ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<{ ref: string; name: string }> = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  summary: 'Rename a container',
  options: [],
  toOptions(args: ParsedArgs) {
    if (args.positionals.length !== 2) throw new InvalidArgumentError('"rename" requires exactly 2 arguments');
    return { ref: args.positionals[0], name: args.positionals[1] };
  },
  async run(opts, ctx) {
    await engineFor(ctx).renameContainer(opts.ref, opts.name);
    return 0;
  },
};
