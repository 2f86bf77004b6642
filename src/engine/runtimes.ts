// The OCI runtimes a container may run under (HostConfig.Runtime, docker's --runtime): mydocker's
// own core (src/runtime, the default) or an installed runc/crun driven through its CLI
// (src/engine/oci-binary.ts). Names as docker has them; an unknown name is refused at create.
import * as fs from 'node:fs';
import { FailedPreconditionError, InvalidArgumentError } from '../errors/errors';

export const DEFAULT_RUNTIME = 'mydocker';

export type ExternalRuntime = 'runc' | 'crun';

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/bin'];

export function isExternalRuntime(name: string | undefined): name is ExternalRuntime {
  return name === 'runc' || name === 'crun';
}

/** The binary of runc or crun; refused when it is not installed. */
export function runtimeBinary(name: ExternalRuntime): string {
  for (const dir of SEARCH) {
    const file = `${dir}/${name}`;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  throw new FailedPreconditionError(`runtime "${name}" is not installed: no ${name} in ${SEARCH.join(', ')}`);
}

/** docker's "unknown or invalid runtime name"; runc/crun must be installed. */
export function validateRuntimeName(name: string): void {
  if (name === DEFAULT_RUNTIME || name === '') return;
  if (!isExternalRuntime(name)) throw new InvalidArgumentError(`unknown or invalid runtime name: ${name}`, { hint: 'use mydocker, runc or crun' });
  runtimeBinary(name);
}
