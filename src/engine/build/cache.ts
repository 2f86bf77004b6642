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
      const id = fs.readFileSync(this.file(key), 'utf8').trim();
      return /^sha256:[a-f0-9]{64}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  put(key: CacheKey, imageId: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const f = this.file(key);
    const tmp = `${f}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${imageId}\n`);
    fs.renameSync(tmp, f); // atomic: a reader sees the old id or the new one
  }
}
