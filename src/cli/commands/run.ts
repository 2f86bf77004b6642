import type { CommandDefinition } from '../command';
import { RUN_OPTIONS, toRunOptions } from '../run-options';
import { InvalidArgumentError } from '../../errors/errors';
import type { RunOptions } from '../../engine/container-config';
import { runContainer } from '../../engine/lifecycle/run';
import { terminalAttach } from '../attach-terminal';
import { engineDeps } from '../engine-deps';

export const command: CommandDefinition<RunOptions> = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create and run a new container from an image (IMAGE may be left out when COMMAND is an absolute path: busybox runs it)',
  stopAtPositional: true,
  options: RUN_OPTIONS,
  toOptions: toRunOptions,
  async run(opts, ctx) {
    if (opts.tty && opts.interactive && !opts.detach && !process.stdin.isTTY) {
      throw new InvalidArgumentError('the input device is not a TTY', { hint: 'drop -t, or run from a terminal' });
    }
    if (opts.tty && process.stdout.isTTY) opts.consoleSize = { rows: process.stdout.rows, cols: process.stdout.columns };
    const attach = opts.detach ? undefined : terminalAttach({ tty: opts.tty, stdin: opts.interactive, io: ctx.io, detachKeys: opts.tty && opts.interactive });
    const result = await runContainer(opts, engineDeps(ctx), attach);
    if (opts.detach) {
      ctx.io.stdout.write(`${result.id}\n`);
      return 0;
    }
    if (result.detached || !result.exit) return 0;
    if (result.exit.oomKilled) {
      const limit = result.memoryLimit ? ` (limit ${formatMiB(result.memoryLimit)})` : '';
      ctx.io.stderr.write(`mydocker: container ${result.id.slice(0, 12)} was killed: out of memory${limit}\n`);
    }
    return result.exit.exitCode;
  },
};

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
