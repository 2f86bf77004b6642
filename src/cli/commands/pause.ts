import type { ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { setPaused } from '../../engine/lifecycle/misc';
import { eachContainer } from '../each-container';
import { engineDeps } from '../engine-deps';

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
      const deps = engineDeps(ctx);
      return eachContainer(ctx, name, opts.refs, (ref) => setPaused(deps, ref, name === 'pause'));
    },
  };
}

export const command = pauseCommand('pause');
export const unpauseCommand = pauseCommand('unpause');
