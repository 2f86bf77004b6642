import type { CommandDefinition } from '../command';
import { RUN_OPTIONS, toContainerSpec } from '../run-options';
import { InvalidArgumentError } from '../../errors/errors';
import type { ContainerSpec } from '../../engine/container-spec';
import { terminalAttach } from '../attach-terminal';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<ContainerSpec> = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create and run a new container from an image (IMAGE may be left out when COMMAND is an absolute path: busybox runs it)',
  stopAtPositional: true,
  options: RUN_OPTIONS,
  toOptions: toContainerSpec,
  async run(spec, ctx) {
    const { Tty: tty = false, OpenStdin: interactive = false } = spec.config;
    const detach = !spec.config.AttachStdout;
    if (tty && interactive && !detach && !process.stdin.isTTY) {
      throw new InvalidArgumentError('the input device is not a TTY', { hint: 'drop -t, or run from a terminal' });
    }
    if (tty && process.stdout.isTTY) spec.consoleSize = { rows: process.stdout.rows, cols: process.stdout.columns };
    const attach = detach ? undefined : terminalAttach({ tty, stdin: interactive, io: ctx.io, detachKeys: tty && interactive });
    const result = await engineFor(ctx).runContainer(spec, attach);
    if (detach) {
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
