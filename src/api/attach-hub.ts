// The service's memory of attach sessions. docker's CLI attaches *before* it starts a container
// (run without -d, start -a): the attach waits here until the start, which then starts the
// container with the first waiting session connected before the init may run (Engine.startAttached),
// so no output is lost. That session's connection to the monitor is kept until the exit, whatever
// the HTTP client does, and the service runs the post-exit cleanup as the foreground CLI would.
// Exit codes seen here answer `wait?condition=removed` for a container gone by the time it is asked.
import type { Engine } from '../engine';
import type { Logger } from '../log/log';
import type { AttachClient } from '../monitor/attach-client';

export interface PendingAttach {
  stdin: boolean;
  /** The container started: here is its attach client. */
  deliver(client: AttachClient): void;
  /** The start failed, or the service is shutting down. */
  fail(err: unknown): void;
}

export class AttachHub {
  private readonly pending = new Map<string, Set<PendingAttach>>();
  private readonly clients = new Map<string, Set<AttachClient>>();
  private readonly exits = new Map<string, { code: number; at: number }>();
  private readonly watched = new Set<AttachClient>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** Terminal sizes given at create (docker 28 sends HostConfig.ConsoleSize), for the first start. */
  private readonly sizes = new Map<string, { rows: number; cols: number }>();

  constructor(private readonly log: Logger) {}

  /** Registers a session waiting for the container's start; returns the function that withdraws it. */
  wait(id: string, p: PendingAttach): () => void {
    const set = this.pending.get(id) ?? new Set<PendingAttach>();
    set.add(p);
    this.pending.set(id, set);
    return () => {
      set.delete(p);
      if (!set.size && this.pending.get(id) === set) this.pending.delete(id);
    };
  }

  hasPending(id: string): boolean {
    return (this.pending.get(id)?.size ?? 0) > 0;
  }

  rememberSize(id: string, size: { rows: number; cols: number }): void {
    this.sizes.set(id, size);
  }

  /** docker start: with sessions waiting, the first is connected before the init runs, the others right after. */
  async start(engine: Engine, id: string): Promise<void> {
    const consoleSize = this.sizes.get(id);
    this.sizes.delete(id);
    const waiting = [...(this.pending.get(id) ?? [])];
    this.pending.delete(id);
    if (!waiting.length) {
      await engine.startContainer(id, consoleSize ? { consoleSize } : {});
      return;
    }
    let started;
    try {
      const stdin = waiting.some((p) => p.stdin);
      started = await engine.startAttached(id, { stdin, ...(consoleSize ? { consoleSize } : {}) });
    } catch (err) {
      for (const p of waiting) p.fail(err);
      // the monitor was told we clean up (a command that could not run still exited): do it
      await engine.cleanupAfterExit(id).catch(() => undefined);
      throw err;
    }
    const cleansUp = engine.resolveContainer(id).hostConfig.RestartPolicy.Name === 'no';
    this.watch(engine, id, started.client, cleansUp);
    waiting[0].deliver(started.client);
    for (const p of waiting.slice(1)) {
      engine.attachContainer(id, p.stdin).then(({ client }) => {
        this.track(id, client);
        p.deliver(client);
      }, (err: unknown) => p.fail(err));
    }
  }

  /** A client attached to a running container (docker attach): tracked for resizes. */
  track(id: string, client: AttachClient): void {
    const set = this.clients.get(id) ?? new Set<AttachClient>();
    set.add(client);
    this.clients.set(id, set);
    void client.exit.then((exit) => {
      if (exit) this.noteExit(id, exit.exitCode);
      set.delete(client);
      if (!set.size && this.clients.get(id) === set) this.clients.delete(id);
    });
  }

  /** The client that will run the cleanup: kept until the exit, then the cleanup runs here. */
  private watch(engine: Engine, id: string, client: AttachClient, cleansUp: boolean): void {
    this.track(id, client);
    this.watched.add(client);
    void client.exit.then(async (exit) => {
      this.watched.delete(client);
      if (exit) this.noteExit(id, exit.exitCode);
      if (cleansUp && exit) {
        await engine.cleanupAfterExit(id).catch((err: unknown) => this.log.warn('api', 'cleanup after exit failed', { id, error: String(err) }));
        this.changed(id);
      }
    });
  }

  /** Calls fn at the next news about the container (an exit seen, a cleanup done); returns the unsubscribe. */
  onChange(id: string, fn: () => void): () => void {
    const set = this.listeners.get(id) ?? new Set<() => void>();
    set.add(fn);
    this.listeners.set(id, set);
    return () => {
      set.delete(fn);
      if (!set.size && this.listeners.get(id) === set) this.listeners.delete(id);
    };
  }

  private changed(id: string): void {
    for (const fn of [...(this.listeners.get(id) ?? [])]) fn();
  }

  noteExit(id: string, code: number): void {
    this.exits.set(id, { code, at: Date.now() });
    this.changed(id);
    const old = Date.now() - 10 * 60_000;
    for (const [k, v] of this.exits) if (v.at < old) this.exits.delete(k);
  }

  lastExit(id: string): number | undefined {
    return this.exits.get(id)?.code;
  }

  /** Resizes through a client already attached, else through a short-lived one. */
  async resize(engine: Engine, id: string, rows: number, cols: number): Promise<void> {
    const live = [...(this.clients.get(id) ?? [])];
    if (live.length) {
      for (const c of live) c.resize(rows, cols);
      return;
    }
    const { client } = await engine.attachContainer(id, false);
    client.resize(rows, cols);
    setTimeout(() => client.detach(), 50).unref();
  }

  /** Service shutdown: sessions waiting for a start fail; watched clients let go (the monitor cleans up). */
  close(): void {
    for (const set of this.pending.values()) for (const p of set) p.fail(new Error('the service is shutting down'));
    this.pending.clear();
    for (const c of this.watched) c.detach();
    this.watched.clear();
  }
}
