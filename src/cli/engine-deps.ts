// The engine's dependencies, as every command builds them from the CLI context.
import type { EngineDeps } from '../engine/lifecycle/context';
import { ImageStore } from '../image/store';
import type { CliContext } from './command';

export function engineDeps(ctx: CliContext): EngineDeps {
  return {
    layout: ctx.layout,
    log: ctx.log,
    images: new ImageStore(ctx.layout, ctx.log),
    warn: (m) => ctx.io.stderr.write(`WARNING: ${m}\n`),
  };
}
