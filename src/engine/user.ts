// -u/--user and the image's User: "name", "uid", "name:group", "uid:gid", resolved against the
// container's own /etc/passwd and /etc/group (read inside its rootfs, never the host's).
import { InvalidArgumentError } from '../errors/errors';
import { readFileInRoot } from '../storage/root-fd';

export interface PasswdEntry { name: string; uid: number; gid: number; home: string; }
export interface GroupEntry { name: string; gid: number; members: string[]; }

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#') || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return [];
    return [{ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] }];
  });
}

export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#') || !/^\d+$/.test(f[2])) return [];
    return [{ name: f[0], gid: Number(f[2]), members: f[3].split(',').filter(Boolean) }];
  });
}

const isId = (s: string) => /^\d+$/.test(s);

/**
 * Pure resolution, with docker's rules: "" (and ":group") is uid 0 as passwd names it; a numeric uid
 * absent from passwd runs with gid 0 and HOME=/. The supplementary groups are the primary gid, then
 * (only when no group was given) the groups that list the user as a member: docker puts the primary
 * gid first (moby's getUser), so `id` shows it under groups= as it does under docker and podman.
 */
export function resolveUser(spec: string, passwd: PasswdEntry[], groups: GroupEntry[]): ResolvedUser {
  const [userPart, groupPart] = spec.split(':', 2);
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (!userPart) {
    uid = 0;
    entry = passwd.find((p) => p.uid === 0);
  } else if (isId(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid;
  }
  if (uid > 0xfffffffe) throw new InvalidArgumentError(`uid ${uid} out of range`);
  let gid = entry?.gid ?? 0;
  const explicitGroup = groupPart !== undefined && groupPart !== '';
  if (explicitGroup) {
    if (isId(groupPart)) {
      gid = Number(groupPart);
    } else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new InvalidArgumentError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  const memberOf = entry && !explicitGroup ? groups.filter((g) => g.members.includes(entry!.name)).map((g) => g.gid) : [];
  const additionalGids = [...new Set([gid, ...memberOf])];
  // root keeps /root without a passwd entry (the engine's long-standing default); others get docker's "/"
  return { uid, gid, additionalGids, home: entry?.home || (userPart ? '/' : '/root') };
}

function readInRoot(rootfs: string, file: string): string {
  return readFileInRoot(rootfs, file) ?? '';
}

/** --group-add: names from the container's /etc/group, or numbers; joined after the user's own groups. */
export function resolveGroupAdd(groups: string[], entries: GroupEntry[]): number[] {
  return groups.map((g) => {
    if (isId(g)) return Number(g);
    const e = entries.find((x) => x.name === g);
    if (!e) throw new InvalidArgumentError(`unable to find group ${g}: no matching entries in group file`);
    return e.gid;
  });
}

export function resolveUserInRootfs(rootfs: string, spec: string, groupAdd: string[] = []): ResolvedUser {
  const groups = parseGroup(readInRoot(rootfs, '/etc/group'));
  const user = resolveUser(spec, parsePasswd(readInRoot(rootfs, '/etc/passwd')), groups);
  const extra = resolveGroupAdd(groupAdd, groups).filter((g) => !user.additionalGids.includes(g));
  return extra.length ? { ...user, additionalGids: [...user.additionalGids, ...extra] } : user;
}
