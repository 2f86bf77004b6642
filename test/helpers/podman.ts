// podman with a store of its own, driving a given OCI runtime (through a RuntimeTrace stand-in).
//
// Everything podman keeps lives under one temp dir: --root, --runroot, --tmpdir, the events log, the
// network config dir, file locks instead of the host-wide /dev/shm/libpod_lock, and a private
// containers.conf (CONTAINERS_CONF replaces the system files) that also sets default_ulimits at this
// host's hard limits: root here lacks CAP_SYS_RESOURCE and podman's defaults (nofile=1048576) make
// the runtime's setrlimit fail. conmon and the `podman container cleanup` it runs at exit get the
// same files through conmon_env_vars. Containers get `--cgroup-parent` (absolute, cgroupfs) and
// network "none" unless a test says otherwise; the bridge network is not used because netavark's
// iptables chains, /run/netns and ip_forward are host-wide and outlive the test.
// podman is run from the temp dir: conmon 2.1.6 writes its "oom" marker into its working directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import type { Result } from './sandbox';
import {
  cgroupDirsOf, describeProcess, mountsUnder, processesMentioning, removeCgroups, runCommand, runPty, saveBusybox, stopProcesses,
  unmountUnder, type RunOptions,
} from './host';
import { RuntimeTrace } from './runtime-trace';

export interface PodmanOptions {
  /** The OCI runtime binary (podman --runtime); podman reaches it through a RuntimeTrace stand-in. */
  runtime: string;
  /** Absolute, so no container lands under the test's own cgroup. */
  cgroupParent?: string;
  /** Default network mode of new containers ("none" or "host"). */
  network?: 'none' | 'host';
  /** List the runtime's name in runtime_supports_json, so it is called with runc's --log-format=json --log. */
  supportsJson?: boolean;
}

export class Podman {
  readonly dir: string;
  readonly trace: RuntimeTrace;
  readonly cgroupParent: string;
  private readonly conf: string;
  private readonly storageConf: string;

  constructor(readonly name: string, opts: PodmanOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-test-podman-${name}-`));
    this.trace = new RuntimeTrace(this.dir, opts.runtime);
    this.cgroupParent = opts.cgroupParent ?? '/mydocker-test-podman';
    for (const d of ['root', 'runroot', 'tmp', 'networks', 'big-tmp']) fs.mkdirSync(this.sub(d));
    this.conf = this.sub('containers.conf');
    this.storageConf = this.sub('storage.conf');
    const q = (s: string) => JSON.stringify(s);
    const nofile = hardLimit('-Hn', 1024);
    const nproc = Math.min(hardLimit('-Hu', 32768), 32768);
    const jsonRuntimes = ['crun', 'runc', 'kata', 'runsc', 'krun'];
    if (opts.supportsJson ?? true) jsonRuntimes.push(path.basename(opts.runtime));
    fs.writeFileSync(this.conf, [
      '[containers]',
      `default_ulimits = [${q(`nofile=${nofile}:${nofile}`)}, ${q(`nproc=${nproc}:${nproc}`)}]`,
      `netns = ${q(opts.network ?? 'none')}`,
      // conmon stays in the test's own cgroup: otherwise podman makes a host-wide libpod_parent/conmon
      'cgroups = "no-conmon"',
      '[network]',
      `network_config_dir = ${q(this.sub('networks'))}`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = ${q(this.sub('events.log'))}`,
      'lock_type = "file"',
      `tmp_dir = ${q(this.sub('tmp'))}`,
      `runtime_supports_json = [${[...new Set(jsonRuntimes)].map(q).join(', ')}]`,
      `conmon_env_vars = [${Object.entries(this.env()).filter(([k]) => k !== 'HOME').map(([k, v]) => q(`${k}=${v}`)).join(', ')}]`,
      '',
    ].join('\n'));
    fs.writeFileSync(this.storageConf, [
      '[storage]',
      'driver = "overlay"',
      `graphroot = ${q(this.sub('root'))}`,
      `runroot = ${q(this.sub('runroot'))}`,
      '',
    ].join('\n'));
  }

  private sub(p: string): string {
    return path.join(this.dir, p);
  }

  /** What podman and conmon run with: our config files, and temp files (conmon's console sockets too) in our dir. */
  private env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: process.env.HOME ?? '/root',
      CONTAINERS_CONF: this.conf,
      CONTAINERS_STORAGE_CONF: this.storageConf,
      TMPDIR: this.sub('big-tmp'),
    };
  }

  get globalArgs(): string[] {
    return [
      '--root', this.sub('root'), '--runroot', this.sub('runroot'), '--tmpdir', this.sub('tmp'),
      '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--network-config-dir', this.sub('networks'),
      '--runtime', this.trace.path,
    ];
  }

  /** podman ARGS; `run` and `create` get our --cgroup-parent unless they name one. */
  argv(args: string[]): string[] {
    const withParent = (args[0] === 'run' || args[0] === 'create') && !args.some((a) => a.startsWith('--cgroup-parent'))
      ? [args[0], '--cgroup-parent', this.cgroupParent, ...args.slice(1)]
      : args;
    return ['podman', ...this.globalArgs, ...withParent];
  }

  run(args: string[], opts: RunOptions = {}): Result {
    const [file, ...rest] = this.argv(args);
    return runCommand(file, rest, { env: this.env(), cwd: this.dir, ...opts });
  }

  /** Runs podman and fails the test unless it exits 0. */
  ok(args: string[], opts: RunOptions = {}): Result {
    const r = this.run(args, opts);
    assert.equal(r.code, 0, `podman ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  }

  runPty(args: string[], steps: object[], opts: { rows?: number; cols?: number; timeoutS?: number } = {}): Result {
    return runPty(this.argv(args), steps, { ...opts, env: this.env(), cwd: this.dir });
  }

  /**
   * `podman load` of the project's busybox. containers/image records blobs in a cache it keeps for root
   * at /var/lib/containers/cache whatever --root says, so the load runs in a mount namespace of its own
   * where our directory is bound over that path (over its nearest existing parent when it is absent).
   */
  loadBusybox(): void {
    const archive = saveBusybox(this.dir);
    const shadow = this.sub('blob-info-cache');
    fs.mkdirSync(shadow);
    const target = ['/var/lib/containers/cache', '/var/lib/containers', '/var/lib'].find((p) => fs.existsSync(p)) ?? '/var/lib';
    const r = runCommand('unshare', [
      '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" "$1" && shift && exec "$@"', shadow, target,
      ...this.argv(['load', '-q', '-i', archive]),
    ], { env: this.env(), cwd: this.dir });
    assert.equal(r.code, 0, `podman load failed (${r.code}): ${r.stderr}`);
  }

  /** What this podman left on the host: processes, mounts, cgroups and runtime state of its containers. */
  leftovers(): string[] {
    const found: string[] = [];
    for (const pid of processesMentioning(this.dir)) found.push(`process ${describeProcess(pid)}`);
    // containers/storage keeps its overlay home (<graphroot>/overlay) bind-mounted private while a podman
    // process may still use it, and drops it at some later exit: the client's storage, not a container's
    // (cleanup() unmounts it, and the suite's after() checks that)
    const storageHome = path.join(this.sub('root'), 'overlay');
    for (const m of mountsUnder(this.dir)) if (m !== storageHome) found.push(`mount ${m}`);
    for (const id of this.trace.containerIds()) {
      for (const dir of cgroupDirsOf(path.join(this.cgroupParent, `libpod-${id}`))) found.push(`cgroup ${dir}`);
      // podman passes no --root: the runtime keeps its state in its default root
      if (runCommand(this.trace.runtime, ['state', id]).code === 0) found.push(`runtime state of ${id}`);
    }
    return found;
  }

  /**
   * Removes everything, also after a failed test: containers, images, conmons, runtime state, cgroups,
   * mounts, the dir. Returns what is still there afterwards (empty when all went).
   */
  cleanup(): string[] {
    this.run(['rm', '--all', '--force', '--time', '0'], { timeoutMs: 60_000 });
    this.run(['rmi', '--all', '--force']);
    stopProcesses(processesMentioning(this.dir), 'SIGKILL', 2000); // conmon of a container podman lost track of
    const ids = this.trace.containerIds();
    for (const id of ids) {
      if (runCommand(this.trace.runtime, ['state', id]).code === 0) runCommand(this.trace.runtime, ['delete', '--force', id]);
    }
    const stuck = removeCgroups(this.cgroupParent, ids.map((id) => `libpod-${id}`), ['conmon']);
    unmountUnder(this.dir);
    fs.rmSync(this.dir, { recursive: true, force: true });
    return [
      ...processesMentioning(this.dir).map((p) => `process ${describeProcess(p)}`),
      ...mountsUnder(this.dir).map((m) => `mount ${m}`),
      ...stuck.map((d) => `cgroup ${d}`),
      ...(fs.existsSync(this.dir) ? [`directory ${this.dir}`] : []),
    ];
  }
}

function hardLimit(flag: string, fallback: number): number {
  const r = runCommand('sh', ['-c', `ulimit ${flag}`]);
  const n = Number(r.stdout.trim());
  return r.stdout.trim() === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number.isFinite(n) && n > 0 ? n : fallback;
}

