// Commands mydocker runs itself, not for users: `internal cleanup ID` is the exit command every
// container monitor runs after the container's init has exited.
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { cleanupAfterExit } from '../../engine/lifecycle/cleanup';
import { engineDeps } from '../engine-deps';

interface InternalOptions {
  action: string;
  id: string;
}

export const command: CommandDefinition<InternalOptions> = {
  name: 'internal',
  usage: 'cleanup CONTAINER',
  summary: 'Internal commands run by mydocker itself (the monitor runs "cleanup" when a container exits)',
  options: [],
  toOptions(args) {
    const [action, id] = args.positionals;
    if (action !== 'cleanup' || !id || !/^[a-f0-9]{64}$/.test(id)) throw new InvalidArgumentError('usage: mydocker internal cleanup CONTAINER-ID');
    return { action, id };
  },
  async run(opts, ctx) {
    await cleanupAfterExit(engineDeps(ctx), opts.id);
    return 0;
  },
};
