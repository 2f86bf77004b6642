import { flag, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { terminalAttach } from '../attach-terminal';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';

interface StartOptions { refs: string[]; attach: boolean; interactive: boolean }

export const command: CommandDefinition<StartOptions> = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Start one or more stopped containers',
  options: [
    { name: 'attach', short: 'a', type: 'bool', description: "Attach STDOUT/STDERR and forward signals" },
    { name: 'interactive', short: 'i', type: 'bool', description: "Attach container's STDIN" },
  ],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"start" requires at least 1 argument');
    return { refs: args.positionals, attach: flag(args, 'attach'), interactive: flag(args, 'interactive') };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    if (!opts.attach && !opts.interactive) {
      return eachContainer(ctx, 'start', opts.refs, async (ref) => {
        // docker's daemon answers a start of a running container with 304 and its CLI prints the
        // name and succeeds (podman too); the Engine API front does the same check
        if (engine.containerView(ref).derived.status === 'running') return;
        await engine.startContainer(ref);
      });
    }
    if (opts.refs.length > 1) throw new InvalidArgumentError('you cannot start and attach multiple containers at once');
    const record = engine.resolveContainer(opts.refs[0]);
    const tty = record.config.Tty;
    const stdin = opts.interactive && record.config.OpenStdin;
    const consoleSize = tty && process.stdout.isTTY ? { rows: process.stdout.rows, cols: process.stdout.columns } : undefined;
    const { client, state } = await engine.startAttached(record.id, { stdin, consoleSize });
    const { detached } = await terminalAttach({ tty, stdin, io: ctx.io, detachKeys: tty && stdin })(client, state, record);
    if (detached) return 0;
    const exit = await client.exit;
    if (record.hostConfig.RestartPolicy.Name === 'no') await engine.cleanupAfterExit(record.id);
    return exit?.exitCode ?? 0;
  },
};
