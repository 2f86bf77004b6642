import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, list, str, type ParsedArgs } from '../../cli/argv';
import { InvalidArgumentError } from '../../errors/errors';
import type { Process } from '../../runtime/spec';
import type { RuntimeCommand } from '../command';

interface ExecFlags {
  id: string;
  args: string[];
  processFile?: string;
  tty: boolean;
  detach: boolean;
  pidFile?: string;
  consoleSocket?: string;
  cwd?: string;
  env: string[];
  user?: string;
  additionalGids: string[];
  caps: string[];
  noNewPrivs: boolean;
  preserveFds: number;
}

/** runc exec without --process: the container's own process, with the flags' changes. */
function processFrom(base: Process, f: ExecFlags): Process {
  const p: Process = { ...base, args: f.args, terminal: f.tty };
  if (f.cwd) p.cwd = f.cwd;
  if (f.env.length) p.env = [...(base.env ?? []), ...f.env];
  if (f.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(f.user);
    if (!m) throw new InvalidArgumentError(`invalid --user ${JSON.stringify(f.user)}: use UID[:GID]`);
    p.user = { ...base.user, uid: Number(m[1]), gid: m[2] === undefined ? base.user.gid : Number(m[2]) };
  }
  if (f.additionalGids.length) p.user = { ...p.user, additionalGids: f.additionalGids.map(Number) };
  if (f.caps.length) {
    const add = (set: string[] | undefined) => [...new Set([...(set ?? []), ...f.caps])];
    const c = base.capabilities ?? {};
    p.capabilities = { ...c, bounding: add(c.bounding), effective: add(c.effective), permitted: add(c.permitted) };
  }
  if (f.noNewPrivs) p.noNewPrivileges = true;
  return p;
}

export const command: RuntimeCommand<ExecFlags> = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER-ID [COMMAND [ARG...]]',
  summary: 'run a process in a running container',
  options: [
    { name: 'process', short: 'p', type: 'string', description: 'path to a process.json (OCI process) to run' },
    { name: 'tty', short: 't', type: 'bool', description: 'allocate a pseudo-TTY' },
    { name: 'detach', short: 'd', type: 'bool', description: 'return once the process runs' },
    { name: 'pid-file', type: 'string', description: 'file to write the process pid to' },
    { name: 'console-socket', type: 'string', description: 'AF_UNIX socket that receives the pty master' },
    { name: 'cwd', type: 'string', description: 'working directory in the container' },
    { name: 'env', short: 'e', type: 'list', description: 'set an environment variable' },
    { name: 'user', short: 'u', type: 'string', description: 'UID[:GID]' },
    { name: 'additional-gids', short: 'g', type: 'list', description: 'additional group ids' },
    { name: 'cap', short: 'c', type: 'list', description: 'add a capability' },
    { name: 'no-new-privs', type: 'bool', description: 'set no_new_privs' },
    { name: 'preserve-fds', type: 'string', description: 'pass N more file descriptors (3 .. 3+N-1)' },
    { name: 'process-label', type: 'string', description: 'SELinux label (not supported here: refused)' },
    { name: 'apparmor', type: 'string', description: 'AppArmor profile (not supported here: refused)' },
    { name: 'ignore-paused', type: 'bool', description: 'allow exec in a paused container' },
    { name: 'cgroup', type: 'list', description: 'sub-cgroup to join (not supported: refused)' },
  ],
  toOptions(args: ParsedArgs) {
    const [id, ...cmd] = args.positionals;
    if (!id) throw new InvalidArgumentError('usage: exec [OPTIONS] CONTAINER-ID [COMMAND [ARG...]]');
    for (const unsupported of ['process-label', 'apparmor']) {
      if (str(args, unsupported)) throw new InvalidArgumentError(`--${unsupported} is not supported: this host has no such LSM`);
    }
    if (list(args, 'cgroup').length) throw new InvalidArgumentError('--cgroup is not supported');
    const processFile = str(args, 'process');
    if (!processFile && !cmd.length) throw new InvalidArgumentError('exec needs --process or a command');
    return {
      id, args: cmd, processFile, tty: flag(args, 'tty'), detach: flag(args, 'detach'), pidFile: str(args, 'pid-file'),
      consoleSocket: str(args, 'console-socket'), cwd: str(args, 'cwd'), env: list(args, 'env'), user: str(args, 'user'),
      additionalGids: list(args, 'additional-gids'), caps: list(args, 'cap'), noNewPrivs: flag(args, 'no-new-privs'),
      preserveFds: Number(str(args, 'preserve-fds') ?? '0') || 0,
    };
  },
  async run(f, ctx) {
    let proc: Process;
    if (f.processFile) {
      try {
        proc = JSON.parse(fs.readFileSync(f.processFile, 'utf8')) as Process;
      } catch (err) {
        throw new InvalidArgumentError(`cannot read the process file ${f.processFile}: ${(err as Error).message}`);
      }
    } else {
      proc = processFrom(ctx.runtime.bundleProcess(f.id), f);
    }
    const tty = proc.terminal === true;
    const result = await ctx.runtime.exec(f.id, proc, {
      stdio: ['inherit', 'inherit', 'inherit'], stdinRelay: tty && !f.detach, detach: f.detach, forwardSignals: !tty, pidFile: f.pidFile,
      consoleSocket: f.consoleSocket && path.resolve(f.consoleSocket), preserveFds: f.preserveFds,
    });
    if (!result) return 0;
    if (result.error && result.status.code !== 0) process.stderr.write(`${result.error.message}\n`);
    return result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
  },
};
