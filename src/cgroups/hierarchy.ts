// Where the host mounts its cgroup hierarchies and which version each one is: v1, v2, or hybrid
// (v1 controllers plus a cgroup2 mount that holds what v1 does not, like this project's CI host).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inUserNamespace } from '../sys/rootless';

export type CgroupMode = 'v1' | 'v2' | 'hybrid';

export interface Hierarchy {
  version: 1 | 2;
  /** Host mount point, e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup/unified. */
  mountpoint: string;
  /** v1: the controllers of this hierarchy (named ones as "name=systemd"); v2: the enabled controllers. */
  controllers: string[];
  /** This process's cgroup in the hierarchy (from /proc/self/cgroup): where relative paths nest. */
  ownPath: string;
}

export interface HostCgroups {
  mode: CgroupMode;
  hierarchies: Hierarchy[];
  /** Why no cgroup may be made here (rootless mode): then `hierarchies` is empty and limits are refused. */
  unusable?: string;
}

export interface MountinfoEntry {
  mountpoint: string;
  fstype: string;
  superOptions: string[];
}

export function parseMountinfo(text: string): MountinfoEntry[] {
  const entries: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 0 || fields.length < sep + 4) continue;
    entries.push({
      mountpoint: unescapeMountPath(fields[4]),
      fstype: fields[sep + 1],
      superOptions: fields[sep + 3].split(','),
    });
  }
  return entries;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** /proc/self/cgroup: "4:memory:/a/b" (v1) and "0::/a" (v2) → controller key → path. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    out.set(m[2] === '' ? '' : m[2], m[3]);
  }
  return out;
}

const V1_IGNORED = new Set(['rw', 'ro', 'none', 'relatime', 'noatime', 'nosuid', 'nodev', 'noexec', 'clone_children', 'xattr', 'cpuset_v2_mode', 'noprefix']);

export function detectFrom(mountinfo: string, procCgroup: string, readControllers: (mountpoint: string) => string): HostCgroups {
  const own = parseProcCgroup(procCgroup);
  const hierarchies: Hierarchy[] = [];
  const seen = new Set<string>();
  for (const e of parseMountinfo(mountinfo)) {
    if (e.fstype !== 'cgroup' && e.fstype !== 'cgroup2') continue;
    if (e.fstype === 'cgroup') {
      const controllers = e.superOptions.filter((o) => !V1_IGNORED.has(o) && !o.startsWith('release_agent='));
      const key = controllers.join(',');
      if (seen.has(key)) continue; // the same hierarchy mounted twice
      seen.add(key);
      hierarchies.push({ version: 1, mountpoint: e.mountpoint, controllers, ownPath: own.get(key) ?? '/' });
    } else {
      if (seen.has('')) continue;
      seen.add('');
      const controllers = readControllers(e.mountpoint).split(/\s+/).filter(Boolean);
      hierarchies.push({ version: 2, mountpoint: e.mountpoint, controllers, ownPath: own.get('') ?? '/' });
    }
  }
  const v1 = hierarchies.some((h) => h.version === 1);
  const v2 = hierarchies.some((h) => h.version === 2);
  const mode: CgroupMode = v1 && v2 ? 'hybrid' : v2 ? 'v2' : 'v1';
  return { mode, hierarchies };
}

let cached: HostCgroups | undefined;

export function detectHostCgroups(): HostCgroups {
  if (!cached) {
    cached = detectFrom(
      fs.readFileSync('/proc/self/mountinfo', 'utf8'),
      fs.readFileSync('/proc/self/cgroup', 'utf8'),
      (mp) => {
        try {
          return fs.readFileSync(path.join(mp, 'cgroup.controllers'), 'utf8');
        } catch {
          return '';
        }
      },
    );
    if (inUserNamespace()) cached = withoutCgroups(cached);
  }
  return cached;
}

/**
 * In a user namespace the host's cgroup trees belong to the real root. Only a cgroup v2 subtree
 * that systemd delegated to the user could be written, and that is not supported yet: containers
 * then run in the caller's own cgroup, and any limit is refused (src/engine/resources.ts).
 */
export function withoutCgroups(host: HostCgroups): HostCgroups {
  const why = host.mode === 'v2'
    ? 'rootless mode does not use cgroup v2 delegation yet'
    : `rootless mode cannot use cgroups on this ${host.mode === 'hybrid' ? 'hybrid (v1 + v2)' : 'cgroup v1'} host: only cgroup v2 can be delegated to a user`;
  return { mode: host.mode, hierarchies: [], unusable: why };
}
