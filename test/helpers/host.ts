// Host-side pieces shared by the helpers that drive real engines (dockerd.ts, podman.ts): running a
// command, finding the processes and cgroups a test made, and putting back host directories that a
// daemon creates on first use. Everything here acts only on what the caller names: a path prefix
// that is unique to one test, a cgroup parent plus container ids, a list of host paths noted before.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, PTY_RUN, mountsUnder, type Result } from './sandbox';

export { mountsUnder };

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

export function runCommand(file: string, args: string[], opts: RunOptions = {}): Result {
  const res = spawnSync(file, args, {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  const stderr = String(res.stderr ?? '') + (res.error ? `\n[spawn] ${res.error.message}` : '');
  return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr };
}

/** Runs a command on a fresh pseudo-terminal and drives it (see pty-run.py for the step format). */
export function runPty(argv: string[], steps: object[], opts: RunOptions & { rows?: number; cols?: number; timeoutS?: number } = {}): Result {
  const timeoutS = opts.timeoutS ?? 20;
  return runCommand('python3', [
    PTY_RUN, '--rows', String(opts.rows ?? 24), '--cols', String(opts.cols ?? 80), '--timeout', String(timeoutS),
    JSON.stringify(steps), '--', ...argv,
  ], { ...opts, timeoutMs: (timeoutS + 10) * 1000 });
}

/** busybox as a docker-archive, from the project's built-in image (no registry is reachable here). */
export function saveBusybox(dir: string): string {
  const out = path.join(dir, 'busybox.tar');
  const store = path.join(dir, 'mydocker-store');
  const r = runCommand(MYDOCKER, ['--root', path.join(store, 'root'), '--runroot', path.join(store, 'run'), 'save', '-o', out, 'busybox']);
  if (r.code !== 0) throw new Error(`mydocker save busybox failed (${r.code}): ${r.stderr}`);
  fs.rmSync(store, { recursive: true, force: true });
  return out;
}

/** Pids (other than ours) whose command line mentions `needle`, e.g. a test's private directory. */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) pids.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** "pid: command line", for leftover reports. */
export function describeProcess(pid: number): string {
  try {
    return `${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
  } catch {
    return `${pid}: (gone)`;
  }
}

/** A zombie counts as gone: our own children are reaped only when the event loop runs again. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Sends `signal`, waits up to `graceMs`, then SIGKILLs whatever is left. Returns the pids that needed SIGKILL. */
export function stopProcesses(pids: number[], signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): number[] {
  for (const pid of pids) signalQuietly(pid, signal);
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) sleepMs(50);
  const stubborn = pids.filter(isAlive);
  for (const pid of stubborn) signalQuietly(pid, 'SIGKILL');
  return stubborn;
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** `/sys/fs/cgroup/<hierarchy>/<rel>` for every hierarchy where it exists (v1 controllers, name=systemd, unified). */
export function cgroupDirsOf(rel: string): string[] {
  const out: string[] = [];
  for (const h of fs.readdirSync(CGROUP_ROOT)) {
    const dir = path.join(CGROUP_ROOT, h, rel);
    if (fs.existsSync(dir)) out.push(dir);
  }
  return out;
}

/**
 * Empties (SIGKILL) and removes the cgroups `<parent>/<child>` of the given children: our containers.
 * `shared` children (podman's `conmon`) and then `parent` itself are only removed when empty, since
 * another run may use them at the same time. Returns the directories of ours that could not be removed.
 */
export function removeCgroups(parent: string, children: string[], shared: string[] = []): string[] {
  const failed: string[] = [];
  for (const child of children) {
    for (const dir of cgroupDirsOf(path.join(parent, child))) {
      for (const pid of cgroupProcs(dir)) signalQuietly(pid, 'SIGKILL');
      if (!rmdirRetry(dir)) failed.push(dir);
    }
  }
  for (const child of shared) for (const dir of cgroupDirsOf(path.join(parent, child))) rmdirRetry(dir, 1);
  for (const dir of cgroupDirsOf(parent)) {
    const busy = fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory());
    if (!busy) rmdirRetry(dir, 1);
  }
  return failed;
}

function cgroupProcs(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function rmdirRetry(dir: string, attempts = 40): boolean {
  for (let i = 0; i < attempts; i++) {
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      sleepMs(50); // killed tasks take a moment to leave the cgroup
    }
  }
  return false;
}

/** Unmounts everything at or below `prefix`, deepest first; lazily when a mount is busy. */
export function unmountUnder(prefix: string): void {
  for (const m of mountsUnder(prefix).reverse()) {
    if (runCommand('umount', [m]).code !== 0) runCommand('umount', ['-l', m]);
  }
}

/**
 * Host paths a daemon creates on first use (dockerd: /run/docker/plugins; its shims: /run/containerd/s).
 * Noted before the daemon starts; `restore()` removes those that were absent then and are empty now.
 */
export class CreatedOnFirstUse {
  private readonly absent: string[];

  constructor(paths: string[]) {
    this.absent = paths.filter((p) => !fs.existsSync(p));
  }

  /** Paths that did not exist before and still do although empty (a non-empty one is in use by someone else). */
  leftBehind(): string[] {
    return this.absent.filter((p) => {
      try {
        return !fs.statSync(p).isDirectory() || fs.readdirSync(p).length === 0;
      } catch {
        return false;
      }
    });
  }

  restore(): void {
    // deepest first, so /run/docker/plugins goes before /run/docker
    for (const p of [...this.absent].sort((a, b) => b.length - a.length)) {
      try {
        if (fs.statSync(p).isDirectory()) fs.rmdirSync(p);
        else fs.rmSync(p);
      } catch {
        // absent, or not empty: someone else uses it now
      }
    }
  }
}
