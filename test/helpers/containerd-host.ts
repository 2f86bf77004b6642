// Host-side primitives of the private containerd helper: finding shims, shim sockets, mounts, cgroups and processes
// of one instance, and removing them. Everything acts only on what the caller names (a socket address, a path prefix,
// an absolute cgroup path that belongs to the instance).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The runc v2 shim listens here whatever containerd's config says. */
export const SHIM_SOCKET_DIR = '/run/containerd/s';
const CGROUP_ROOT = '/sys/fs/cgroup';

/** Path of the socket the runc v2 shim listens on for (namespace, id) of the containerd at `address`. */
export function shimSocket(address: string, namespace: string, id: string): string {
  return path.join(SHIM_SOCKET_DIR, crypto.createHash('sha256').update(path.join(address, namespace, id)).digest('hex'));
}

export function shimProcesses(address: string): { pid: number; namespace: string; id: string }[] {
  const out: { pid: number; namespace: string; id: string }[] = [];
  for (const pid of allPids()) {
    const argv = cmdline(pid);
    if (!argv[0]?.includes('containerd-shim')) continue;
    const flag = (f: string) => argv[argv.indexOf(f) + 1] ?? '';
    if (flag('-address') === address) out.push({ pid, namespace: flag('-namespace'), id: flag('-id') });
  }
  return out;
}

/** Mount points at or under any of the prefixes, in mountinfo order. */
export function mountsUnder(...prefixes: string[]): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && prefixes.some((pre) => p === pre || p.startsWith(pre + '/')));
}

/** The directory of an absolute cgroup path in every mounted hierarchy where it exists. */
export function cgroupDirs(cgroupPath: string): string[] {
  return safeReaddir(CGROUP_ROOT).map((h) => path.join(CGROUP_ROOT, h, cgroupPath)).filter((d) => fs.existsSync(d));
}

function subdirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

export function killCgroupTree(dir: string): void {
  for (const sub of subdirs(dir)) killCgroupTree(sub);
  let procs = '';
  try {
    procs = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8');
  } catch {
    return;
  }
  for (const pid of procs.split('\n').filter(Boolean)) killPid(Number(pid));
}

/** rmdir, deepest first; a cgroup whose last process just died can stay busy for a moment. */
export async function removeCgroupTree(dir: string): Promise<void> {
  for (const sub of subdirs(dir)) await removeCgroupTree(sub);
  for (let i = 0; ; i++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (i >= 50) throw Object.assign(new Error(`failed to remove cgroup ${dir}: ${(err as Error).message}`), { cause: err });
      await sleep(100);
    }
  }
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function allPids(): number[] {
  return safeReaddir('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** argv of a live process; [] for a zombie or a process that is gone. */
export function cmdline(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}
