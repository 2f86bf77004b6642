import { str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { lockContainer, store } from '../../engine/lifecycle/context';
import { startContainer } from '../../engine/lifecycle/start';
import { stopContainer } from '../../engine/lifecycle/stop';
import { eachContainer } from '../each-container';
import { engineDeps } from '../engine-deps';
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
    const deps = engineDeps(ctx);
    return eachContainer(ctx, 'restart', opts.refs, async (ref) => {
      await stopContainer(deps, ref, { timeoutSec: opts.timeout });
      const record = store(deps).resolve(ref);
      await lockContainer(deps, record.id, () => startContainer(deps, record));
    });
  },
};
