import { str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';

interface KillOptions { refs: string[]; signal: string }

export const command: CommandDefinition<KillOptions> = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Kill one or more running containers',
  options: [{ name: 'signal', short: 's', type: 'string', description: 'Signal to send to the container (default "KILL")' }],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"kill" requires at least 1 argument');
    return { refs: args.positionals, signal: str(args, 'signal') ?? 'KILL' };
  },
  run(opts, ctx) {
    const engine = engineFor(ctx);
    return eachContainer(ctx, 'kill', opts.refs, (ref) => engine.killContainer(ref, opts.signal));
  },
};
