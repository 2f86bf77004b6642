// Verbs that take several containers (stop, kill, rm, pause, …) act on each in turn, print the
// reference as given for each success, one line per failure, and fail (125) if any failed.
import { describeError, ENGINE_FAILURE_EXIT } from '../errors/errors';
import type { CliContext } from './command';

export async function eachContainer(ctx: CliContext, verb: string, refs: string[], fn: (ref: string) => Promise<unknown>): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      await fn(ref);
      ctx.io.stdout.write(`${ref}\n`);
    } catch (err) {
      failed = true;
      ctx.io.stderr.write(`mydocker ${verb}: ${describeError(err)}\n`);
    }
  }
  return failed ? ENGINE_FAILURE_EXIT : 0;
}
