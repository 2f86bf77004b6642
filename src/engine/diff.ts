// docker diff: what a container changed in its filesystem, read from its overlay upper dir against the
// image's layers. Each upper entry is classified:
//   whiteout (char 0:0)                → D, when the path is visible in the layers below
//   absent from the layers below      → A (and everything under it)
//   a file present below              → C (overlay copied it up: content or metadata changed)
//   a directory present below         → C when its mode, owner or mtime differ, when it is opaque (its
//                                        lower content was hidden: those children are D), or when
//                                        anything below it is reported (docker lists the parents)
// The engine's own mount targets (/etc/hosts, /etc/hostname, /etc/resolv.conf, /dev, /proc, /sys) are
// left out: docker keeps those in an init layer below the container's, so its diff never shows them.
// Paths come out depth first, names in byte order, a directory before what is under it (docker's walk).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sys } from '../sys/native';
import { containerPaths, store, type EngineDeps } from './lifecycle/context';

export type ChangeKind = 'C' | 'A' | 'D';

export interface Change {
  kind: ChangeKind;
  /** Absolute inside the container: "/etc/passwd". */
  path: string;
}

/** The Engine API's numbers for a change kind (GET /containers/{id}/changes). */
export const CHANGE_KIND_CODE: Record<ChangeKind, 0 | 1 | 2> = { C: 0, A: 1, D: 2 };

export interface TreeEntry {
  type: 'dir' | 'file' | 'symlink' | 'whiteout' | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  /** A directory marked opaque (trusted.overlay.opaque=y): the layers below it are hidden. */
  opaque: boolean;
}

/** Reads one layer tree; `rel` is "/"-rooted. Injectable so the classification is tested without mounts. */
export interface TreeReader {
  entry(root: string, rel: string): TreeEntry | undefined;
  children(root: string, rel: string): string[];
}

export const hostTree: TreeReader = {
  entry(root, rel) {
    const p = path.join(root, rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return undefined;
    }
    const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs, opaque: false };
    if (st.isDirectory()) {
      let opaque = false;
      try {
        opaque = sys().lgetxattr(p, 'trusted.overlay.opaque')?.toString('utf8') === 'y';
      } catch {
        // no xattr support: not opaque
      }
      return { ...base, type: 'dir', opaque };
    }
    if (st.isCharacterDevice() && st.rdev === 0) return { ...base, type: 'whiteout' };
    if (st.isSymbolicLink()) return { ...base, type: 'symlink' };
    return { ...base, type: st.isFile() ? 'file' : 'other' };
  },
  children(root, rel) {
    try {
      return fs.readdirSync(path.join(root, rel));
    } catch {
      return [];
    }
  },
};

// /sbin/docker-init: --init's binary, bound where docker binds it (its init layer hides it from docker's diff)
const ENGINE_MOUNT_TARGETS = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/sbin/docker-init']);
const ENGINE_MOUNT_TREES = ['/dev', '/proc', '/sys'];

export function isEngineMountTarget(rel: string): boolean {
  return ENGINE_MOUNT_TARGETS.has(rel) || ENGINE_MOUNT_TREES.some((t) => rel === t || rel.startsWith(`${t}/`));
}

export interface DiffOptions {
  /** Owners on disk are shifted (a user-namespaced container): compare modes and times only. */
  ignoreOwners?: boolean;
  exclude?: (rel: string) => boolean;
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function ancestors(rel: string): string[] {
  const out: string[] = [];
  for (let i = rel.indexOf('/', 1); i > 0; i = rel.indexOf('/', i + 1)) out.push(rel.slice(0, i));
  return out;
}

/**
 * What the layers below the container show at `rel` (top layer first): a whiteout, a non-directory or an
 * opaque directory on the way down in a layer hides everything under it in the layers beneath.
 */
export function lowerEntry(tree: TreeReader, lowers: readonly string[], rel: string): TreeEntry | undefined {
  for (const layer of lowers) {
    let hiddenBelow = false;
    let absent = false;
    for (const a of ancestors(rel)) {
      const e = tree.entry(layer, a);
      if (!e) {
        absent = true;
        break;
      }
      if (e.type !== 'dir') return undefined;
      if (e.opaque) hiddenBelow = true;
    }
    if (!absent) {
      const e = tree.entry(layer, rel);
      if (e) return e.type === 'whiteout' ? undefined : e;
    }
    if (hiddenBelow) return undefined;
  }
  return undefined;
}

/** The names the layers below show in directory `rel` (for an opaque upper dir: what it hides). */
function lowerChildren(tree: TreeReader, lowers: readonly string[], rel: string): string[] {
  const names = new Set<string>();
  for (const layer of lowers) for (const n of tree.children(layer, rel)) names.add(n);
  return [...names].filter((n) => lowerEntry(tree, lowers, join(rel, n)) !== undefined);
}

const byteOrder = (a: string, b: string) => (Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** The changes in `upper` over `lowers` (top layer first). */
export function diffLayers(tree: TreeReader, upper: string, lowers: readonly string[], opts: DiffOptions = {}): Change[] {
  const exclude = opts.exclude ?? isEngineMountTarget;

  const visit = (rel: string, e: TreeEntry): Change[] => {
    if (exclude(rel)) return [];
    const lower = lowerEntry(tree, lowers, rel);
    if (e.type === 'whiteout') return lower ? [{ kind: 'D', path: rel }] : [];
    // per child name, so hidden lower children (D) and upper children come out in one name order
    const groups: [string, Change[]][] = [];
    let excludedChild = false;
    if (e.type === 'dir') {
      const names = tree.children(upper, rel);
      if (e.opaque && lower?.type === 'dir') {
        const present = new Set(names);
        for (const n of lowerChildren(tree, lowers, rel)) {
          if (!present.has(n) && !exclude(join(rel, n))) groups.push([n, [{ kind: 'D', path: join(rel, n) }]]);
        }
      }
      for (const n of names) {
        const childRel = join(rel, n);
        if (exclude(childRel)) excludedChild = true;
        const child = tree.entry(upper, childRel);
        if (child) groups.push([n, visit(childRel, child)]);
      }
    }
    const below = groups.sort(([a], [b]) => byteOrder(a, b)).flatMap(([, c]) => c);
    if (!lower) return [{ kind: 'A', path: rel }, ...below];
    let changed = true;
    if (e.type === 'dir' && lower.type === 'dir') {
      const owners = !opts.ignoreOwners && (e.uid !== lower.uid || e.gid !== lower.gid);
      // a mount target the engine created touches its directory's mtime: that alone is no change
      const touched = e.mtimeMs !== lower.mtimeMs && !excludedChild;
      changed = e.opaque || e.mode !== lower.mode || owners || touched || below.length > 0;
    }
    return changed ? [{ kind: 'C', path: rel }, ...below] : below;
  };

  const out: Change[] = [];
  for (const n of tree.children(upper, '/').sort(byteOrder)) {
    const e = tree.entry(upper, join('/', n));
    if (e) out.push(...visit(join('/', n), e));
  }
  return out;
}

/** A container's changes (the CLI's `diff`, the API's GET /containers/{id}/changes). */
export function containerChanges(deps: EngineDeps, ref: string): Change[] {
  const record = store(deps).resolve(ref);
  const { upper } = containerPaths(deps.layout, record.id);
  return diffLayers(hostTree, upper, [...record.lowerDirs].reverse(), { ignoreOwners: !!record.idMappings });
}
