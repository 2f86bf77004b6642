// A container's processes when it has no cgroup to list them (rootless mode): the processes in its
// init's pid namespace, or, sharing the host's, the init and its descendants.
import * as fs from 'node:fs';

function nsLink(pid: number | 'self'): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function pidsOfInit(initPid: number): number[] {
  const target = nsLink(initPid);
  if (!target) return [];
  const all = fs.readdirSync('/proc').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  if (target !== nsLink('self')) return all.filter((p) => nsLink(p) === target);
  const parents = new Map(all.map((p) => [p, parentOf(p)] as const));
  const inTree = (p: number): boolean => {
    for (let q: number | undefined = p, hops = 0; q && hops < 4096; q = parents.get(q), hops++) if (q === initPid) return true;
    return false;
  };
  return all.filter(inTree);
}
