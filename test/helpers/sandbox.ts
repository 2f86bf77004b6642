// Each integration test works in its own store (--root/--runroot under /tmp), so tests can run in
// parallel and a failing one leaves nothing behind: cleanup() unmounts, kills and removes
// whatever the test's containers left, also when the test failed half-way.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const MYDOCKER = path.join(REPO, 'bin', 'mydocker');
export const PTY_RUN = path.join(REPO, 'test', 'helpers', 'pty-run.py');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class Sandbox {
  readonly dir: string;
  readonly root: string;
  readonly runroot: string;

  constructor(name: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-test-${name}-`));
    this.root = path.join(this.dir, 'root');
    this.runroot = path.join(this.dir, 'run');
  }

  /** Global flags that point mydocker at this sandbox. */
  get globalArgs(): string[] {
    return ['--root', this.root, '--runroot', this.runroot];
  }

  /** Runs mydocker and fails the test unless it exits 0. */
  ok = (args: string[], input?: string): Result => {
    const r = this.run(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `mydocker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };

  run(args: string[], opts: SpawnSyncOptions & { input?: string | Buffer } = {}): Result {
    const res = spawnSync(MYDOCKER, [...this.globalArgs, ...args], { encoding: 'utf8', timeout: 60_000, ...opts });
    return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
  }

  /** Starts mydocker without waiting (signal tests). */
  spawn(args: string[], stdio: ('pipe' | 'ignore' | 'inherit')[] = ['ignore', 'pipe', 'pipe']) {
    return spawn(MYDOCKER, [...this.globalArgs, ...args], { stdio });
  }

  /** Drives mydocker on a pseudo-terminal (see pty-run.py for the step format). */
  runPty(args: string[], steps: object[], opts: { rows?: number; cols?: number; timeout?: number } = {}): Result {
    const res = spawnSync('python3', [
      PTY_RUN, '--rows', String(opts.rows ?? 24), '--cols', String(opts.cols ?? 80), '--timeout', String(opts.timeout ?? 20),
      JSON.stringify(steps), '--', MYDOCKER, ...this.globalArgs, ...args,
    ], { encoding: 'utf8', timeout: ((opts.timeout ?? 20) + 10) * 1000 });
    return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
  }

  containerIds(): string[] {
    try {
      return fs.readdirSync(path.join(this.root, 'containers')).filter((d) => /^[a-f0-9]{64}$/.test(d));
    } catch {
      return [];
    }
  }

  /** Everything this sandbox left on the machine: mounts under it, cgroups and processes of its containers. */
  leftovers(): string[] {
    const found: string[] = [];
    for (const m of mountsUnder(this.dir)) found.push(`mount ${m}`);
    for (const id of this.knownIds()) for (const dir of cgroupDirs(id)) found.push(`cgroup ${dir}`);
    return found;
  }

  private knownIds(): string[] {
    const ids = new Set(this.containerIds());
    try {
      for (const id of fs.readdirSync(path.join(this.runroot, 'runtime'))) ids.add(id);
    } catch {
      // no runtime state
    }
    return [...ids];
  }

  /** Monitors of this sandbox's containers that are still alive (pid with a matching start time). */
  monitors(): number[] {
    const pids: number[] = [];
    for (const id of this.knownIds()) {
      try {
        const st = JSON.parse(fs.readFileSync(path.join(this.runroot, 'runtime', id, 'state.json'), 'utf8'));
        const stat = fs.readFileSync(`/proc/${st.monitorPid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] === st.monitorStartTime) pids.push(st.monitorPid);
      } catch {
        // no monitor
      }
    }
    return pids;
  }

  cleanup(): void {
    // Containers first: `rm -f` releases everything the engine knows about.
    const ids = this.containerIds();
    if (ids.length) this.run(['rm', '-f', ...ids]);
    // Networks next (the default bridge too): their bridges and rules are host-wide, not under the sandbox directory.
    this.run(['system', 'reset', '--force']);
    for (const pid of this.monitors()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const id of this.knownIds()) {
      for (const dir of cgroupDirs(id)) {
        killCgroup(dir);
        try {
          fs.rmdirSync(dir);
        } catch {
          // busy: the kill above should have emptied it; leftovers() will report it
        }
      }
    }
    for (const m of mountsUnder(this.dir).reverse()) spawnSync('umount', ['-l', m]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function mountsUnder(prefix: string): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && (p === prefix || p.startsWith(prefix + '/')));
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The container's cgroup directories under the default parent, in every hierarchy. */
export function cgroupDirs(id: string): string[] {
  const out: string[] = [];
  for (const h of fs.readdirSync(CGROUP_ROOT)) {
    const dir = path.join(CGROUP_ROOT, h, 'mydocker', id);
    if (fs.existsSync(dir)) out.push(dir);
  }
  return out;
}

function killCgroup(dir: string): void {
  try {
    for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  } catch {
    // no such cgroup
  }
}

/** The init pid of a running container (from the runtime state file), once it has exec'd its command. */
export function waitForPid(sb: Sandbox, timeoutMs = 10_000): Promise<{ id: string; pid: number }> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      try {
        for (const id of fs.readdirSync(path.join(sb.runroot, 'runtime'))) {
          const state = JSON.parse(fs.readFileSync(path.join(sb.runroot, 'runtime', id, 'state.json'), 'utf8'));
          // until execve the init is still nsexec, busy setting the container up
          if (!fs.readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').includes('mydocker-nsexec')) return resolve({ id, pid: state.pid });
        }
      } catch {
        // not yet
      }
      if (Date.now() > deadline) reject(new Error('container did not start'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

/**
 * The sandbox of one test file: made now, `setup` run before the first test, and after the last
 * one (also when tests failed) checked for leftovers and cleaned up.
 */
export function useSandbox(name: string, setup?: (sb: Sandbox) => void): Sandbox {
  const sb = new Sandbox(name);
  if (setup) before(() => setup(sb));
  after(() => {
    const left = sb.leftovers();
    sb.cleanup();
    assert.deepEqual(left, [], 'the tests left mounts or cgroups behind');
  });
  return sb;
}
