// Running a short-lived helper (a CNI plugin) with pipes on stdin, stdout and stderr, through posix_spawn
// in sys.node: child_process forks the whole Node process first, ~10 ms on this VM for every plugin
// (docs/performance.md). The child is reaped once both its output pipes closed.
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { sys } from './native';

export interface PipedResult {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, no]) => [no, name as NodeJS.Signals]));

export function decodeWaitStatus(ws: number): { code: number | null; signal: NodeJS.Signals | null } {
  const sig = ws & 0x7f;
  if (sig === 0) return { code: (ws >> 8) & 0xff, signal: null };
  return { code: null, signal: SIGNAL_NAMES.get(sig) ?? null };
}

/** Runs file with argv and exactly env; SIGKILL after timeoutMs. Rejects only when it cannot start. */
export function runPiped(file: string, argv: string[], env: Record<string, string | undefined>, stdin: string, timeoutMs: number): Promise<PipedResult> {
  const vars = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
  let pid: number, inFd: number, outFd: number, errFd: number;
  try {
    [pid, inFd, outFd, errFd] = sys().spawnPiped(file, argv, vars);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let open = 2;
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    const finish = () => {
      // both pipes closed: the child has exited or is about to; a helper that closes them early and
      // lingers is waited for without blocking the event loop
      const ws = sys().reap(pid, true);
      if (ws === -1) {
        setTimeout(finish, 2);
        return;
      }
      clearTimeout(timer);
      resolve({ ...decodeWaitStatus(ws), stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    };
    for (const [fd, chunks] of [[outFd, out], [errFd, err]] as const) {
      const s = new Socket({ fd, readable: true, writable: false });
      s.on('data', (b: Buffer) => chunks.push(b));
      s.on('error', () => undefined);
      s.on('close', () => {
        if (--open === 0) finish();
      });
    }
    const input = new Socket({ fd: inFd, readable: false, writable: true });
    input.on('error', () => undefined); // a helper may exit before reading its input
    input.end(stdin);
  });
}
