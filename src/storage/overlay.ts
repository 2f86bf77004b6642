// A container's root filesystem: overlayfs with the image's unpacked layers read-only below and
// a writable upper dir of its own. Mounted in the host's mount namespace (as docker and podman do)
// so that commit, cp and export can reach it; the container sees it through pivot_root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import { execFileSync } from 'node:child_process';
import { MNT_DETACH, sys } from '../sys/native';
import { inUserNamespace } from '../sys/rootless';

export interface OverlayDirs {
  /** Layer directories, bottom layer first (as the image lists them). */
  lowerDirs: string[];
  upper: string;
  work: string;
  target: string;
  /**
   * The upper dir is never synced (overlayfs "volatile", kernel 5.10+): for containers that are removed when
   * they exit (--rm), whose writes need not survive a crash. Saves the sync at unmount, several ms on a disk.
   */
  volatile?: boolean;
}

// The kernel takes at most one page of mount options.
const MAX_MOUNT_DATA = 4000;

export function overlayOptions(dirs: OverlayDirs): string {
  // overlayfs wants the topmost lower layer first.
  const lower = [...dirs.lowerDirs].reverse().map(escapeOverlayPath).join(':');
  return `lowerdir=${lower},upperdir=${escapeOverlayPath(dirs.upper)},workdir=${escapeOverlayPath(dirs.work)}${dirs.volatile ? ',volatile' : ''}`;
}

/** ":" and "," separate overlay options; a backslash escapes them. */
function escapeOverlayPath(p: string): string {
  return p.replace(/[\\:,]/g, (c) => `\\${c}`);
}

export function mountOverlay(dirs: OverlayDirs, log: Logger): void {
  if (dirs.lowerDirs.length === 0) throw new InternalError('an image needs at least one layer');
  for (const d of [dirs.upper, dirs.work, dirs.target]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  const data = overlayOptions(dirs);
  if (data.length > MAX_MOUNT_DATA) {
    throw new InternalError(`too many image layers for one overlay mount (${dirs.lowerDirs.length})`);
  }
  const fuse = inUserNamespace() && process.env.MYDOCKER_OVERLAY === 'fuse-overlayfs';
  try {
    if (fuse) {
      mountFuseOverlay(data, dirs.target);
    } else {
      try {
        sys().mount('overlay', dirs.target, 'overlay', 0, data);
      } catch (err) {
        if (!dirs.volatile || (err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        sys().mount('overlay', dirs.target, 'overlay', 0, overlayOptions({ ...dirs, volatile: false })); // a kernel before 5.10
      }
    }
  } catch (err) {
    if (fuse || !inUserNamespace()) throw new InternalError(`failed to mount overlayfs on ${dirs.target}: ${(err as Error).message}`, { cause: err });
    // rootless on a kernel (or backing filesystem) that refuses overlayfs in a user namespace
    log.warn('storage', 'overlayfs refused in the user namespace; using fuse-overlayfs', { error: (err as Error).message });
    mountFuseOverlay(data, dirs.target);
  }
  log.step('storage', 'overlay-mount', { fuse,
    target: dirs.target, lower: dirs.lowerDirs.map((d) => path.basename(path.dirname(d))).join(', '), upper: dirs.upper, work: dirs.work,
  });
}

/** fuse-overlayfs: the same layout served from user space (it daemonizes once mounted; umount ends it). */
function mountFuseOverlay(data: string, target: string): void {
  try {
    // fuse-overlayfs has no "volatile" (it never syncs the upper dir on unmount anyway)
    execFileSync('fuse-overlayfs', ['-o', data.replace(/,volatile$/, ''), target], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new InternalError(`fuse-overlayfs failed on ${target}: ${stderr || (err as Error).message}`, { cause: err });
  }
}

/** How container root filesystems are mounted here, in `info`'s words. */
export function overlayKind(): string {
  if (!inUserNamespace()) return 'overlay';
  return process.env.MYDOCKER_OVERLAY === 'fuse-overlayfs'
    ? 'fuse-overlayfs (MYDOCKER_OVERLAY)'
    : 'overlay in the user namespace (kernel >= 5.11); fuse-overlayfs where the kernel refuses';
}

/**
 * The same overlay, with each image layer seen through an idmapped mount (owned by the user
 * namespace behind usernsFd): what the image made root's shows as the container's root.
 */
export function mountOverlayIdmapped(dirs: OverlayDirs, usernsFd: number, log: Logger): void {
  if (dirs.lowerDirs.length === 0) throw new InternalError('an image needs at least one layer');
  for (const d of [dirs.upper, dirs.work, dirs.target]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  sys().mountOverlayIdmapped([...dirs.lowerDirs].reverse(), dirs.upper, dirs.work, dirs.target, usernsFd);
  log.step('storage', 'overlay-mount', {
    target: dirs.target, lower: dirs.lowerDirs.map((d) => path.basename(path.dirname(d))).join(', '), upper: dirs.upper, work: dirs.work,
    idmapped: true,
  });
}

export function isMountpoint(target: string): boolean {
  try {
    const st = fs.statSync(target);
    const parent = fs.statSync(path.dirname(target));
    return st.dev !== parent.dev || st.ino === parent.ino;
  } catch {
    return false;
  }
}

/** Unmounts if mounted; a rootfs still busy (a process inside) is detached lazily. */
export function unmountOverlay(target: string, log: Logger): void {
  if (!isMountpoint(target)) return;
  try {
    sys().umount2(target, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EBUSY') throw err;
    sys().umount2(target, MNT_DETACH);
  }
  log.step('storage', 'overlay-unmount', { target });
}
