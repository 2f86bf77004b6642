// Multi-step operations push an undo after each step that succeeds; on failure they unwind in
// reverse, keep the first error as the cause and attach the errors met while cleaning up.
import { MydockerError } from '../errors/errors';

type UndoFn = () => void | Promise<void>;

export class UndoStack {
  private steps: { what: string; fn: UndoFn }[] = [];

  push(what: string, fn: UndoFn): void {
    this.steps.push({ what, fn });
  }

  /** Forget the steps: the operation succeeded and its effects stay. */
  commit(): void {
    this.steps = [];
  }

  async unwind(cause: unknown): Promise<void> {
    const cleanupErrors: unknown[] = [];
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step.fn();
      } catch (err) {
        cleanupErrors.push(new Error(`undo ${step.what}: ${(err as Error).message ?? String(err)}`));
      }
    }
    if (cause instanceof MydockerError) cause.cleanupErrors.push(...cleanupErrors);
  }

  /** Runs fn with this stack; unwinds and rethrows if it fails. */
  static async run<T>(fn: (undo: UndoStack) => Promise<T>): Promise<T> {
    const undo = new UndoStack();
    try {
      const result = await fn(undo);
      undo.commit();
      return result;
    } catch (err) {
      await undo.unwind(err);
      throw err;
    }
  }
}
