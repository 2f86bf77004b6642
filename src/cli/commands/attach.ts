import { flag, str, type ParsedArgs } from '../argv';
import { parseDetachKeys } from '../detach-keys';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { terminalAttach } from '../attach-terminal';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<{ ref: string; noStdin: boolean; detachKeys?: Buffer; sigProxy: boolean }> = {
  name: 'attach',
  usage: '[OPTIONS] CONTAINER',
  summary: "Attach local standard input, output, and error streams to a running container (detach with ctrl-p ctrl-q)",
  options: [
    { name: 'no-stdin', type: 'bool', description: 'Do not attach STDIN' },
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container (default ctrl-p,ctrl-q)' },
    { name: 'sig-proxy', type: 'bool', description: 'Proxy all received signals to the process (default true)' },
  ],
  toOptions(args: ParsedArgs) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"attach" requires exactly 1 argument');
    const keys = str(args, 'detach-keys');
    return {
      ref: args.positionals[0], noStdin: flag(args, 'no-stdin'), sigProxy: args.options.get('sig-proxy') !== false,
      ...(keys !== undefined ? { detachKeys: parseDetachKeys(keys) } : {}),
    };
  },
  async run(opts, ctx) {
    const { client, record, state } = await engineFor(ctx).attachContainer(opts.ref, !opts.noStdin);
    const stdin = !opts.noStdin && record.config.OpenStdin;
    const { detached } = await terminalAttach({
      tty: record.config.Tty, stdin, io: ctx.io, detachKeys: true, detachSequence: opts.detachKeys, sigProxy: opts.sigProxy,
    })(client, state, record);
    if (detached) return 0;
    return (await client.exit)?.exitCode ?? 0;
  },
};
