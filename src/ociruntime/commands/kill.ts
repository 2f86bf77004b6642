import { flag, type ParsedArgs } from '../../cli/argv';
import { InvalidArgumentError } from '../../errors/errors';
import { parseSignal } from '../../engine/oci-runtime';
import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ id: string; signal: NodeJS.Signals; all: boolean }> = {
  name: 'kill',
  usage: '[--all] CONTAINER-ID [SIGNAL]',
  summary: 'send a signal (default SIGTERM) to the init, or with --all to every process of the container',
  options: [{ name: 'all', short: 'a', type: 'bool', description: 'send the signal to every process in the container' }],
  toOptions(args: ParsedArgs) {
    const [id, sig, ...rest] = args.positionals;
    if (!id || rest.length) throw new InvalidArgumentError('usage: kill [--all] CONTAINER-ID [SIGNAL]');
    return { id, signal: parseSignal(sig ?? 'SIGTERM'), all: flag(args, 'all') };
  },
  async run(o, ctx) {
    ctx.runtime.kill(o.id, o.signal, { all: o.all });
    return 0;
  },
};
