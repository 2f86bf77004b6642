// A private dockerd for one test file, with an extra OCI runtime registered (--add-runtime NAME=…,
// reached through a RuntimeTrace stand-in), and everything it makes removed by stop().
//
// Its state: data-root and key.json under a temp dir; exec-root under /run with a short name (the API
// socket, the containerd that dockerd starts for itself and that containerd's socket and task
// bundles, runc-style state roots `runtime-<name>/moby`). Host network untouched: no bridge, no
// iptables, no masquerading. Containers go under an absolute cgroup parent (cgroupfs; no systemd).
// Not avoidable: containerd 1.6 shims put their sockets in /run/containerd/s and dockerd creates
// /run/docker/plugins; stop() removes our shim sockets, and those directories when this run created them
// and they are empty (two runs at once: the one that did not create them may leave them, empty).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import type { Result } from './sandbox';
import {
  CreatedOnFirstUse, cgroupDirsOf, describeProcess, isAlive, mountsUnder, processesMentioning, removeCgroups, runCommand,
  runPty, saveBusybox, stopProcesses, unmountUnder, type RunOptions,
} from './host';
import { RuntimeTrace } from './runtime-trace';

export interface DockerdOptions {
  /** The OCI runtime binary to register. */
  runtime: string;
  /** Its name for `docker run --runtime NAME`. */
  runtimeName?: string;
  cgroupParent?: string;
  /** The docker CLI (any version that speaks API 1.41). */
  cli?: string;
  startTimeoutMs?: number;
}

const HOST_DIRS = ['/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd'];

export class Dockerd {
  readonly dir: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly socket: string;
  readonly trace: RuntimeTrace;
  readonly runtimeName: string;
  readonly cgroupParent: string;
  private readonly cli: string;
  private readonly hostDirs = new CreatedOnFirstUse(HOST_DIRS);
  private child?: ChildProcess;
  private containerdPid?: number;
  private readonly ids = new Set<string>();

  private constructor(name: string, opts: DockerdOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-test-dockerd-${name}-`));
    this.execRoot = fs.mkdtempSync('/run/mydocker-test-dockerd-'); // unix socket paths must stay short
    this.dataRoot = path.join(this.dir, 'data');
    this.socket = path.join(this.execRoot, 'docker.sock');
    this.trace = new RuntimeTrace(this.dir, opts.runtime);
    this.runtimeName = opts.runtimeName ?? 'mydocker';
    this.cgroupParent = opts.cgroupParent ?? '/mydocker-test-docker';
    this.cli = opts.cli ?? 'docker';
  }

  /** Starts dockerd and waits until its API answers /_ping. */
  static async start(name: string, opts: DockerdOptions): Promise<Dockerd> {
    const d = new Dockerd(name, opts);
    try {
      await d.launch(opts.startTimeoutMs ?? 60_000);
    } catch (e) {
      d.stop();
      throw e;
    }
    return d;
  }

  private async launch(timeoutMs: number): Promise<void> {
    const config = path.join(this.dir, 'daemon.json');
    // dockerd 20.10 otherwise writes its trust key to /etc/docker/key.json; there is no command-line flag for it
    fs.writeFileSync(config, JSON.stringify({ 'deprecated-key-path': path.join(this.dir, 'key.json') }));
    const log = fs.openSync(path.join(this.dir, 'dockerd.log'), 'a');
    this.child = spawn('dockerd', [
      '--config-file', config, '--data-root', this.dataRoot, '--exec-root', this.execRoot,
      '-H', `unix://${this.socket}`, '--pidfile', path.join(this.execRoot, 'dockerd.pid'),
      '--iptables=false', '--ip-masq=false', '--bridge=none', '--cgroup-parent', this.cgroupParent,
      '--storage-driver', 'overlay2', '--log-level', 'warn',
      '--add-runtime', `${this.runtimeName}=${this.trace.path}`,
    ], { detached: true, stdio: ['ignore', log, log], cwd: this.dir });
    fs.closeSync(log);
    this.child.unref();
    const deadline = Date.now() + timeoutMs;
    while (!(await this.ping())) {
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`dockerd did not come up (exit ${this.child.exitCode ?? this.child.signalCode ?? 'timeout'}):\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      this.containerdPid = Number(fs.readFileSync(path.join(this.execRoot, 'containerd', 'containerd.pid'), 'utf8'));
    } catch {
      // found again by its command line when stopping
    }
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ socketPath: this.socket, path: '/_ping', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
  }

  logTail(lines = 20): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'dockerd.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_CONFIG: path.join(this.dir, 'cli') };
  }

  /** docker -H unix://<ours> ARGS */
  docker(args: string[], opts: RunOptions = {}): Result {
    return runCommand(this.cli, ['-H', `unix://${this.socket}`, ...args], { env: this.env(), cwd: this.dir, ...opts });
  }

  /** Runs docker and fails the test unless it exits 0. */
  ok(args: string[], opts: RunOptions = {}): Result {
    const r = this.docker(args, opts);
    assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  }

  /** docker ARGS on a pseudo-terminal, driven by `steps` (see pty-run.py). */
  runPty(args: string[], steps: object[], opts: { rows?: number; cols?: number; timeoutS?: number } = {}): Result {
    return runPty([this.cli, '-H', `unix://${this.socket}`, ...args], steps, { ...opts, env: this.env(), cwd: this.dir });
  }

  loadBusybox(): void {
    this.ok(['load', '-q', '-i', saveBusybox(this.dir)]);
  }

  /** Containers of this daemon: what it lists, plus whatever the runtime was asked to create. */
  private knownIds(): string[] {
    for (const id of this.trace.containerIds()) this.ids.add(id);
    try {
      for (const id of fs.readdirSync(path.join(this.dataRoot, 'containers'))) this.ids.add(id);
    } catch {
      // no containers dir (yet, or any more)
    }
    return [...this.ids];
  }

  /**
   * Where containerd 1.6 puts the socket of a container's shim: /run/containerd/s/ followed by the
   * sha256 of "<containerd address>/<namespace>/<id>", whatever containerd's own state dir is.
   */
  private shimSockets(ids: string[]): string[] {
    const address = path.join(this.execRoot, 'containerd', 'containerd.sock');
    return ids.map((id) => path.join('/run/containerd/s', createHash('sha256').update(path.join(address, 'moby', id)).digest('hex')));
  }

  /** Runtime state roots dockerd gave the shim: <exec-root>/runtime-<name>/moby. */
  private runtimeRoots(): string[] {
    try {
      return fs.readdirSync(this.execRoot).filter((d) => d.startsWith('runtime-')).map((d) => path.join(this.execRoot, d, 'moby'))
        .filter((d) => fs.existsSync(d));
    } catch {
      return [];
    }
  }

  /** While running: what the containers left behind once docker removed them (processes, cgroups, runtime state). */
  leftovers(): string[] {
    const found: string[] = [];
    const listed = this.docker(['ps', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean);
    for (const id of this.knownIds()) {
      if (listed.includes(id)) continue;
      for (const dir of cgroupDirsOf(path.join(this.cgroupParent, id))) found.push(`cgroup ${dir}`);
      for (const root of this.runtimeRoots()) if (fs.existsSync(path.join(root, id))) found.push(`runtime state ${path.join(root, id)}`);
    }
    for (const pid of processesMentioning(path.join(this.execRoot, 'containerd', 'containerd.sock'))) {
      const shimOf = this.knownIds().find((id) => describeProcess(pid).includes(id));
      if (shimOf && !listed.includes(shimOf)) found.push(`shim ${describeProcess(pid)}`);
    }
    return found;
  }

  /**
   * Stops everything and removes it, also after a failure half-way: containers, dockerd, the containerd it
   * started and its shims, runtime state, cgroups, mounts, both roots, host dirs this run created.
   * Returns what is still there afterwards (empty when all went).
   */
  stop(): string[] {
    if (this.child?.pid && isAlive(this.child.pid)) {
      const ids = this.docker(['ps', '-aq', '--no-trunc'], { timeoutMs: 30_000 }).stdout.split('\n').filter(Boolean);
      ids.forEach((id) => this.ids.add(id));
      if (ids.length) this.docker(['rm', '--force', ...ids], { timeoutMs: 60_000 });
    }
    const ids = this.knownIds();
    if (this.child?.pid) stopProcesses([this.child.pid], 'SIGTERM', 20_000);
    const containerd = this.containerdPid && describeProcess(this.containerdPid).includes(this.execRoot) ? [this.containerdPid] : [];
    stopProcesses([...containerd, ...processesMentioning(path.join(this.execRoot, 'containerd', 'containerd.toml'))], 'SIGTERM', 10_000);
    // state of containers that outlived their shim: delete --force kills what is left of them
    for (const root of this.runtimeRoots()) {
      for (const id of fs.readdirSync(root)) runCommand(this.trace.runtime, ['--root', root, 'delete', '--force', id]);
    }
    // shims of containers that went away exit on their own, removing their sockets; give them a moment
    stopProcesses([...processesMentioning(this.execRoot), ...processesMentioning(this.dir)], 'SIGTERM', 5000);
    for (const socket of this.shimSockets(ids)) fs.rmSync(socket, { force: true });
    const stuck = removeCgroups(this.cgroupParent, ids);
    unmountUnder(this.dataRoot);
    unmountUnder(this.execRoot);
    fs.rmSync(this.execRoot, { recursive: true, force: true });
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.hostDirs.restore();
    return [
      ...[...processesMentioning(this.execRoot), ...processesMentioning(this.dir)].map((p) => `process ${describeProcess(p)}`),
      ...[...mountsUnder(this.dataRoot), ...mountsUnder(this.execRoot)].map((m) => `mount ${m}`),
      ...stuck.map((d) => `cgroup ${d}`),
      ...[this.execRoot, this.dir].filter((p) => fs.existsSync(p)).map((p) => `directory ${p}`),
      ...this.shimSockets(ids).filter((p) => fs.existsSync(p)).map((p) => `shim socket ${p}`),
      ...this.hostDirs.leftBehind().map((p) => `host directory ${p} (created by this run)`),
    ];
  }
}
