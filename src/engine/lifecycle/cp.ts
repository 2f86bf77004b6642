// docker cp, both directions. Paths inside the container are resolved with the root-confined,
// symlink-aware join: a running container through /proc/<pid>/root (so its volumes are seen),
// a stopped one through its rootfs, mounted for the copy under the container's lock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError } from '../../errors/errors';
import { mountOverlay, unmountOverlay } from '../../storage/overlay';
import { secureJoin } from '../../storage/secure-join';
import { lockContainer, store, viewContainer, type EngineDeps } from './context';

export interface CpTarget { container?: string; path: string }

/** "name:/path" is inside a container; anything else (or a path starting with / or .) is local. */
export function parseCpArg(arg: string): CpTarget {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  return i > 0 ? { container: arg.slice(0, i), path: arg.slice(i + 1) || '/' } : { path: arg };
}

function copyTree(src: string, dst: string): void {
  const st = fs.lstatSync(src);
  if (st.isSymbolicLink()) {
    fs.rmSync(dst, { force: true });
    fs.symlinkSync(fs.readlinkSync(src), dst);
  } else if (st.isDirectory()) {
    if (!fs.existsSync(dst)) fs.mkdirSync(dst);
    for (const e of fs.readdirSync(src)) copyTree(path.join(src, e), path.join(dst, e));
  } else if (st.isFile()) {
    fs.copyFileSync(src, dst);
  } else {
    return; // devices, fifos and sockets are not copied
  }
  fs.lchownSync(dst, st.uid, st.gid);
  if (!st.isSymbolicLink()) fs.chmodSync(dst, st.mode & 0o7777);
  fs.lutimesSync(dst, st.atime, st.mtime);
}

/** docker's rules: into an existing directory the source keeps its name; "src/." copies the contents. */
function copy(srcPath: string, srcShown: string, dstPath: string, dstExists: boolean): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(srcPath);
  } catch {
    throw new NotFoundError(`could not find the file ${srcShown}`);
  }
  const contentsOnly = /\/\.$/.test(srcShown);
  if (st.isDirectory() && contentsOnly) {
    if (!dstExists) fs.mkdirSync(dstPath, { recursive: true });
    for (const e of fs.readdirSync(srcPath)) copyTree(path.join(srcPath, e), path.join(dstPath, e));
    return;
  }
  const into = dstExists && fs.statSync(dstPath).isDirectory();
  copyTree(srcPath, into ? path.join(dstPath, path.basename(srcPath)) : dstPath);
}

async function withContainerRoot<T>(deps: EngineDeps, ref: string, fn: (root: string) => T): Promise<T> {
  const record = store(deps).resolve(ref);
  return lockContainer(deps, record.id, () => {
    const view = viewContainer(deps, record);
    if (view.state && (view.derived.status === 'running' || view.derived.status === 'paused')) return fn(`/proc/${view.state.pid}/root`);
    const p = view.paths;
    mountOverlay({ lowerDirs: record.lowerDirs, upper: p.upper, work: p.work, target: p.rootfs }, deps.log);
    try {
      return fn(p.rootfs);
    } finally {
      unmountOverlay(p.rootfs, deps.log);
    }
  });
}

export async function copyFiles(deps: EngineDeps, src: CpTarget, dst: CpTarget): Promise<void> {
  if (src.container && dst.container) throw new NotFoundError('copying between containers is not supported');
  if (src.container) {
    await withContainerRoot(deps, src.container, (root) => copy(secureJoin(root, src.path), src.path, dst.path, fs.existsSync(dst.path)));
  } else if (dst.container) {
    await withContainerRoot(deps, dst.container, (root) => {
      const target = secureJoin(root, dst.path);
      if (!fs.existsSync(path.dirname(target))) throw new NotFoundError(`could not find the file ${path.dirname(dst.path)} in container ${dst.container}`);
      copy(path.resolve(src.path), src.path, target, fs.existsSync(target));
    });
  } else {
    throw new NotFoundError('must specify at least one container source');
  }
}
