// Every error the library throws is a MydockerError (src/errors/errors.ts): callers branch on
// `kind` ('NotFound', 'Conflict', 'InvalidArgument', …), and `exitCodeOf` gives docker's meaning
// (125 the engine failed, 126 the command could not be run, 127 it was not found).
import { describeError, exitCodeFor, InternalError, MydockerError } from '../errors/errors';

/** Node system errors and anything else thrown below become an Internal MydockerError (the original as cause). */
export function asMydockerError(err: unknown): MydockerError {
  if (err instanceof MydockerError) return err;
  return new InternalError(describeError(err), { cause: err });
}

/** Runs fn and rethrows what it throws as a MydockerError. */
export async function typed<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asMydockerError(err);
  }
}

/** docker's exit code for an engine error: 125, or 126/127 when the command could not be executed. */
export function exitCodeOf(err: unknown): number {
  return exitCodeFor(err);
}
