// mydocker as a Node library: `import { Engine } from 'mydocker'` (docs/library.md).
export { Engine } from './engine';
export type { ContainerRef, OpenOptions, SpawnOptions, RunOptions, RunResult, ExecOptions, ContainerSummary, ImageSummary, PullResult } from './engine';
export { Container, AttachedContainer, type ExitResult } from './container';
export { ExecProcess, type ExecOutput } from './exec-process';
export { toContainerSpec, type ContainerOptions, type VolumeOption } from './options';
export { exitCodeOf } from './errors';
export {
  MydockerError, NotFoundError, ConflictError, InvalidArgumentError, FailedPreconditionError, PermissionDeniedError, InternalError, NativeError,
  type ErrorKind,
} from '../errors/errors';
