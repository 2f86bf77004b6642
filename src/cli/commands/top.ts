import type { ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { renderTable } from '../../format/words';

export const command: CommandDefinition<{ ref: string; psArgs: string[] }> = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  summary: 'Display the running processes of a container',
  options: [],
  stopAtPositional: true,
  toOptions(args: ParsedArgs) {
    const [ref, ...psArgs] = args.positionals;
    if (!ref) throw new InvalidArgumentError('"top" requires at least 1 argument');
    return { ref, psArgs };
  },
  async run(opts, ctx) {
    const top = engineFor(ctx).top(opts.ref, opts.psArgs);
    ctx.io.stdout.write(renderTable([top.Titles, ...top.Processes]));
    return 0;
  },
};
