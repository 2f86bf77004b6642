// Whether this process runs in a user namespace other than the host's. The rootless CLI re-executes
// itself in one (src/rootless/), and then the engine is "root" only there: no host cgroups, no
// bridges, no mknod. The kernel's id map is the fact; an environment variable could be inherited.
import * as fs from 'node:fs';

/** The initial user namespace maps every id to itself: one line "0 0 4294967295". */
export function isInitialUidMap(text: string): boolean {
  const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/));
  return lines.length === 1 && lines[0][0] === '0' && lines[0][1] === '0' && lines[0][2] === '4294967295';
}

let cached: boolean | undefined;

export function inUserNamespace(): boolean {
  if (cached === undefined) {
    try {
      cached = !isInitialUidMap(fs.readFileSync('/proc/self/uid_map', 'utf8'));
    } catch {
      cached = false;
    }
  }
  return cached;
}
