// Commands mydocker runs itself, not for users: `internal cleanup ID` is the exit command every
// container monitor runs after the container's init has exited.
import type { CommandDefinition } from '../command';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError, InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

interface InternalOptions {
  action: string;
  id: string;
}

export const command: CommandDefinition<InternalOptions> = {
  name: 'internal',
  usage: 'cleanup|healthcheck CONTAINER',
  summary: 'Internal commands run by mydocker itself (the monitor runs "cleanup" when a container exits, "healthcheck" when a check is due)',
  options: [],
  toOptions(args) {
    const [action, id] = args.positionals;
    if ((action !== 'cleanup' && action !== 'healthcheck') || !id || !/^[a-f0-9]{64}$/.test(id)) {
      throw new InvalidArgumentError('usage: mydocker internal cleanup|healthcheck CONTAINER-ID');
    }
    return { action, id };
  },
  async run(opts, ctx) {
    if (opts.action === 'healthcheck') {
      // the monitor reads when to run the next check (ms) from our stdout (docs/health.md)
      const outcome = await engineFor(ctx).runHealthcheck(opts.id, false);
      ctx.io.stdout.write(`${Math.round(outcome.nextDelayMs)}\n`);
      // one check at a time: something of the probe left running (a wedged exec) must not hold the next one up
      setTimeout(() => process.exit(0), 2_000).unref();
      return 0;
    }
    try {
      await engineFor(ctx).cleanupAfterExit(opts.id);
      return 0;
    } catch (err) {
      // Nobody sees this process's stderr (the monitor runs it detached): keep the reason on disk.
      const dir = ctx.layout.containerDir(opts.id);
      if (fs.existsSync(dir)) fs.appendFileSync(path.join(dir, 'cleanup-errors.log'), `${new Date().toISOString()} ${describeError(err)}\n`);
      throw err;
    }
  },
};
