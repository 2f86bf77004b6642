// Mounting a container's root filesystem. Without a user namespace: overlayfs over the image's
// layers. With one: the layers are seen through idmapped mounts (the image's root shows as the
// container's root, i.e. the mapped host id), or, where the kernel cannot idmap them, through
// copies with shifted owners. The upper dir holds host ids as the container's processes wrote them.
import * as fs from 'node:fs';
import { mountOverlay, mountOverlayIdmapped, type OverlayDirs } from '../../storage/overlay';
import { shiftedLayer } from '../../storage/shifted-copy';
import { openUserNamespace } from '../../runtime/userns';
import type { ContainerRecord } from '../container-store';
import { mapText, toContainer, toHost, type IdMappings } from '../security/userns';
import type { EngineDeps } from './context';

/** The kernel's overflow id: what an id outside the map shows as. */
const NOBODY = 65534;

export const hostId = (maps: IdMappings, kind: 'uid' | 'gid', id: number) => toHost(maps[kind], id) ?? NOBODY;
export const containerId = (maps: IdMappings, kind: 'uid' | 'gid', id: number) => toContainer(maps[kind], id) ?? NOBODY;

export async function mountContainerRootfs(deps: EngineDeps, record: ContainerRecord, dirs: Omit<OverlayDirs, 'lowerDirs'>): Promise<void> {
  const maps = record.idMappings;
  if (!maps) return mountOverlay({ ...dirs, lowerDirs: record.lowerDirs, volatile: record.hostConfig.AutoRemove }, deps.log);
  // The root of the merged tree takes its owner from the upper dir: the container's root.
  fs.mkdirSync(dirs.upper, { recursive: true, mode: 0o755 });
  fs.chownSync(dirs.upper, hostId(maps, 'uid', 0), hostId(maps, 'gid', 0));
  if (process.env.MYDOCKER_IDMAP !== 'copy') {
    const fd = await openUserNamespace(mapText(maps.uid), mapText(maps.gid), deps.log);
    try {
      mountOverlayIdmapped({ ...dirs, lowerDirs: record.lowerDirs }, fd, deps.log);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!['EINVAL', 'ENOSYS', 'EOPNOTSUPP', 'EPERM'].includes(code)) throw err;
      deps.log.info('storage', 'idmapped layers are not available here: using copies with shifted owners', { error: (err as Error).message });
    } finally {
      fs.closeSync(fd);
    }
  }
  const key = `${mapText(maps.uid).trim()}_${mapText(maps.gid).trim()}`.replace(/\s+/g, '-');
  const lowerDirs = record.lowerDirs.map((d) => shiftedLayer(d, key, (id) => hostId(maps, 'uid', id), (id) => hostId(maps, 'gid', id)));
  deps.log.step('storage', 'idmap-copy', { layers: lowerDirs.length, key });
  mountOverlay({ ...dirs, lowerDirs }, deps.log);
}
