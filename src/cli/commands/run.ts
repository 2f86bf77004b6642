import type { CommandDefinition } from '../command';
import { RUN_OPTIONS } from '../run-options';
import { checkCidFile, prepareImage, toRunCommandSpec, writeCidFile, type RunCommandSpec } from '../run-client-spec';
import type { AttachHandler } from '../../engine/lifecycle/run';
import { InvalidArgumentError } from '../../errors/errors';
import { terminalAttach } from '../attach-terminal';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<RunCommandSpec> = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create and run a new container from an image (IMAGE may be left out when COMMAND is an absolute path: busybox runs it)',
  stopAtPositional: true,
  options: RUN_OPTIONS,
  toOptions: toRunCommandSpec,
  async run({ client, ...spec }, ctx) {
    const { Tty: tty = false, OpenStdin: interactive = false } = spec.config;
    const detach = !(spec.config.AttachStdin || spec.config.AttachStdout || spec.config.AttachStderr);
    if (tty && interactive && !detach && !process.stdin.isTTY) {
      throw new InvalidArgumentError('the input device is not a TTY', { hint: 'drop -t, or run from a terminal' });
    }
    if (tty && process.stdout.isTTY) spec.consoleSize = { rows: process.stdout.rows, cols: process.stdout.columns };
    checkCidFile(client.cidfile);
    const engine = engineFor(ctx);
    await prepareImage(engine, spec.config.Image, client, ctx.io);
    const terminal = detach ? undefined : terminalAttach({
      tty, stdin: interactive && spec.config.AttachStdin === true, io: ctx.io, detachKeys: tty && interactive, detachSequence: client.detachKeys,
      output: (['stdout', 'stderr'] as const).filter((s) => (s === 'stdout' ? spec.config.AttachStdout : spec.config.AttachStderr)), sigProxy: client.sigProxy,
    });
    // the id file is written once the container exists (before its output is awaited)
    const attach: AttachHandler | undefined = terminal && ((c, state, record) => (writeCidFile(client.cidfile, record.id), terminal(c, state, record)));
    const result = await engine.runContainer(spec, attach);
    if (detach) writeCidFile(client.cidfile, result.id);
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
