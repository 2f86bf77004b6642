import type { ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';

function pauseCommand(name: 'pause' | 'unpause'): CommandDefinition<{ refs: string[] }> {
  return {
    name,
    usage: 'CONTAINER [CONTAINER...]',
    summary: name === 'pause' ? 'Pause all processes within one or more containers' : 'Unpause all processes within one or more containers',
    options: [],
    toOptions(args: ParsedArgs) {
      if (!args.positionals.length) throw new InvalidArgumentError(`"${name}" requires at least 1 argument`);
      return { refs: args.positionals };
    },
    run(opts, ctx) {
      const engine = engineFor(ctx);
      return eachContainer(ctx, name, opts.refs, (ref) => (name === 'pause' ? engine.pauseContainer(ref) : engine.unpauseContainer(ref)));
    },
  };
}

export const command = pauseCommand('pause');
export const unpauseCommand = pauseCommand('unpause');
