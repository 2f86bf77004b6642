// One error base for the whole engine: callers branch on `kind`, never on message text.
// Fronts map kind → exit code (CLI) or HTTP status (Engine API) through the tables below.

export type ErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'PermissionDenied'
  | 'Unavailable'
  | 'Internal';

export interface ErrorInit {
  hint?: string;
  cause?: unknown;
  /** Exit code the CLI should use instead of the kind's default (126/127 for exec failures). */
  exitCode?: number;
}

export class MydockerError extends Error {
  readonly kind: ErrorKind;
  readonly hint?: string;
  readonly exitCode?: number;
  /** Errors met while undoing a failed operation; the root cause stays the message. */
  readonly cleanupErrors: unknown[] = [];

  constructor(kind: ErrorKind, message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.kind = kind;
    if (init.hint !== undefined) this.hint = init.hint;
    if (init.exitCode !== undefined) this.exitCode = init.exitCode;
  }
}

export class NotFoundError extends MydockerError {
  constructor(message: string, init?: ErrorInit) {
    super('NotFound', message, init);
  }
}

export class ConflictError extends MydockerError {
  constructor(message: string, init?: ErrorInit) {
    super('Conflict', message, init);
  }
}

export class InvalidArgumentError extends MydockerError {
  constructor(message: string, init?: ErrorInit) {
    super('InvalidArgument', message, init);
  }
}

export class FailedPreconditionError extends MydockerError {
  constructor(message: string, init?: ErrorInit) {
    super('FailedPrecondition', message, init);
  }
}

export class PermissionDeniedError extends MydockerError {
  constructor(message: string, init: ErrorInit = {}) {
    super('PermissionDenied', message, init);
  }
}

export class InternalError extends MydockerError {
  constructor(message: string, init?: ErrorInit) {
    super('Internal', message, init);
  }
}

/** A failure reported by the C core: which stage of container set-up failed, and the errno. */
export class NativeError extends MydockerError {
  readonly stage: string;
  readonly errno: number;
  constructor(stage: string, errno: number, message: string, init?: ErrorInit) {
    super(kindForErrno(errno), message, init);
    this.stage = stage;
    this.errno = errno;
  }
}

function kindForErrno(errno: number): ErrorKind {
  switch (errno) {
    case 2: return 'NotFound'; // ENOENT
    case 1: case 13: return 'PermissionDenied'; // EPERM, EACCES
    case 17: case 16: return 'Conflict'; // EEXIST, EBUSY
    case 22: return 'InvalidArgument'; // EINVAL
    default: return 'Internal';
  }
}

/** docker's convention: 125 when the engine itself fails. */
export const ENGINE_FAILURE_EXIT = 125;

export function exitCodeFor(err: unknown): number {
  if (err instanceof MydockerError && err.exitCode !== undefined) return err.exitCode;
  return ENGINE_FAILURE_EXIT;
}

const httpStatusByKind: Record<ErrorKind, number> = {
  NotFound: 404,
  Conflict: 409,
  InvalidArgument: 400,
  FailedPrecondition: 409,
  PermissionDenied: 403,
  Unavailable: 503,
  Internal: 500,
};

export function httpStatusFor(err: unknown): number {
  return err instanceof MydockerError ? httpStatusByKind[err.kind] : 500;
}

/** Turn anything thrown (Node system errors included) into one line a user can act on. */
export function describeError(err: unknown): string {
  if (err instanceof MydockerError) {
    return err.hint ? `${err.message} (${err.hint})` : err.message;
  }
  if (isErrnoException(err)) {
    const where = err.path ? ` ${err.path}` : '';
    return `${err.syscall ?? 'system call'}${where}: ${strerror(err.code)}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

export function hasCode(err: unknown, code: string): boolean {
  return isErrnoException(err) && err.code === code;
}

const messages: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EBUSY: 'device or resource busy',
  EINVAL: 'invalid argument',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ELOOP: 'too many levels of symbolic links',
  ENOEXEC: 'exec format error',
};

export function strerror(code: string | undefined): string {
  if (!code) return 'unknown error';
  return messages[code] ?? code.toLowerCase();
}
