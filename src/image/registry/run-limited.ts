// Bounded concurrency with fail-fast: at most `limit` tasks run at once; the first failure stops new tasks from
// starting, cancels the running ones (through the signal) and is what the whole call rejects with.

export interface TaskSignal {
  readonly failed: boolean;
  /** Registers a function to run when another task fails (close a download). Returns its remover. */
  onFail(fn: () => void): () => void;
}

export async function runLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number, signal: TaskSignal) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: unknown;
  let failed = false;
  const hooks = new Set<() => void>();
  const signal: TaskSignal = {
    get failed() {
      return failed;
    },
    onFail(fn) {
      hooks.add(fn);
      return () => hooks.delete(fn);
    },
  };
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await task(items[i], i, signal);
      } catch (err) {
        if (!failed) {
          failed = true;
          firstError = err;
          for (const fn of hooks) fn();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw firstError;
}
