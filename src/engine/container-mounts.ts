// Volumes and other mounts of a container (-v, --mount, --tmpfs, the image's VOLUMEs): resolved and validated at
// create (nothing written), turned into OCI mounts at every start (volumes created and seeded then, under their
// lock), released at rm (anonymous volumes go with -v, and with --rm as in docker).
// --read-only needs nothing here: the spec's root.readonly makes the C core remount / read-only after every
// mount is in place, and volumes, tmpfs and the /etc files are mounts of their own, so they stay writable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytesSync } from '../sys/random';
import { InvalidArgumentError } from '../errors/errors';
import type { Mount } from '../runtime/spec';
import type { RunOptions } from './container-config';
import type { ContainerRecord } from './container-store';
import type { EngineDeps } from './lifecycle/context';
import type { ImageRecord } from '../image/store';
import { byMountOrder, collectMountRequests, type MountRequest } from '../volume/mount-spec';
import { isEmptyDir, seedVolume } from '../volume/seed';
import { newAnonymousName } from '../volume/volume-store';
import { usersOf, volumeStore } from './volumes';

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
  /** Volumes: do not seed from the image (nocopy, volume-nocopy). */
  NoCopy?: boolean;
  /** Volumes: labels for the volume when this container creates it (--mount volume-label=…). */
  VolumeLabels?: Record<string, string>;
  /** Binds from -v: a missing host path is created as a directory at start (docker's -v; --mount refuses). */
  CreateHostPath?: boolean;
}

function toMountPoint(r: MountRequest, deps: EngineDeps): MountPoint {
  switch (r.type) {
    case 'bind':
      if (!r.createSource && !fs.existsSync(r.source)) {
        throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${r.source}`);
      }
      return {
        Type: 'bind', Source: r.source, Destination: r.destination, Mode: r.mode, RW: !r.readOnly, Propagation: r.propagation,
        ...(r.createSource ? { CreateHostPath: true } : {}),
      };
    case 'volume': {
      const name = r.name ?? newAnonymousName();
      return {
        Type: 'volume', Name: name, Source: volumeStore(deps).dataDir(name), Destination: r.destination, Driver: 'local',
        Mode: r.mode, RW: !r.readOnly, Propagation: '',
        ...(r.name === undefined ? { Anonymous: true } : {}),
        ...(r.noCopy ? { NoCopy: true } : {}),
        ...(Object.keys(r.labels).length ? { VolumeLabels: r.labels } : {}),
      };
    }
    case 'tmpfs':
      return {
        Type: 'tmpfs', Source: '', Destination: r.destination, Mode: r.options.join(','), RW: !r.readOnly, Propagation: '', Options: r.options,
      };
  }
}

/** At create, before anything is written: parse and check every mount flag. */
export async function resolveMounts(opts: RunOptions, image: ImageRecord, deps: EngineDeps): Promise<MountPoint[]> {
  const requests = collectMountRequests(opts, Object.keys(image.config.Volumes ?? {}));
  return requests.map((r) => toMountPoint(r, deps)).sort(byMountOrder);
}

/** The volume's data dir, created (and seeded from the rootfs when empty) under the volume's lock. */
async function ensureVolume(deps: EngineDeps, mp: MountPoint, rootfs: string, rootOwner?: Owner): Promise<string> {
  const store = volumeStore(deps);
  const name = mp.Name!;
  return store.withVolumeLock(name, () => {
    const { created } = store.createLocked(name, { ...(mp.VolumeLabels ? { labels: mp.VolumeLabels } : {}), anonymous: mp.Anonymous === true });
    const data = store.checkedDataDir(name);
    // A volume made for a user-namespaced container belongs to that container's root, as its rootfs does.
    if (created && rootOwner) fs.chownSync(data, rootOwner.uid, rootOwner.gid);
    const volumeDir = path.dirname(data);
    const marker = path.join(volumeDir, '.seeding'); // present while a seed moves entries in
    const resuming = fs.existsSync(marker);
    if (!mp.NoCopy && (resuming || isEmptyDir(data))) {
      for (const leftover of fs.readdirSync(volumeDir).filter((n) => n.startsWith('.seed-'))) {
        fs.rmSync(path.join(volumeDir, leftover), { recursive: true, force: true });
      }
      fs.writeFileSync(marker, '');
      seedVolume(rootfs, mp.Destination, data, path.join(volumeDir, `.seed-${randomBytesSync(6).toString('hex')}`), deps.log, { onlyMissing: resuming });
      fs.rmSync(marker, { force: true });
    }
    return data;
  });
}

/** Host ids of the container's root when it has a user namespace. */
export interface Owner { uid: number; gid: number }

/**
 * At every start, with the rootfs mounted: the OCI mounts to add (named volumes created and seeded first).
 * `rootOwner`: the host ids of a user-namespaced container's root, who owns the volumes made for it.
 */
export async function prepareMounts(deps: EngineDeps, record: ContainerRecord, rootfs: string, rootOwner?: Owner): Promise<Mount[]> {
  const out: Mount[] = [];
  for (const mp of [...(record.mounts ?? [])].sort(byMountOrder)) {
    const ro = mp.RW ? [] : ['ro'];
    switch (mp.Type) {
      case 'bind':
        if (!fs.existsSync(mp.Source)) {
          if (!mp.CreateHostPath) throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${mp.Source}`);
          fs.mkdirSync(mp.Source, { recursive: true, mode: 0o755 });
          deps.log.debug('volume', 'created the missing bind source', { path: mp.Source });
        }
        out.push({ destination: mp.Destination, type: 'bind', source: mp.Source, options: ['rbind', mp.Propagation || 'rprivate', ...ro] });
        break;
      case 'volume': {
        const source = await ensureVolume(deps, mp, rootfs, rootOwner);
        out.push({ destination: mp.Destination, type: 'bind', source, options: ['rbind', 'rprivate', ...ro] });
        break;
      }
      case 'tmpfs':
        // docker's defaults first; the user's options (exec, size=…, mode=…) come later and win
        out.push({ destination: mp.Destination, type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', ...(mp.Options ?? []), ...ro] });
        break;
    }
  }
  return out;
}

/** At rm: anonymous volumes go with -v, and always with --rm (docker's rule); named volumes stay. */
export async function releaseMounts(deps: EngineDeps, record: ContainerRecord, removeAnonymous: boolean): Promise<void> {
  if (!removeAnonymous && !record.hostConfig.AutoRemove) return;
  const store = volumeStore(deps);
  for (const mp of record.mounts ?? []) {
    if (mp.Type !== 'volume' || !mp.Anonymous || !mp.Name) continue;
    const name = mp.Name;
    try {
      await store.withVolumeLock(name, () => {
        if (!store.get(name)) return;
        const others = usersOf(deps, name).filter((r) => r.id !== record.id);
        if (others.length) {
          deps.log.warn('volume', 'anonymous volume kept: another container uses it', { name, container: others[0].id });
          return;
        }
        store.removeLocked(name);
      });
    } catch (err) {
      // the container goes anyway; the volume stays for `volume prune`
      deps.log.warn('volume', 'could not remove an anonymous volume', { name, error: (err as Error).message });
    }
  }
}

/** The MountPoint as docker's inspect shows it (our bookkeeping fields left out). */
export function dockerMountPoint(mp: MountPoint): Omit<MountPoint, 'Anonymous' | 'Options' | 'NoCopy' | 'VolumeLabels' | 'CreateHostPath'> {
  return {
    Type: mp.Type, ...(mp.Name !== undefined ? { Name: mp.Name } : {}), Source: mp.Source, Destination: mp.Destination,
    ...(mp.Driver !== undefined ? { Driver: mp.Driver } : {}), Mode: mp.Mode, RW: mp.RW, Propagation: mp.Propagation,
  };
}
