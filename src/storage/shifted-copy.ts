// The fallback when the kernel cannot idmap an image layer (before 5.19, or a filesystem without
// idmapped mounts): a copy of the layer whose owners are shifted into the container's id range,
// made once per layer and map and kept beside the layer (image GC removes it with the layer).
// Overlay's own entries survive the copy: whiteouts (0/0 char devices), opaque-dir xattrs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitDev } from '../sys/dev-numbers';
import { sys } from '../sys/native';

export type IdShift = (id: number) => number;

const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

/** `<layer>/../idmap/<key>`: the shifted copy of a layer's diff dir, made if missing. */
export function shiftedLayer(diffDir: string, key: string, uid: IdShift, gid: IdShift): string {
  const target = path.join(path.dirname(diffDir), 'idmap', key);
  if (fs.existsSync(target)) return target;
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  copyShifted(diffDir, tmp, uid, gid, new Map());
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true }); // another start made it first
    if (!fs.existsSync(target)) throw err;
  }
  return target;
}

function copyShifted(src: string, dst: string, uid: IdShift, gid: IdShift, links: Map<string, string>): void {
  const st = fs.lstatSync(src);
  const inode = `${st.dev}:${st.ino}`;
  if (!st.isDirectory() && st.nlink > 1 && links.has(inode)) {
    fs.linkSync(links.get(inode)!, dst);
    return;
  }
  const type = st.mode & S_IFMT;
  if (st.isDirectory()) {
    fs.mkdirSync(dst, { mode: 0o700 });
    for (const name of fs.readdirSync(src)) copyShifted(path.join(src, name), path.join(dst, name), uid, gid, links);
  } else if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), dst);
  } else if (st.isFile()) {
    fs.copyFileSync(src, dst);
  } else if (type === S_IFCHR || type === S_IFBLK || type === S_IFIFO) {
    const { major, minor } = splitDev(st.rdev);
    sys().mknod(dst, type | (st.mode & 0o7777), major, minor);
  } else {
    return; // sockets do not belong in a layer
  }
  for (const name of sys().llistxattr(src)) {
    const value = sys().lgetxattr(src, name);
    if (value) sys().lsetxattr(dst, name, value);
  }
  fs.lchownSync(dst, uid(st.uid), gid(st.gid));
  if (!st.isSymbolicLink()) fs.chmodSync(dst, st.mode & 0o7777);
  fs.lutimesSync(dst, st.atime, st.mtime);
  if (st.nlink > 1 && !st.isDirectory()) links.set(inode, dst);
}
