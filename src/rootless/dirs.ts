// Where a rootless user's state lives: XDG base directories, never root's /var/lib or /run.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { FailedPreconditionError } from '../errors/errors';
import { PAUSE_PID_FILE } from '../sys/rootless';

export interface RootlessDirs {
  /** Persistent: images, layers, containers, volumes ($XDG_DATA_HOME/mydocker). */
  root: string;
  /** Runtime: pids, locks, sockets, the pause process's pid file ($XDG_RUNTIME_DIR/mydocker). */
  runroot: string;
  pauseFile: string;
}

type Env = Record<string, string | undefined>;

export function rootlessDirs(env: Env, uid: number, dirExists: (dir: string) => boolean = isOwnDir(uid)): RootlessDirs {
  const abs = (v: string | undefined) => (v && path.isAbsolute(v) ? v : undefined);
  const home = abs(env.HOME);
  const data = abs(env.XDG_DATA_HOME) ?? (home && path.join(home, '.local', 'share'));
  if (!data) throw new FailedPreconditionError('rootless mode needs $HOME or $XDG_DATA_HOME (an absolute path) for its images and containers');
  // logind makes /run/user/UID; without a login session (su, runuser, cron) the variable is often unset
  const runtime = abs(env.XDG_RUNTIME_DIR) ?? (dirExists(`/run/user/${uid}`) ? `/run/user/${uid}` : undefined);
  if (!runtime) {
    throw new FailedPreconditionError('rootless mode needs $XDG_RUNTIME_DIR: a directory of your own for runtime state', {
      hint: `log in through a session that makes /run/user/${uid}, or export XDG_RUNTIME_DIR=<a 0700 directory you own>`,
    });
  }
  const runroot = path.join(runtime, 'mydocker');
  return { root: path.join(data, 'mydocker'), runroot, pauseFile: path.join(runroot, PAUSE_PID_FILE) };
}

function isOwnDir(uid: number): (dir: string) => boolean {
  return (dir) => {
    try {
      const st = fs.statSync(dir);
      return st.isDirectory() && st.uid === uid;
    } catch {
      return false;
    }
  };
}
