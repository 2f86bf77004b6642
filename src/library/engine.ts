// The Node library's Engine: typed options in, handles and plain results out, over the engine
// facade every front uses (src/engine/index.ts). No container logic lives here: create, start,
// attach, exec, stop and remove are the facade's; this layer maps options, wires streams, applies
// timeouts and output caps, and turns every failure into a MydockerError.
import { PassThrough, Writable } from 'node:stream';
import { Engine as EngineFacade } from '../engine';
import type { AttachHandler } from '../engine/lifecycle/run';
import { InvalidArgumentError } from '../errors/errors';
import { Logger, type Level } from '../log/log';
import type { AttachClient } from '../monitor/attach-client';
import { AttachedContainer, Container, type ContainerOps, type ExitResult } from './container';
import { asMydockerError, typed } from './errors';
import { ExecProcess } from './exec-process';
import { toContainerSpec, type ContainerOptions } from './options';
import { collect } from './streams';
import type { InitResult } from '../runtime/nsexec';

export interface OpenOptions {
  /** Persistent data (images, containers); default /var/lib/mydocker. */
  root?: string;
  /** Runtime state (sockets, locks); default /run/mydocker. */
  runroot?: string;
  /** Engine log lines below this level are dropped (default 'error'). */
  logLevel?: Level;
  /** Where log lines and docker's "WARNING" notes go (default: dropped). */
  onLog?: (line: string) => void;
}

export interface SpawnOptions extends Omit<ContainerOptions, 'openStdin'> {
  /** Hand out a writable `stdin` (closed with end()). */
  stdin?: boolean;
  /** Milliseconds after which the container is killed (SIGKILL; exit 137, timedOut true). */
  timeout?: number;
}

export interface RunOptions extends Omit<SpawnOptions, 'stdin'> {
  /** Written to the container's stdin, which is then closed. */
  input?: string | Buffer;
  /** Bytes of stdout and of stderr kept (default 16 MiB each); the rest is read and dropped. */
  maxOutputBytes?: number;
}

export interface RunResult extends ExitResult {
  stdout: string;
  stderr: string;
  /** Output went past maxOutputBytes and was cut. */
  truncated: boolean;
}

export interface ExecOptions {
  env?: string[] | Record<string, string>;
  workdir?: string;
  user?: string;
  privileged?: boolean;
  /** Hand out a writable `stdin`. */
  stdin?: boolean;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  /** created, running, paused, restarting, exited or dead. */
  status: string;
  /** Set once it exited. */
  exitCode?: number;
  created: string;
  labels: Record<string, string>;
}

export interface ImageSummary {
  id: string;
  tags: string[];
  digests: string[];
  size: number;
  created: string;
}

export interface PullResult {
  id: string;
  reference: string;
  digest: string;
}

const DEFAULT_OUTPUT_CAP = 16 << 20;

/** A container by name, id or unique id prefix, or a handle on one. */
export type ContainerRef = string | { readonly id: string };

const refOf = (target: ContainerRef): string => (typeof target === 'string' ? target : target.id);

export class Engine {
  private readonly facade: EngineFacade;
  /** Post-exit work (release, auto-remove) still running per container: the next verb on it waits. */
  private readonly settling = new Map<string, Promise<unknown>>();
  private readonly ops: ContainerOps;

  private constructor(facade: EngineFacade, private readonly log: (line: string) => void) {
    this.facade = facade;
    this.ops = {
      waitExit: (ref) => this.waitExit(ref),
      stop: (ref, o) => this.stop(ref, o),
      kill: (ref, s) => this.kill(ref, s),
      remove: (ref, o) => this.remove(ref, o),
      start: (ref) => this.start(ref),
    };
  }

  /** An engine over a root (no daemon: containers outlive this process, other engines see them). */
  static open(opts: OpenOptions = {}): Engine {
    const sink = opts.onLog ?? (() => undefined);
    const log = new Logger({ level: opts.logLevel ?? 'error', sink });
    return new Engine(EngineFacade.open({
      ...(opts.root ? { root: opts.root } : {}), ...(opts.runroot ? { runroot: opts.runroot } : {}),
      log, warn: (m) => sink(`WARNING: ${m}`),
    }), sink);
  }

  /** Runs a container to its end and returns its exit code and output (removed after, unless autoRemove: false). */
  async run(opts: RunOptions): Promise<RunResult> {
    const { input, maxOutputBytes = DEFAULT_OUTPUT_CAP, ...rest } = opts;
    const c = await this.spawn({ autoRemove: true, ...rest, stdin: input !== undefined });
    const out = collect(c.stdout, maxOutputBytes);
    const err = collect(c.stderr, maxOutputBytes);
    if (c.stdin) c.stdin.end(input);
    const exit = await c.wait();
    return { ...exit, stdout: out.text(), stderr: err.text(), truncated: out.truncated() || err.truncated() };
  }

  /** Creates and starts a container, attached: resolves once it runs, with its output streams. */
  spawn(opts: SpawnOptions): Promise<AttachedContainer> {
    const { stdin, timeout, ...rest } = opts;
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) {
      return Promise.reject(new InvalidArgumentError(`invalid value "${timeout}" for timeout: expected a positive number of milliseconds`));
    }
    return typed(() => new Promise<AttachedContainer>((resolve, reject) => {
      let whole: Promise<unknown> | undefined;
      const attach: AttachHandler = async (client, _state, record) => {
        let timedOut = false;
        const timer = timeout === undefined ? undefined : setTimeout(() => {
          timedOut = true;
          this.facade.killContainer(record.id, 'SIGKILL').catch(() => undefined); // it may have ended just now
        }, timeout);
        const exit = client.exit.then((x): ExitResult => {
          if (timer) clearTimeout(timer);
          return { exitCode: x?.exitCode ?? 255, oomKilled: x?.oomKilled ?? false, timedOut };
        });
        // from the exit on, the engine's post-exit work is what later verbs on it wait for
        void exit.then(() => whole && this.track(record.id, whole));
        resolve(this.attached(client, record.id, record.name, stdin === true, exit));
        return { detached: false };
      };
      whole = this.facade.runContainer(toContainerSpec({ ...rest, openStdin: stdin === true }), attach);
      whole.catch((err: unknown) => reject(asMydockerError(err))); // after resolve: a post-exit failure, kept by track()
    }));
  }

  private attached(client: AttachClient, id: string, name: string, withStdin: boolean, exit: Promise<ExitResult>): AttachedContainer {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    client.onOutput((stream, data) => (stream === 'stdout' ? stdout : stderr).write(data));
    void client.exit.then(() => {
      stdout.end();
      stderr.end();
    });
    const stdinStream = withStdin ? new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        client.write(chunk);
        cb();
      },
      final: (cb) => {
        client.closeStdin();
        cb();
      },
    }) : undefined;
    return new AttachedContainer(this.ops, id, name, stdout, stderr, stdinStream, exit);
  }

  /**
   * The handle's wait() resolves at the exit; the engine's post-exit work (unmount, cgroup and state
   * removal, auto-remove) runs on, and every later verb on that container (and list, close) waits for it.
   */
  private track(id: string, work: Promise<unknown>): void {
    const done = work.then(() => undefined, (err: unknown) => this.log(`post-exit cleanup of ${id} failed: ${asMydockerError(err).message}`))
      .finally(() => {
        if (this.settling.get(id) === done) this.settling.delete(id);
      });
    this.settling.set(id, done);
  }

  private async settled(ref: string): Promise<void> {
    const pending = this.settling.get(ref) ?? [...this.settling].find(([id]) => id.startsWith(ref))?.[1];
    if (pending) await pending;
    else if (this.settling.size) await this.close(); // a name: wait for all, names are not tracked
  }

  /** docker create: a container that does not run yet (start it with start()). */
  create(opts: ContainerOptions): Promise<Container> {
    return typed(async () => {
      const r = await this.facade.createContainer(toContainerSpec(opts));
      return new Container(this.ops, r.id, r.name);
    });
  }

  /** Starts a created (or stopped) container detached: its output goes to its log. */
  start(target: ContainerRef): Promise<void> {
    const ref = refOf(target);
    return typed(async () => {
      await this.settled(ref);
      await this.facade.startContainer(ref);
    });
  }

  /** Waits until the container stopped; its exit code. */
  wait(target: ContainerRef): Promise<number> {
    return typed(() => this.facade.waitContainer(refOf(target)));
  }

  private waitExit(ref: string): Promise<ExitResult> {
    return typed(async () => {
      const exitCode = await this.facade.waitContainer(ref);
      return { exitCode, oomKilled: this.facade.containerView(ref).exit?.oomKilled === true, timedOut: false };
    });
  }

  stop(target: ContainerRef, opts: { timeoutSec?: number } = {}): Promise<void> {
    const ref = refOf(target);
    return typed(async () => {
      await this.settled(ref);
      await this.facade.stopContainer(ref, opts.timeoutSec === undefined ? {} : { timeoutSec: opts.timeoutSec });
    });
  }

  kill(target: ContainerRef, signal = 'SIGKILL'): Promise<void> {
    return typed(async () => {
      await this.facade.killContainer(refOf(target), signal);
    });
  }

  remove(target: ContainerRef, opts: { force?: boolean } = {}): Promise<void> {
    const ref = refOf(target);
    return typed(async () => {
      await this.settled(ref);
      await this.facade.removeContainer(ref, { force: opts.force === true, volumes: false });
    });
  }

  /** Runs cmd in a running container; resolves once it started, with its streams. */
  exec(target: ContainerRef, cmd: string[], opts: ExecOptions = {}): Promise<ExecProcess> {
    const ref = refOf(target);
    if (!cmd.length) return Promise.reject(new InvalidArgumentError('no exec command given'));
    const env = Array.isArray(opts.env) ? opts.env : Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    return typed(() => new Promise<ExecProcess>((resolve, reject) => {
      const stdin = opts.stdin === true;
      let settleResult: { res: (r: InitResult | undefined) => void; rej: (e: unknown) => void } | undefined;
      const result = new Promise<InitResult | undefined>((res, rej) => (settleResult = { res, rej }));
      void result.catch(() => undefined);
      this.facade.exec({
        ref, cmd, interactive: stdin, tty: false, detach: false, env, privileged: opts.privileged === true,
        ...(opts.workdir ? { workdir: opts.workdir } : {}), ...(opts.user ? { user: opts.user } : {}),
      }, [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], (s) => {
        if (s.stdout && s.stderr) resolve(new ExecProcess({ stdout: s.stdout, stderr: s.stderr, ...(s.stdin ? { stdin: s.stdin } : {}) }, result));
      }).then((r) => settleResult!.res(r), (err: unknown) => {
        settleResult!.rej(asMydockerError(err));
        reject(asMydockerError(err));
      });
    }));
  }

  /** Containers of this root, newest first; stopped ones too with all. */
  list(opts: { all?: boolean } = {}): Promise<ContainerSummary[]> {
    return typed(async () => {
      await Promise.all([...this.settling.values()].map((p) => p.catch(() => undefined)));
      const views = await this.facade.listContainers({ all: opts.all === true, filters: [] });
      return views.map((v) => ({
        id: v.record.id, name: v.record.name, image: v.record.image, imageId: v.record.imageId, status: v.derived.status,
        ...(v.derived.status === 'exited' && v.exit ? { exitCode: v.exit.exitCode } : {}),
        created: v.record.created, labels: { ...(v.record.config.Labels ?? {}) },
      }));
    });
  }

  /** A handle on an existing container (by name, id or unique id prefix). */
  container(ref: string): Promise<Container> {
    return typed(async () => {
      const r = this.facade.resolveContainer(ref);
      return new Container(this.ops, r.id, r.name);
    });
  }

  images(): Promise<ImageSummary[]> {
    return typed(async () => (await this.facade.listImages([], { all: false })).map((i) => ({
      id: i.id, tags: i.repoTags, digests: i.repoDigests, size: i.size, created: i.created,
    })));
  }

  /** Pulls an image from its registry (loopback registries may be plain http). */
  pull(ref: string, opts: { tlsVerify?: boolean } = {}): Promise<PullResult> {
    return typed(async () => {
      const r = await this.facade.pullImage(ref, opts.tlsVerify === undefined ? {} : { tlsVerify: opts.tlsVerify });
      return { id: r.id, reference: r.reference, digest: r.digest };
    });
  }

  /** Waits for the post-exit work of containers this engine ran (their release, their removal). */
  async close(): Promise<void> {
    await Promise.all([...this.settling.values()].map((p) => p.catch(() => undefined)));
  }
}
