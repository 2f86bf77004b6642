// Rootless mode's entry: an unprivileged user's command re-runs itself as root of a user namespace
// (native/src/rootless.c makes or joins it), with state under the user's XDG directories. Everything
// after that is the ordinary engine; what it cannot do there (host cgroups, bridges) it refuses.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nativeDir } from '../sys/native';
import { rootlessDirs } from './dirs';
import { idMapArgs } from './id-maps';

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Runs this same CLI with `argv` inside the user's namespace; resolves to its exit code. */
export function runRootless(argv: string[]): Promise<number> {
  const uid = process.getuid!();
  const gid = process.getgid!();
  const user = { name: os.userInfo().username, uid, gid };
  const dirs = rootlessDirs(process.env, uid);
  const uidmap = idMapArgs(user, 'uid', readOr('/etc/subuid'));
  const gidmap = idMapArgs(user, 'gid', readOr('/etc/subgid'));
  fs.mkdirSync(dirs.runroot, { recursive: true, mode: 0o700 });
  fs.mkdirSync(dirs.root, { recursive: true, mode: 0o700 });
  const env = {
    ...process.env,
    MYDOCKER_ROOT: process.env.MYDOCKER_ROOT ?? dirs.root,
    MYDOCKER_RUNROOT: process.env.MYDOCKER_RUNROOT ?? dirs.runroot,
  };
  const self = [...process.execArgv, '--', path.resolve(process.argv[1]), ...argv];
  const helper = path.join(nativeDir(), 'mydocker-rootless');
  const child = spawn(helper, [dirs.pauseFile, uidmap, gidmap, '--', process.execPath, ...self], { stdio: 'inherit', env });
  // A terminal's ^C and window changes reach the child directly (same process group); signals sent
  // to this pid alone are passed on, so `kill` of the command a user sees still ends the command.
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  for (const s of signals) process.on(s, forward(s));
  process.on('SIGINT', () => undefined);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`mydocker: rootless: cannot run ${helper}: ${err.message}\n`);
      resolve(125);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  });
}
