// What every handler shares: the engine (the one facade every front uses), the service's own
// memory (exec instances, attach sessions waiting for a start, exits it watched), and its lifetime.
import type { Engine } from '../engine';
import type { Logger } from '../log/log';
import type { ApiRequest } from './http/request';
import type { Reply } from './http/reply';
import type { AttachHub } from './attach-hub';
import type { ExecStore } from './exec-store';

export interface ServiceInfo {
  /** mydocker's version, shown as the server version. */
  version: string;
  startedAt: Date;
}

export interface ApiContext {
  engine: Engine;
  log: Logger;
  execs: ExecStore;
  attach: AttachHub;
  /** Aborted when the service shuts down: streams (events, logs -f, stats, attach) end. */
  shutdown: AbortSignal;
  service: ServiceInfo;
}

export type Handler = (ctx: ApiContext, req: ApiRequest, reply: Reply) => Promise<void> | void;

/** The engine with warnings collected for this request (docker's "Warnings" in create replies). */
export function engineWithWarnings(ctx: ApiContext): { engine: Engine; warnings: string[] } {
  const warnings: string[] = [];
  // the same engine (its methods read this.deps) seen through deps of its own
  const deps: Engine['deps'] = { ...ctx.engine.deps, warn: (m) => warnings.push(m) };
  const engine = Object.create(ctx.engine, { deps: { value: deps } }) as Engine;
  return { engine, warnings };
}
