// Volumes and other mounts of a container (-v, --mount, --tmpfs, --read-only): resolved and
// validated at create, turned into OCI mounts at every start, released at rm.
// STUB: the volumes work replaces this module (see docs/architecture-notes.md, "hooks").
import { InvalidArgumentError } from '../errors/errors';
import type { Mount } from '../runtime/spec';
import type { RunOptions } from '../engine/container-config';
import type { ContainerRecord } from '../engine/container-store';
import type { EngineDeps } from '../engine/lifecycle/context';
import type { ImageRecord } from '../image/store';

/** docker's MountPoint, as `inspect` shows it under "Mounts". */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** An anonymous volume made for this container: `rm -v` removes it. */
  Anonymous?: boolean;
  /** tmpfs and bind options as given. */
  Options?: string[];
}

/** At create, before anything is written: parse and check every mount flag. */
export async function resolveMounts(opts: RunOptions, _image: ImageRecord, _deps: EngineDeps): Promise<MountPoint[]> {
  if (opts.volumes.length || opts.mounts.length || opts.tmpfs.length) {
    throw new InvalidArgumentError('volumes and mounts (-v, --mount, --tmpfs) are not supported yet');
  }
  return [];
}

/** At every start, with the rootfs mounted: the OCI mounts to add (named volumes created and seeded first). */
export async function prepareMounts(_deps: EngineDeps, _record: ContainerRecord, _rootfs: string): Promise<Mount[]> {
  return [];
}

/** At rm: anonymous volumes go with -v. */
export async function releaseMounts(_deps: EngineDeps, _record: ContainerRecord, _removeAnonymous: boolean): Promise<void> {
  return;
}
