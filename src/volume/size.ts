// Disk usage the way docker counts it (pkg/directory.Size): the apparent size of every entry that is not a
// directory, each inode once (hardlinks), never following symlinks or crossing into other mounts.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function dirSize(root: string): number {
  let rootStat: fs.Stats;
  try {
    rootStat = fs.lstatSync(root);
  } catch {
    return 0;
  }
  if (!rootStat.isDirectory()) return rootStat.size;
  const seen = new Set<number>();
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue; // removed meanwhile, or unreadable
    }
    for (const name of names) {
      const p = path.join(dir, name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (st.dev === rootStat.dev) stack.push(p);
        continue;
      }
      if (seen.has(st.ino)) continue;
      seen.add(st.ino);
      total += st.size;
    }
  }
  return total;
}
