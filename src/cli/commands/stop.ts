import { str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';

interface StopOptions { refs: string[]; timeout?: number; signal?: string }

export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`invalid argument "${text}" for "-t, --time" flag: expected seconds`);
  return Math.max(0, Number(text));
}

export const command: CommandDefinition<StopOptions> = {
  name: 'stop',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Stop one or more running containers',
  options: [
    { name: 'time', short: 't', type: 'string', value: 'int', description: 'Seconds to wait before killing the container (default 10)' },
    { name: 'signal', short: 's', type: 'string', description: 'Signal to send to the container' },
  ],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"stop" requires at least 1 argument');
    return { refs: args.positionals, timeout: parseTimeout(str(args, 'time')), signal: str(args, 'signal') };
  },
  run(opts, ctx) {
    const engine = engineFor(ctx);
    return eachContainer(ctx, 'stop', opts.refs, (ref) => engine.stopContainer(ref, { timeoutSec: opts.timeout, signal: opts.signal }));
  },
};
