import { str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';
import { parseTimeout } from './stop';

interface RestartOptions { refs: string[]; timeout?: number }

export const command: CommandDefinition<RestartOptions> = {
  name: 'restart',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Restart one or more containers',
  options: [{ name: 'time', short: 't', type: 'string', value: 'int', description: 'Seconds to wait before killing the container (default 10)' }],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"restart" requires at least 1 argument');
    return { refs: args.positionals, timeout: parseTimeout(str(args, 'time')) };
  },
  run(opts, ctx) {
    const engine = engineFor(ctx);
    return eachContainer(ctx, 'restart', opts.refs, (ref) => engine.restartContainer(ref, { timeoutSec: opts.timeout }));
  },
};
