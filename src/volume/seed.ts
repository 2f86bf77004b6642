// Seeding a volume from the image, as docker does: when a volume is empty the first time a container mounts it,
// the content at the mount path (in the container's rootfs) is copied in — files, directories, symlinks,
// hardlinks, fifos, modes, owners, times and xattrs — and the volume root takes the owner and mode of that
// directory. The source is a container's rootfs, so nothing in it is ever followed: symlinks are copied as
// symlinks, and the mount path itself is resolved confined to the rootfs (secureJoin).
//
// The copy goes to a private staging dir first and then into _data one top-level entry at a time with
// rename(2): another container may already be running with this volume mounted, and whatever it puts into
// _data meanwhile (a symlink to /etc, say) is replaced, never written through. (Renaming the whole staging dir
// over _data would detach _data from every container that has it mounted.) Each entry arrives whole, so a seed
// interrupted by a crash left some top-level entries in place; the caller resumes it with onlyMissing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log/log';
import { secureJoin } from '../storage/secure-join';
import { sys } from '../sys/native';

export interface SeedResult {
  entries: number;
  skipped: string[];
}

/** True when the directory has no entries (or does not exist). */
export function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

/**
 * Copies the rootfs content at dest into dataDir (which must be empty), using staging (a fresh path on the same
 * filesystem, not created yet). Returns undefined when the rootfs has no directory at dest.
 */
export function seedVolume(
  rootfs: string, dest: string, dataDir: string, staging: string, log: Logger, opts: { onlyMissing?: boolean } = {},
): SeedResult | undefined {
  const source = secureJoin(rootfs, dest);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(source);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return undefined;
  const result: SeedResult = { entries: 0, skipped: [] };
  fs.mkdirSync(staging, 0o700);
  try {
    const copier = new TreeCopier(log, result);
    for (const name of fs.readdirSync(source).sort()) copier.copy(path.join(source, name), path.join(staging, name));
    copier.finishTimes();
    for (const name of fs.readdirSync(staging)) {
      try {
        if (opts.onlyMissing && lstatOrUndefined(path.join(dataDir, name))) continue; // moved in before the interruption
        fs.renameSync(path.join(staging, name), path.join(dataDir, name));
      } catch (err) {
        // a container using the volume made a non-empty directory of that name meanwhile: its content stays
        log.debug('volume', 'seed entry not moved in', { name, error: (err as Error).message });
      }
    }
    copyMetadata(source, dataDir, st);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log.step('volume', 'volume-seed', { from: dest, to: dataDir, entries: result.entries });
  return result;
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function copyXattrs(from: string, to: string): void {
  let names: string[];
  try {
    names = sys().llistxattr(from);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('trusted.overlay.')) continue;
    try {
      const value = sys().lgetxattr(from, name);
      if (value) sys().lsetxattr(to, name, value);
    } catch {
      // ENOTSUP/EPERM on the target: the attribute is lost, as with cp -a
    }
  }
}

/** Owner first (lchown clears setuid bits), then mode, xattrs, times. */
function copyMetadata(from: string, to: string, st: fs.Stats): void {
  fs.lchownSync(to, st.uid, st.gid);
  if (!st.isSymbolicLink()) fs.chmodSync(to, st.mode & 0o7777);
  copyXattrs(from, to);
  if (!st.isDirectory()) fs.lutimesSync(to, st.atime, st.mtime);
}

class TreeCopier {
  private readonly links = new Map<string, string>();
  private readonly dirTimes: { p: string; st: fs.Stats }[] = [];

  constructor(private readonly log: Logger, private readonly result: SeedResult) {}

  copy(from: string, to: string): void {
    const st = fs.lstatSync(from);
    this.result.entries++;
    if (st.isDirectory()) {
      fs.mkdirSync(to, 0o700);
      for (const name of fs.readdirSync(from).sort()) this.copy(path.join(from, name), path.join(to, name));
      copyMetadata(from, to, st);
      this.dirTimes.push({ p: to, st });
      return;
    }
    const key = `${st.dev}:${st.ino}`;
    if (st.nlink > 1 && this.links.has(key)) {
      fs.linkSync(this.links.get(key)!, to);
      return;
    }
    if (st.isFile()) {
      fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    } else if (st.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
    } else if (st.isFIFO()) {
      sys().mknod(to, 0o010000 | (st.mode & 0o7777), 0, 0);
    } else {
      // devices and sockets: a volume holds data, not ways to reach host hardware
      this.result.skipped.push(from);
      this.log.debug('volume', 'not seeding a device or socket', { path: from });
      return;
    }
    copyMetadata(from, to, st);
    if (st.nlink > 1) this.links.set(key, to);
  }

  /** Directory times last, deepest first: creating entries changes a directory's mtime. */
  finishTimes(): void {
    for (const { p, st } of this.dirTimes.reverse()) fs.lutimesSync(p, st.atime, st.mtime);
  }
}
