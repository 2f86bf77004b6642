// The build cache, keyed as docker's classic builder: (parent image id, the instruction after expansion with the
// build args it saw, and for COPY/ADD the hash of the sources) → the image id the step produced. One small file per
// key under <root>/build-cache; a hit counts only while that image is still in the store.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layout } from '../../store/layout';
import { sha256 } from './context';

export interface CacheKey {
  parent: string;
  instruction: string;
  sources?: string;
}

export class BuildCache {
  private readonly dir: string;

  constructor(layout: Layout) {
    this.dir = path.join(layout.root, 'build-cache');
  }

  private file(key: CacheKey): string {
    return path.join(this.dir, sha256(JSON.stringify([key.parent, key.instruction, key.sources ?? ''])));
  }

  get(key: CacheKey): string | undefined {
    try {
      const id = fs.readFileSync(this.file(key), 'utf8').split('\n')[0];
      return /^sha256:[a-f0-9]{64}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  put(key: CacheKey, imageId: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const f = this.file(key);
    const tmp = `${f}.${process.pid}.tmp`;
    // the second line names the step's parent: `images` hides an untagged parent of a built image, as docker does
    fs.writeFileSync(tmp, `${imageId}\n${key.parent}\n`);
    fs.renameSync(tmp, f); // atomic: a reader sees the old id or the new one
  }

  /** The image ids some cached step was built on (docker's "images with children"). */
  parents(): Set<string> {
    const out = new Set<string>();
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const n of names) {
      if (n.endsWith('.tmp')) continue;
      try {
        const parent = fs.readFileSync(path.join(this.dir, n), 'utf8').split('\n')[1];
        if (parent && parent.startsWith('sha256:')) out.add(parent);
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }
}
