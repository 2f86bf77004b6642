import { flag, str, type ParsedArgs } from '../../cli/argv';
import { InvalidArgumentError } from '../../errors/errors';
import type { RuntimeCommand } from '../command';
import * as path from 'node:path';

export interface CreateFlags {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot: boolean;
  noNewKeyring: boolean;
  preserveFds: number;
}

export const CREATE_OPTIONS = [
  { name: 'bundle', short: 'b', type: 'string', description: 'path to the root of the bundle directory (default: the current directory)' },
  { name: 'console-socket', type: 'string', description: 'path to an AF_UNIX socket that receives the pty master (with process.terminal)' },
  { name: 'pid-file', type: 'string', description: 'file to write the init\'s pid to' },
  { name: 'no-pivot', type: 'bool', description: 'do not use pivot_root (for a rootfs on ramfs)' },
  { name: 'no-new-keyring', type: 'bool', description: 'keep the caller\'s session keyring' },
  { name: 'preserve-fds', type: 'string', description: 'pass N more file descriptors (3 .. 3+N-1) to the container' },
] as const;

export function createFlags(args: ParsedArgs): CreateFlags {
  const [id, ...rest] = args.positionals;
  if (!id || rest.length) throw new InvalidArgumentError('usage: create [OPTIONS] CONTAINER-ID');
  const preserve = str(args, 'preserve-fds') ?? '0';
  if (!/^\d+$/.test(preserve)) throw new InvalidArgumentError(`invalid --preserve-fds ${JSON.stringify(preserve)}`);
  return {
    id, bundle: path.resolve(str(args, 'bundle') ?? '.'), pidFile: str(args, 'pid-file'), consoleSocket: str(args, 'console-socket'),
    noPivot: flag(args, 'no-pivot'), noNewKeyring: flag(args, 'no-new-keyring'), preserveFds: Number(preserve),
  };
}

export function bundleOptions(f: CreateFlags) {
  return {
    pidFile: f.pidFile, consoleSocket: f.consoleSocket && path.resolve(f.consoleSocket), noPivot: f.noPivot,
    noNewKeyring: f.noNewKeyring, preserveFds: f.preserveFds,
  };
}

export const command: RuntimeCommand<CreateFlags> = {
  name: 'create',
  usage: '[OPTIONS] CONTAINER-ID',
  summary: 'create a container: its init is set up and waits for "start"',
  options: CREATE_OPTIONS,
  toOptions: createFlags,
  async run(f, ctx) {
    await ctx.runtime.create(f.id, f.bundle, bundleOptions(f));
    return 0;
  },
};
