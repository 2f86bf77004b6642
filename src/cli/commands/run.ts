import { flag, list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import type { RunOptions } from '../../engine/container-config';
import { runContainer } from '../../engine/run';
import { ImageStore } from '../../image/store';

export const command: CommandDefinition<RunOptions> = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create and run a new container from an image (IMAGE may be left out when COMMAND is an absolute path: busybox runs it)',
  stopAtPositional: true,
  options: [
    { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open' },
    { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
    { name: 'rm', type: 'bool', description: 'Automatically remove the container when it exits' },
    { name: 'detach', short: 'd', type: 'bool', description: 'Run container in background and print container ID' },
    { name: 'name', type: 'string', value: 'string', description: 'Assign a name to the container' },
    { name: 'env', short: 'e', type: 'list', description: 'Set environment variables' },
    { name: 'env-file', type: 'list', description: 'Read in a file of environment variables' },
    { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
    { name: 'user', short: 'u', type: 'string', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
    { name: 'hostname', short: 'h', type: 'string', description: 'Container host name' },
    { name: 'entrypoint', type: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
    { name: 'network', type: 'string', description: 'Connect a container to a network (none, host)' },
    { name: 'net', type: 'string', description: 'Alias of --network', hidden: true },
  ],
  toOptions(args: ParsedArgs): RunOptions {
    const [first, ...rest] = args.positionals;
    if (first === undefined) {
      throw new InvalidArgumentError('"run" requires at least 1 argument', { hint: "usage: mydocker run [OPTIONS] IMAGE [COMMAND] [ARG...]" });
    }
    // The book's `mydocker run -ti /bin/sh`: an absolute path is never an image reference.
    const implicitImage = first.startsWith('/');
    return {
      image: implicitImage ? undefined : first,
      command: implicitImage ? [first, ...rest] : rest,
      interactive: flag(args, 'interactive'),
      tty: flag(args, 'tty'),
      rm: flag(args, 'rm'),
      detach: flag(args, 'detach'),
      name: str(args, 'name'),
      env: list(args, 'env'),
      envFiles: list(args, 'env-file'),
      workdir: str(args, 'workdir'),
      user: str(args, 'user'),
      hostname: str(args, 'hostname'),
      entrypoint: str(args, 'entrypoint'),
      network: str(args, 'network') ?? str(args, 'net') ?? 'none',
    };
  },
  async run(opts, ctx) {
    if (opts.tty && opts.interactive && !process.stdin.isTTY) {
      throw new InvalidArgumentError('the input device is not a TTY', { hint: 'drop -t, or run from a terminal' });
    }
    const images = new ImageStore(ctx.layout, ctx.log);
    const result = await runContainer(opts, { layout: ctx.layout, log: ctx.log, images });
    if (result.error) ctx.io.stderr.write(`mydocker: ${result.error.message}\n`);
    return result.exitCode;
  },
};
