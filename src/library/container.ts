// Handles on containers: `Container` names one (create, list), `AttachedContainer` also carries its
// output streams and the stdin it was started with (spawn). Every method goes through the library
// Engine, so errors are MydockerErrors and background cleanup is awaited before the next verb.
import type { Readable, Writable } from 'node:stream';

/** How a container ended. */
export interface ExitResult {
  /** The command's exit code; 128 + N when signal N killed it (137: SIGKILL, also the OOM killer's). */
  exitCode: number;
  /** The kernel's OOM killer killed a process of the container. */
  oomKilled: boolean;
  /** The library killed it because its `timeout` passed. */
  timedOut: boolean;
}

/** What a handle needs from the engine (kept narrow so handles stay testable). */
export interface ContainerOps {
  waitExit(ref: string): Promise<ExitResult>;
  stop(ref: string, opts?: { timeoutSec?: number }): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  remove(ref: string, opts?: { force?: boolean }): Promise<void>;
  start(ref: string): Promise<void>;
}

export class Container {
  constructor(protected readonly ops: ContainerOps, readonly id: string, readonly name: string) {}

  /** Starts a created container detached (its output goes to its log). */
  start(): Promise<void> {
    return this.ops.start(this.id);
  }

  /** Resolves once the container stopped. */
  wait(): Promise<ExitResult> {
    return this.ops.waitExit(this.id);
  }

  /** docker stop: the stop signal, then SIGKILL after timeoutSec (default 10). */
  stop(opts: { timeoutSec?: number } = {}): Promise<void> {
    return this.ops.stop(this.id, opts);
  }

  kill(signal = 'SIGKILL'): Promise<void> {
    return this.ops.kill(this.id, signal);
  }

  /** Removes it (force: stops it first if it runs). */
  remove(opts: { force?: boolean } = {}): Promise<void> {
    return this.ops.remove(this.id, opts);
  }
}

export class AttachedContainer extends Container {
  constructor(
    ops: ContainerOps, id: string, name: string,
    readonly stdout: Readable, readonly stderr: Readable,
    /** Present when spawned with `stdin: true`; end() it to close the container's stdin. */
    readonly stdin: Writable | undefined,
    private readonly exit: Promise<ExitResult>,
  ) {
    super(ops, id, name);
  }

  override wait(): Promise<ExitResult> {
    return this.exit;
  }
}
