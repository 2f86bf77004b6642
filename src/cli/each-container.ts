// Verbs that take several containers (stop, kill, rm, pause, …) act on them concurrently, as docker's
// CLI does (stopping 100 containers one after another would take 100 stop timeouts), print the
// reference as given for each success and one line per failure, in the order given, and fail (125)
// if any failed.
import { describeError, ENGINE_FAILURE_EXIT } from '../errors/errors';
import type { CliContext } from './command';

/** Enough to overlap the waits (signals, monitors, CNI plugins) without a burst of processes on a small host. */
const CONCURRENCY = 16;

export async function eachContainer(ctx: CliContext, verb: string, refs: string[], fn: (ref: string) => Promise<unknown>): Promise<number> {
  const outcomes = inOrderWithLimit(refs, CONCURRENCY, fn);
  let failed = false;
  for (const [i, outcome] of outcomes.entries()) {
    try {
      await outcome;
      ctx.io.stdout.write(`${refs[i]}\n`);
    } catch (err) {
      failed = true;
      ctx.io.stderr.write(`mydocker ${verb}: ${describeError(err)}\n`);
    }
  }
  return failed ? ENGINE_FAILURE_EXIT : 0;
}

/** Starts fn for each item, at most `limit` at a time, and returns their outcomes in the items' order. */
export function inOrderWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R>[] {
  const starts: (() => void)[] = [];
  let running = 0;
  const next = () => {
    running--;
    starts.shift()?.();
  };
  return items.map((item) => {
    const outcome = new Promise<R>((resolve, reject) => {
      const start = () => {
        running++;
        new Promise<R>((run) => run(fn(item))).then(resolve, reject).finally(next); // a synchronous throw is this item's failure
      };
      if (running < limit) start();
      else starts.push(start);
    });
    outcome.catch(() => undefined); // awaited by the caller in order; not an unhandled rejection meanwhile
    return outcome;
  });
}
