import { flag, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';

interface RmOptions { refs: string[]; force: boolean; volumes: boolean }

export const command: CommandDefinition<RmOptions> = {
  name: 'rm',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Remove one or more containers',
  options: [
    { name: 'force', short: 'f', type: 'bool', description: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'volumes', short: 'v', type: 'bool', description: 'Remove anonymous volumes associated with the container' },
  ],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"rm" requires at least 1 argument');
    return { refs: args.positionals, force: flag(args, 'force'), volumes: flag(args, 'volumes') };
  },
  run(opts, ctx) {
    const engine = engineFor(ctx);
    return eachContainer(ctx, 'rm', opts.refs, (ref) => engine.removeContainer(ref, { force: opts.force, volumes: opts.volumes }));
  },
};
