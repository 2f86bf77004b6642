import { flag, list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import type { ExecOptions } from '../../engine/lifecycle/exec';
import { engineFor } from '../engine-deps';
import { clientEnv } from '../run-options';
import { execDetachKeys } from '../detach-keys';
import { pipedStdio } from '../piped-stdio';
import type { StdioSlot } from '../../runtime/nsexec';

export const command: CommandDefinition<ExecOptions> = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  summary: 'Execute a command in a running container',
  stopAtPositional: true,
  options: [
    { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
    { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
    { name: 'detach', short: 'd', type: 'bool', description: 'Detached mode: run command in the background' },
    { name: 'env', short: 'e', type: 'list', description: 'Set environment variables' },
    { name: 'env-file', type: 'list', description: 'Read in a file of environment variables' },
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container (default ctrl-p,ctrl-q)' },
    { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
    { name: 'user', short: 'u', type: 'string', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'privileged', type: 'bool', description: 'Give extended privileges to the command' },
  ],
  toOptions(args: ParsedArgs) {
    const [ref, ...cmd] = args.positionals;
    if (!ref || !cmd.length) throw new InvalidArgumentError('"exec" requires at least 2 arguments', { hint: 'usage: mydocker exec [OPTIONS] CONTAINER COMMAND [ARG...]' });
    const workdir = str(args, 'workdir');
    if (workdir !== undefined && !workdir.startsWith('/')) throw new InvalidArgumentError(`the working directory '${workdir}' is invalid, it needs to be an absolute path`);
    return {
      ref, cmd, interactive: flag(args, 'interactive'), tty: flag(args, 'tty'), detach: flag(args, 'detach'), env: clientEnv(list(args, 'env-file'), list(args, 'env')),
      workdir, user: str(args, 'user'), privileged: flag(args, 'privileged'),
      detachKeys: execDetachKeys(str(args, 'detach-keys')),
      // a bare -e KEY takes the caller's value here, on the client side, as docker's CLI does
    };
  },
  async run(opts, ctx) {
    if (opts.tty && opts.interactive && !opts.detach && !process.stdin.isTTY) throw new InvalidArgumentError('the input device is not a TTY');
    if (opts.tty && process.stdout.isTTY) opts.consoleSize = { rows: process.stdout.rows, cols: process.stdout.columns };
    // With -t our terminal goes to nsexec's relay and the container gets a pty; without, pipes.
    const piped = !opts.detach && !opts.tty ? pipedStdio(ctx.io, opts.interactive) : undefined;
    const stdio: [StdioSlot, StdioSlot, StdioSlot] = opts.detach ? ['ignore', 'ignore', 'ignore']
      : opts.tty ? [opts.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'] : [opts.interactive ? 'pipe' : 'ignore', 'pipe', 'pipe'];
    let result;
    try {
      result = await engineFor(ctx).exec(opts, stdio, piped && ((s) => piped.connect(s)));
    } finally {
      await piped?.finish();
    }
    if (!result || result.detached) return 0;
    if (result.error && result.status.code !== 0) ctx.io.stderr.write(`mydocker exec: ${result.error.message}\n`);
    return result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
  },
};
