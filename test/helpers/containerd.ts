// A private containerd for integration tests: its own root (/tmp), state and socket (a short /run path), a config with
// the CRI plugin on, only the overlayfs snapshotter, two CRI runtime handlers ("runc", the default, and "mydocker", the
// runtime under test through options.BinaryName), a local pause image, and the busybox image, both made by mydocker
// and imported with ctr. stop() removes everything the instance made, including what containerd and its shims leave
// outside the instance's directories (see "Where things land" below); leftovers() lists whatever is still there.
//
// Where things land (containerd 1.6.20, runc shim v2, on this machine):
//   root, state, socket, CRI state, bundles + rootfs mounts   under tmpDir / runDir (ours by construction)
//   runc state of a task     --runc-root / handler options.Root, here runDir/rt/<ns>/<id> (default /run/containerd/runc/<ns>)
//   shim sockets             /run/containerd/s/sha256(<address>/<ns>/<id>), whatever the config says
//   ctr's IO fifos           --fifo-dir, here runDir/fifo (default /run/containerd/fifo)
//   cgroups                  ctr: /<ns>/<id>; CRI: <cgroup_parent>/<id>, in every hierarchy (v1 + unified here)
//   shims                    containerd-shim-runc-v2 -namespace NS -id ID -address <address>, reparented to PID 1
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SHIM_SOCKET_DIR, allPids, cgroupDirs, cmdline, killCgroupTree, killPid, mountsUnder, removeCgroupTree, safeReaddir,
  shimProcesses, shimSocket, waitUntil,
} from './containerd-host';
import { CriClient } from './cri-client';

export { cgroupDirs, mountsUnder, shimProcesses, shimSocket };

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const MYDOCKER = path.join(REPO, 'bin', 'mydocker');
export const DEFAULT_RUNTIME = path.join(REPO, 'bin', 'mydocker-runtime');
export const BUSYBOX_IMAGE = 'docker.io/library/busybox:latest';
export const PAUSE_IMAGE = 'localhost/mydocker-pause:1';
/** The containerd namespace the CRI plugin works in. */
export const CRI_NAMESPACE = 'k8s.io';
/** The CRI runtime handler whose BinaryName is the runtime under test. */
export const RUNTIME_HANDLER = 'mydocker';

export interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface ContainerdOptions {
  /** Names what the instance makes: dirs, the ctr namespace "mydocker-test-NAME-XXXX", the CRI cgroup parent. */
  name: string;
  /** BinaryName of the "mydocker" handler and of runtimeFlags(); default REPO/bin/mydocker-runtime. */
  runtimeBinary?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export class PrivateContainerd {
  readonly tmpDir: string;
  readonly runDir: string;
  readonly address: string;
  readonly configPath: string;
  readonly logPath: string;
  /** ctr's namespace for this instance (the CRI uses k8s.io, inside the same private store). */
  readonly namespace: string;
  /** Absolute cgroup parent for CRI pods (cgroupfs driver): pods land in CGROUP_PARENT/<id>. */
  readonly cgroupParent: string;
  /** runc-style --root of the runtime under test; the shim adds /<namespace>. */
  readonly runtimeRoot: string;
  readonly fifoDir: string;
  /** CRI log_directory for pods. */
  readonly podLogDir: string;
  readonly runtimeBinary: string;
  private daemon: ChildProcess | undefined;
  private daemonExit: Promise<void> | undefined;
  private readonly runContainerdExisted = fs.existsSync('/run/containerd');
  /** (namespace, id) of every task seen: their shim sockets are removed at stop. */
  private readonly shimKeys = new Set<string>();

  private constructor(opts: ContainerdOptions) {
    this.runtimeBinary = opts.runtimeBinary ?? DEFAULT_RUNTIME;
    this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-ctd-${opts.name}-`));
    try {
      this.runDir = fs.mkdtempSync('/run/mydocker-ctd-');   // short: socket paths must fit in 108 bytes
    } catch (err) {
      fs.rmSync(this.tmpDir, { recursive: true, force: true });
      throw err;
    }
    const tag = `${opts.name}-${path.basename(this.runDir).slice(-6)}`;
    this.namespace = `mydocker-test-${tag}`;
    this.cgroupParent = `/mydocker-test-cri-${tag}`;
    this.address = path.join(this.runDir, 'containerd.sock');
    this.configPath = path.join(this.tmpDir, 'config.toml');
    this.logPath = path.join(this.tmpDir, 'containerd.log');
    this.runtimeRoot = path.join(this.runDir, 'rt');
    this.fifoDir = path.join(this.runDir, 'fifo');
    this.podLogDir = path.join(this.tmpDir, 'pods');
  }

  /** Starts the daemon, waits until both ctr and the CRI answer, imports the images into `namespace` and k8s.io. */
  static async start(opts: ContainerdOptions): Promise<PrivateContainerd> {
    const ctd = new PrivateContainerd(opts);
    try {
      const archive = buildImages(path.join(ctd.tmpDir, 'mydocker'));
      ctd.writeConfig();
      await ctd.startDaemon(opts.logLevel ?? 'warn');
      for (const ns of [ctd.namespace, CRI_NAMESPACE]) ctd.ctrOk(['images', 'import', archive], { namespace: ns });
      await ctd.waitForCri();
      return ctd;
    } catch (err) {
      try {
        await ctd.stop();
      } catch (cleanupErr) {
        throw new AggregateError([err, cleanupErr], `containerd ${ctd.address} failed to start, and its cleanup failed too`);
      }
      throw err;
    }
  }

  private writeConfig(): void {
    const cniDir = path.join(this.tmpDir, 'cni');
    fs.mkdirSync(cniDir);
    fs.mkdirSync(this.podLogDir);
    // Pods here use the host network, so no CNI plugin runs; a loopback-only list just makes NetworkReady true.
    fs.writeFileSync(path.join(cniDir, '10-loopback.conflist'),
      JSON.stringify({ cniVersion: '0.4.0', name: 'mydocker-test-lo', plugins: [{ type: 'loopback' }] }));
    const q = (s: string) => JSON.stringify(s);
    const cri = 'plugins."io.containerd.grpc.v1.cri"';
    fs.writeFileSync(this.configPath, `version = 2
root = ${q(path.join(this.tmpDir, 'root'))}
state = ${q(path.join(this.runDir, 'state'))}
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.native"]
[grpc]
  address = ${q(this.address)}
[ttrpc]
  address = ${q(this.address + '.ttrpc')}
[plugins."io.containerd.internal.v1.opt"]
  path = ${q(path.join(this.tmpDir, 'opt'))}
[${cri}]
  sandbox_image = ${q(PAUSE_IMAGE)}
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # root here lacks CAP_SYS_RESOURCE: the pause container's default oom_score_adj -998 would make runc fail
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
[${cri}.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = ${q(cniDir)}
[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"
[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[${cri}.containerd.runtimes.runc.options]
  Root = ${q(path.join(this.runDir, 'runc'))}
[${cri}.containerd.runtimes.${RUNTIME_HANDLER}]
  runtime_type = "io.containerd.runc.v2"
[${cri}.containerd.runtimes.${RUNTIME_HANDLER}.options]
  BinaryName = ${q(this.runtimeBinary)}
  Root = ${q(this.runtimeRoot)}
`);
  }

  private async startDaemon(logLevel: string): Promise<void> {
    const log = fs.openSync(this.logPath, 'a');
    try {
      this.daemon = spawn('containerd', ['--config', this.configPath, '--log-level', logLevel],
        { stdio: ['ignore', log, log], cwd: this.tmpDir });
    } finally {
      fs.closeSync(log);
    }
    const child = this.daemon;
    let spawnError: Error | undefined;
    this.daemonExit = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (err) => {
        spawnError = err;
        resolve();
      });
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (spawnError) throw new Error(`failed to start containerd: ${spawnError.message}`, { cause: spawnError });
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`containerd exited at start (${child.exitCode ?? child.signalCode}): ${this.logTail()}`);
      if (fs.existsSync(this.address) && this.ctr(['version'], { timeoutMs: 5000 }).code === 0) return;
      if (Date.now() > deadline) throw new Error(`containerd did not answer on ${this.address} within 30 s: ${this.logTail()}`);
      await sleep(100);
    }
  }

  /** Until the CRI reports RuntimeReady and sees both images (it learns about ctr's imports from events). */
  private async waitForCri(): Promise<void> {
    const cri = this.cri();
    const deadline = Date.now() + 30_000;
    let last = '';
    try {
      for (;;) {
        try {
          const st = await cri.status();
          const ready = st.status?.conditions.find((c) => c.type === 'RuntimeReady')?.status;
          const images = await Promise.all([BUSYBOX_IMAGE, PAUSE_IMAGE].map((i) => cri.imageStatus(i)));
          if (ready && images.every(Boolean)) return;
          last = `RuntimeReady=${ready}, images ${images.map((i) => !!i).join('/')}`;
        } catch (err) {
          last = String(err);
        }
        if (Date.now() > deadline) throw new Error(`the CRI plugin of ${this.address} is not ready after 30 s (${last}): ${this.logTail()}`);
        await sleep(100);
      }
    } finally {
      cri.close();
    }
  }

  logTail(lines = 15): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** A CRI client on this instance's socket; close() it when done. */
  cri(): CriClient {
    return new CriClient(this.address);
  }

  /** Runs ctr against this instance (namespace: this.namespace unless given). */
  ctr(args: string[], opts: { namespace?: string; timeoutMs?: number } = {}): Result {
    const res = spawnSync('ctr', ['--address', this.address, '--namespace', opts.namespace ?? this.namespace, ...args],
      { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, cwd: this.tmpDir });
    return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
  }

  /** ctr, and throws unless it exits 0. */
  ctrOk(args: string[], opts: { namespace?: string; timeoutMs?: number } = {}): Result {
    const r = this.ctr(args, opts);
    if (r.code !== 0) throw new Error(`ctr ${args.join(' ')} failed (${r.code ?? r.signal}): ${r.stderr.trim()}`);
    return r;
  }

  /** Flags of `ctr run` that select the runtime under test and keep its state and fifos in this instance's dirs. */
  runtimeFlags(runtime = this.runtimeBinary): string[] {
    return ['--runc-binary', runtime, '--runc-root', this.runtimeRoot, '--fifo-dir', this.fifoDir];
  }

  /** Task status from `ctr tasks ls` ("RUNNING", "STOPPED", …), or undefined when there is no task. */
  taskStatus(id: string, namespace = this.namespace): { pid: number; status: string } | undefined {
    this.shimKeys.add(`${namespace}/${id}`);
    for (const line of this.ctrOk(['tasks', 'ls'], { namespace }).stdout.split('\n').slice(1)) {
      const [task, pid, status] = line.trim().split(/\s+/);
      if (task === id) return { pid: Number(pid), status: status ?? '' };
    }
    return undefined;
  }

  /** What is left of one container: in containerd, its runtime state and processes, mounts, cgroup, shim, shim socket. */
  remains(id: string, opts: { namespace?: string; cgroup?: string } = {}): string[] {
    const ns = opts.namespace ?? this.namespace;
    this.shimKeys.add(`${ns}/${id}`);
    const found: string[] = [];
    const listed = (args: string[]) => this.ctrOk(args, { namespace: ns }).stdout.split('\n').slice(1).some((l) => l.split(/\s+/)[0] === id);
    if (listed(['tasks', 'ls'])) found.push(`task ${ns}/${id}`);
    if (listed(['containers', 'ls'])) found.push(`container ${ns}/${id}`);
    if (listed(['snapshots', 'ls'])) found.push(`snapshot ${ns}/${id}`);
    for (const m of mountsUnder(this.runDir, this.tmpDir)) if (m.split('/').includes(id)) found.push(`mount ${m}`);
    for (const dir of cgroupDirs(opts.cgroup ?? `/${ns}/${id}`)) found.push(`cgroup ${dir}`);
    for (const dir of [path.join(this.runtimeRoot, ns, id), path.join(this.runDir, 'state', 'io.containerd.runtime.v2.task', ns, id)]) {
      if (fs.existsSync(dir)) found.push(`dir ${dir}`);
    }
    for (const p of shimProcesses(this.address)) if (p.namespace === ns && p.id === id) found.push(`shim pid ${p.pid}`);
    // a runtime process still running for this container (e.g. a monitor the runtime left behind)
    for (const pid of allPids()) {
      const argv = cmdline(pid);
      if (argv.includes(id) && argv.some((a) => a.startsWith(this.runtimeRoot))) found.push(`process ${pid}: ${argv.join(' ')}`);
    }
    const sock = shimSocket(this.address, ns, id);
    if (fs.existsSync(sock)) found.push(`shim socket ${sock}`);
    return found;
  }

  /** Polls remains() until it is empty or timeoutMs passed; returns the last answer. */
  async waitGone(id: string, opts: { namespace?: string; cgroup?: string; timeoutMs?: number } = {}): Promise<string[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const left = this.remains(id, opts);
      if (left.length === 0 || Date.now() > deadline) return left;
      await sleep(100);
    }
  }

  /** Everything of this instance still on the host: daemon, shims and processes naming our dirs, mounts, cgroups, sockets, dirs. */
  leftovers(): string[] {
    const found: string[] = [];
    if (this.daemonAlive()) found.push(`containerd pid ${this.daemon!.pid}`);
    for (const pid of this.ownProcesses()) found.push(`process ${pid}: ${cmdline(pid).join(' ')}`);
    for (const m of mountsUnder(this.runDir, this.tmpDir)) found.push(`mount ${m}`);
    for (const top of this.cgroupTops()) for (const dir of cgroupDirs(top)) found.push(`cgroup ${dir}`);
    for (const key of this.shimKeys) {
      const [ns, id] = key.split('/') as [string, string];
      const sock = shimSocket(this.address, ns, id);
      if (fs.existsSync(sock)) found.push(`shim socket ${sock}`);
    }
    for (const dir of [this.tmpDir, this.runDir]) if (fs.existsSync(dir)) found.push(`dir ${dir}`);
    return found;
  }

  /**
   * Removes everything the instance made, in this order: tasks and containers through ctr (the shims then clean up
   * after themselves), the daemon, any shim or process still naming our socket or dirs, processes in our cgroups,
   * mounts, shim sockets, cgroups, dirs. Every step runs; the errors of all of them are thrown together at the end.
   */
  async stop(): Promise<void> {
    const errors: unknown[] = [];
    const step = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    };
    if (this.daemonAlive()) await step(() => this.removeAllContainers());
    await step(() => this.collectShimKeys());
    await step(() => this.stopDaemon());
    await step(async () => {
      for (const pid of this.ownProcesses()) killPid(pid);
      for (const top of this.cgroupTops()) for (const dir of cgroupDirs(top)) killCgroupTree(dir);
      await waitUntil(() => this.ownProcesses().length === 0, 5000);
    });
    await step(() => {
      for (const m of mountsUnder(this.runDir, this.tmpDir).reverse()) {
        if (spawnSync('umount', [m]).status !== 0) spawnSync('umount', ['-l', m]);
      }
    });
    await step(() => {
      for (const key of this.shimKeys) {
        const [ns, id] = key.split('/') as [string, string];
        fs.rmSync(shimSocket(this.address, ns, id), { force: true });
      }
    });
    await step(async () => {
      for (const top of this.cgroupTops()) for (const dir of cgroupDirs(top)) await removeCgroupTree(dir);
    });
    await step(() => {
      fs.rmSync(this.tmpDir, { recursive: true, force: true });
      fs.rmSync(this.runDir, { recursive: true, force: true });
    });
    // /run/containerd is shared by every containerd on the host: remove it only if it was not there before and is empty now.
    if (!this.runContainerdExisted) {
      for (const d of [SHIM_SOCKET_DIR, '/run/containerd/fifo', '/run/containerd/runc', '/run/containerd']) {
        try {
          fs.rmdirSync(d);
        } catch {
          // absent, or in use by another containerd
        }
      }
    }
    if (errors.length) throw new AggregateError(errors, `cleanup of containerd ${this.address} failed: ${errors.map(String).join('; ')}`);
  }

  private removeAllContainers(): void {
    const namespaces = this.ctrOk(['namespaces', 'ls', '-q']).stdout.split('\n').filter(Boolean);
    for (const ns of namespaces) {
      for (const line of this.ctrOk(['tasks', 'ls'], { namespace: ns }).stdout.split('\n').slice(1)) {
        const id = line.trim().split(/\s+/)[0];
        if (!id) continue;
        this.shimKeys.add(`${ns}/${id}`);
        this.ctr(['tasks', 'kill', '--all', '--signal', 'SIGKILL', id], { namespace: ns, timeoutMs: 10_000 });
        this.ctr(['tasks', 'delete', '--force', id], { namespace: ns, timeoutMs: 10_000 });
      }
      const ids = this.ctrOk(['containers', 'ls', '-q'], { namespace: ns }).stdout.split('\n').filter(Boolean);
      for (const id of ids) this.shimKeys.add(`${ns}/${id}`);
      if (ids.length) this.ctr(['containers', 'delete', ...ids], { namespace: ns, timeoutMs: 30_000 });
    }
  }

  /** Every (namespace, id) that may own a shim socket: live shims and task bundles on disk. */
  private collectShimKeys(): void {
    for (const p of shimProcesses(this.address)) this.shimKeys.add(`${p.namespace}/${p.id}`);
    const tasks = path.join(this.runDir, 'state', 'io.containerd.runtime.v2.task');
    for (const ns of safeReaddir(tasks)) for (const id of safeReaddir(path.join(tasks, ns))) this.shimKeys.add(`${ns}/${id}`);
  }

  private daemonAlive(): boolean {
    const d = this.daemon;
    return !!d && d.pid !== undefined && d.exitCode === null && d.signalCode === null;
  }

  private async stopDaemon(): Promise<void> {
    const d = this.daemon;
    if (!d || !this.daemonAlive()) return;
    d.kill('SIGTERM');
    const exited = await Promise.race([this.daemonExit!.then(() => true), sleep(10_000, undefined, { ref: false }).then(() => false)]);
    if (!exited) {
      d.kill('SIGKILL');
      await this.daemonExit;
    }
  }

  /** Processes that are ours because their command line names our socket or one of our dirs (shims, runtime helpers). */
  private ownProcesses(): number[] {
    const marks = [this.address, this.runDir + '/', this.tmpDir + '/'];
    return allPids().filter((pid) => pid !== this.daemon?.pid && pid !== process.pid && (() => {
      const argv = cmdline(pid).join(' ');
      return marks.some((m) => argv.includes(m));
    })());
  }

  private cgroupTops(): string[] {
    return [`/${this.namespace}`, this.cgroupParent];
  }
}

/** busybox and a pause image (busybox whose entrypoint sleeps forever), saved as one docker-archive by mydocker. */
function buildImages(dir: string): string {
  const md = (args: string[]) => {
    const r = spawnSync(MYDOCKER, ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), ...args],
      { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`mydocker ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
    return r.stdout.trim();
  };
  const archive = path.join(dir, 'images.tar');
  const id = md(['create', '--network', 'none', 'busybox']);
  try {
    md(['commit', '--change', 'ENTRYPOINT ["/bin/sleep", "2147483647"]', '--change', 'CMD []', id, PAUSE_IMAGE]);
  } finally {
    md(['rm', '-f', id]);
  }
  md(['save', '-o', archive, 'busybox', PAUSE_IMAGE]);
  return archive;
}

