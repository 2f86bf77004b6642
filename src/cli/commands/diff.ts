// mydocker diff CONTAINER: docker's "C /etc", "A /new", "D /gone" lines (Engine.diffContainer).
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<{ ref: string }> = {
  name: 'diff',
  usage: 'CONTAINER',
  summary: "Inspect changes to files or directories on a container's filesystem",
  options: [],
  toOptions(args) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"mydocker diff" requires exactly 1 argument', { hint: "see 'mydocker diff --help'" });
    return { ref: args.positionals[0] };
  },
  async run(opts, ctx) {
    ctx.io.stdout.write(engineFor(ctx).diffContainer(opts.ref).map((c) => `${c.kind} ${c.path}\n`).join(''));
    return 0;
  },
};
