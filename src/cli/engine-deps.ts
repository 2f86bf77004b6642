// The engine's dependencies, as every command builds them from the CLI context.
import type { EngineDeps } from '../engine/lifecycle/context';
import { ImageStore } from '../image/store';
import type { CliContext } from './command';
import { Engine } from '../engine';

export function engineDeps(ctx: CliContext): EngineDeps {
  return {
    layout: ctx.layout,
    log: ctx.log,
    images: new ImageStore(ctx.layout, ctx.log),
    warn: (m) => ctx.io.stderr.write(`WARNING: ${m}\n`),
  };
}

/** The facade every command calls (src/engine/index.ts). */
export function engineFor(ctx: CliContext): Engine {
  return new Engine(engineDeps(ctx));
}
