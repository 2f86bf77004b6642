// The user namespace's id maps: the user's own uid becomes 0, and its subordinate ids from
// /etc/subuid (/etc/subgid) follow from 1 up. newuidmap/newgidmap check the same files again.
import { FailedPreconditionError } from '../errors/errors';
import { parseSubidFile } from '../engine/security/userns';

export interface UserIds { name: string; uid: number; gid: number }

/** newuidmap's arguments after the pid: "0 UID 1 1 START COUNT ...". */
export function idMapArgs(user: UserIds, kind: 'uid' | 'gid', subidText: string): string {
  const own = kind === 'uid' ? user.uid : user.gid;
  const file = kind === 'uid' ? '/etc/subuid' : '/etc/subgid';
  const ranges = parseSubidFile(subidText).filter((e) => e.name === user.name || e.name === String(user.uid));
  if (!ranges.length) {
    throw new FailedPreconditionError(`rootless mode needs subordinate ids: ${file} has no range for ${user.name}`, {
      hint: `as root: usermod --add-sub${kind}s 100000-165535 ${user.name}`,
    });
  }
  const parts = [`0 ${own} 1`];
  let next = 1;
  for (const r of ranges) {
    parts.push(`${next} ${r.start} ${r.size}`);
    next += r.size;
  }
  return parts.join(' ');
}
