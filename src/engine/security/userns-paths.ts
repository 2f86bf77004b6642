// In a user namespace the container's root is an unprivileged id on the host: it can reach the
// rootfs and bind-mount sources only through directories that others may search. Directories
// mydocker owns get o+x (search, not read: nothing can be listed); any other one must already
// allow it, or the start fails here with the directory named, not later with a bare EACCES.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../../errors/errors';

export function openPathsForUserns(paths: string[], ownedRoots: string[]): void {
  const done = new Set<string>();
  for (const p of paths) {
    for (let dir = path.dirname(path.resolve(p)); !done.has(dir); dir = path.dirname(dir)) {
      done.add(dir);
      const st = fs.statSync(dir);
      if (!(st.mode & 0o001)) {
        if (ownedRoots.some((r) => dir === r || dir.startsWith(r + '/'))) fs.chmodSync(dir, (st.mode & 0o7777) | 0o001);
        else {
          throw new FailedPreconditionError(
            `a container in a user namespace cannot reach ${p}: ${dir} is not searchable by others (mode ${(st.mode & 0o777).toString(8)})`,
          );
        }
      }
      if (dir === '/') break;
    }
  }
}
