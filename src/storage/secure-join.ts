// Resolve a path inside a root directory the way the container will see it: symlinks are
// followed, but always re-anchored at the root, and ".." never climbs above it (runc's securejoin).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';

const MAX_SYMLINKS = 255;

export function secureJoin(root: string, unsafePath: string): string {
  const parts = unsafePath.split('/');
  const resolved: string[] = [];
  let links = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(candidate);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (!st?.isSymbolicLink()) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links in ${unsafePath}`);
    const target = fs.readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    parts.unshift(...target.split('/'));
  }
  return path.join(root, ...resolved);
}

/** mkdir -p inside the root, each component resolved with secureJoin. */
export function mkdirInRoot(root: string, unsafePath: string, mode = 0o755): string {
  const target = secureJoin(root, unsafePath);
  fs.mkdirSync(target, { recursive: true, mode });
  return target;
}
