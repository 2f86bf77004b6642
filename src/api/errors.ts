// Errors as the Engine API sends them: the status from the kind (one table, src/errors/errors.ts)
// and docker's body {"message": "..."}, which the docker CLI prints after "Error response from daemon: ".
import { describeError, httpStatusFor, MydockerError, NotFoundError } from '../errors/errors';

export interface ApiError {
  status: number;
  message: string;
}

export function toApiError(err: unknown): ApiError {
  return { status: httpStatusFor(err), message: describeError(err) };
}

/** docker's wording for a missing object ("No such container: x"), whatever the engine said. */
export function notFoundAs<T>(fn: () => T, message: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MydockerError && err.kind === 'NotFound') throw new NotFoundError(message, { cause: err });
    throw err;
  }
}

export async function notFoundAsAsync<T>(fn: () => Promise<T>, message: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MydockerError && err.kind === 'NotFound') throw new NotFoundError(message, { cause: err });
    throw err;
  }
}

/** The error document of a JSON progress stream, once the 200 is already sent (pull, push, load). */
export function progressError(err: unknown): { errorDetail: { message: string }; error: string } {
  const message = describeError(err);
  return { errorDetail: { message }, error: message };
}
