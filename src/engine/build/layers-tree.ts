// An image's filesystem as the union of its unpacked layer dirs (whiteouts applied), read without mounting: the
// source of COPY --from, and where COPY/WORKDIR look up existing parent directories and /etc/passwd.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFileInRoot } from '../../storage/root-fd';
import { InvalidArgumentError } from '../../errors/errors';
import { globRegExp } from './dockerignore';
import type { ContextEntry } from './context';

const WH = '.wh.';
const OPQ = '.wh..wh..opq';

/** The entry at rel in the union of layerDirs (bottom first), or undefined (missing or whited out). */
export function statInLayers(layerDirs: readonly string[], rel: string): { abs: string; st: fs.Stats; root: string } | undefined {
  const parts = rel.split('/').filter(Boolean);
  for (let i = layerDirs.length - 1; i >= 0; i--) {
    const dir = layerDirs[i];
    // a whiteout or opaque dir on the way hides everything below this layer
    for (let k = 0; k < parts.length; k++) {
      const parent = path.join(dir, ...parts.slice(0, k));
      if (fs.existsSync(path.join(parent, WH + parts[k]))) return undefined;
    }
    const abs = path.join(dir, ...parts);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (st) return { abs, st, root: dir };
    for (let k = parts.length - 1; k >= 0; k--) {
      if (fs.existsSync(path.join(dir, ...parts.slice(0, k), OPQ))) return undefined;
    }
  }
  return undefined;
}

export function readFileInLayers(layerDirs: readonly string[], file: string): string | undefined {
  for (let i = layerDirs.length - 1; i >= 0; i--) {
    const text = readFileInRoot(layerDirs[i], file);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Every path of the union under rel, merged top over bottom. */
export function walkLayers(layerDirs: readonly string[], rel: string): ContextEntry[] {
  const merged = new Map<string, ContextEntry>();
  for (const dir of layerDirs) {
    const base = path.join(dir, rel);
    const visit = (r: string) => {
      const abs = r ? path.join(base, r) : base;
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (!st) return;
      const full = [rel, r].filter(Boolean).join('/');
      if (st.isDirectory() && fs.existsSync(path.join(abs, OPQ))) {
        for (const k of [...merged.keys()]) if (k.startsWith(`${full}/`)) merged.delete(k);
      }
      merged.set(full, { rel: full, abs, st, root: dir });
      if (!st.isDirectory()) return;
      for (const name of fs.readdirSync(abs).sort()) {
        if (name === OPQ) continue;
        if (name.startsWith(WH)) {
          const gone = [full, name.slice(WH.length)].filter(Boolean).join('/');
          for (const k of [...merged.keys()]) if (k === gone || k.startsWith(`${gone}/`)) merged.delete(k);
          continue;
        }
        visit(r ? `${r}/${name}` : name);
      }
    };
    visit('');
  }
  return [...merged.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** COPY --from's sources: paths in another stage's or image's filesystem. */
export class LayersTree {
  constructor(private readonly layerDirs: readonly string[]) {}

  walk(rel: string): ContextEntry[] {
    return walkLayers(this.layerDirs, rel);
  }

  sources(src: string): ContextEntry[] {
    const cleaned = path.posix.normalize(`/${src}`).slice(1).replace(/\/$/, '');
    if (/[*?[]/.test(cleaned)) {
      const re = globRegExp(cleaned);
      const hits = this.walk('').filter((e) => e.rel !== '' && re.test(e.rel));
      if (!hits.length) throw new InvalidArgumentError(`"${src}": not found`, { exitCode: 1 });
      return hits;
    }
    const hit = statInLayers(this.layerDirs, cleaned);
    if (!hit) throw new InvalidArgumentError(`failed to compute cache key: "/${cleaned}": not found`, { exitCode: 1 });
    return [{ rel: cleaned, abs: hit.abs, st: hit.st, root: hit.root }];
  }
}
