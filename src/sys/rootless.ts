// Whether this process runs in a user namespace other than the host's. The rootless CLI re-executes
// itself in one (src/rootless/), and then the engine is "root" only there: no host cgroups, no
// bridges, no mknod. The kernel's id map is the fact; an environment variable could be inherited.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The pause process that holds a rootless user's namespaces writes its pid here, under the runroot. */
export const PAUSE_PID_FILE = 'pause.pid';

/** The initial user namespace maps every id to itself: one line "0 0 4294967295". */
export function isInitialUidMap(text: string): boolean {
  const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/));
  return lines.length === 1 && lines[0][0] === '0' && lines[0][1] === '0' && lines[0][2] === '4294967295';
}

let cached: boolean | undefined;

export function inUserNamespace(): boolean {
  if (cached === undefined) {
    try {
      cached = !isInitialUidMap(fs.readFileSync('/proc/self/uid_map', 'utf8'));
    } catch {
      cached = false;
    }
  }
  return cached;
}

/**
 * Ends the user's pause process (system reset: the state it anchors is gone). The caller's own process keeps
 * the namespaces alive until it exits; the next command makes a new pause process.
 */
export function stopPauseProcess(runroot: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(runroot, PAUSE_PID_FILE), 'utf8').trim());
    if (!(pid > 1) || fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'mydocker-pause') return undefined;
    process.kill(pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  return pid;
}
