// --userns and --uidmap/--gidmap: whether a container gets a user namespace, and which host ids
// its ids map to. Root inside then is an unprivileged id outside. "auto" hands each container a
// range of its own from a pool no host user's subordinate ids overlap.
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../../errors/errors';
import type { IdMapping } from '../../runtime/spec';

export interface IdMappings {
  uid: IdMapping[];
  gid: IdMapping[];
}

export type UsernsRequest =
  | { mode: 'host' }
  | { mode: 'auto'; size: number }
  | { mode: 'private'; maps: IdMappings };

export const AUTO_SIZE = 65536;
/** Where automatic ranges come from when /etc/subuid has no "mydocker" entry: far above the
 *  ranges useradd hands out (100000 + 65536 per user). */
export const DEFAULT_POOL = { start: 2 ** 30, size: 2 ** 30 };
const MAX_ID = 2 ** 32 - 2;

export function parseIdMap(value: string, flag: string): IdMapping {
  const m = /^(\d+):(\d+):(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`invalid ${flag} "${value}": expected CONTAINER_ID:HOST_ID:SIZE`);
  const [containerID, hostID, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (size < 1 || containerID + size - 1 > MAX_ID || hostID + size - 1 > MAX_ID) {
    throw new InvalidArgumentError(`invalid ${flag} "${value}": the range is empty or past the largest id`);
  }
  return { containerID, hostID, size };
}

function checkDisjoint(maps: IdMapping[], flag: string): void {
  const overlaps = (a0: number, an: number, b0: number, bn: number) => a0 < b0 + bn && b0 < a0 + an;
  for (let i = 0; i < maps.length; i++) {
    for (let j = i + 1; j < maps.length; j++) {
      const [a, b] = [maps[i], maps[j]];
      if (overlaps(a.containerID, a.size, b.containerID, b.size) || overlaps(a.hostID, a.size, b.hostID, b.size)) {
        throw new InvalidArgumentError(`invalid ${flag}: ranges ${a.containerID}:${a.hostID}:${a.size} and ${b.containerID}:${b.hostID}:${b.size} overlap`);
      }
    }
  }
}

export function parseUserns(userns: string | undefined, uidmaps: string[], gidmaps: string[]): UsernsRequest {
  const mode = userns ?? '';
  if (uidmaps.length || gidmaps.length) {
    if (mode !== '' && mode !== 'private') throw new InvalidArgumentError(`--userns=${mode} cannot be combined with --uidmap or --gidmap`);
    const uid = (uidmaps.length ? uidmaps : gidmaps).map((v) => parseIdMap(v, uidmaps.length ? '--uidmap' : '--gidmap'));
    const gid = (gidmaps.length ? gidmaps : uidmaps).map((v) => parseIdMap(v, gidmaps.length ? '--gidmap' : '--uidmap'));
    checkDisjoint(uid, '--uidmap');
    checkDisjoint(gid, '--gidmap');
    return { mode: 'private', maps: { uid, gid } };
  }
  if (mode === '' || mode === 'host') return { mode: 'host' };
  const auto = /^auto(?::size=(\d+))?$/.exec(mode);
  if (auto) {
    const size = auto[1] === undefined ? AUTO_SIZE : Number(auto[1]);
    if (size < 1 || size > 2 ** 24) throw new InvalidArgumentError(`invalid --userns=${mode}: size must be between 1 and ${2 ** 24}`);
    return { mode: 'auto', size };
  }
  throw new InvalidArgumentError(`invalid --userns "${mode}": use host, auto[:size=N], or --uidmap/--gidmap`);
}

export interface Range { start: number; size: number }

/** /etc/subuid-style lines "name:start:count". */
export function parseSubidFile(text: string): { name: string; start: number; size: number }[] {
  return text.split('\n').flatMap((line) => {
    const m = /^([^:#\s]+):(\d+):(\d+)\s*$/.exec(line);
    return m ? [{ name: m[1], start: Number(m[2]), size: Number(m[3]) }] : [];
  });
}

/** The pool "auto" allocates from, and the ranges it must stay clear of (other users' subids). */
export function autoPool(subuid: string, subgid: string): { pool: Range[]; reserved: Range[] } {
  const entries = [...parseSubidFile(subuid), ...parseSubidFile(subgid)];
  const own = entries.filter((e) => e.name === 'mydocker');
  if (own.length) return { pool: own, reserved: [] };
  return { pool: [DEFAULT_POOL], reserved: entries };
}

export function readAutoPool(): { pool: Range[]; reserved: Range[] } {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  return autoPool(read('/etc/subuid'), read('/etc/subgid'));
}

/** The lowest free range of `size` ids in the pool: clear of ranges in use and of reserved ones. */
export function allocateRange(size: number, pool: Range[], taken: Range[]): number {
  const busy = [...taken].sort((a, b) => a.start - b.start);
  for (const p of pool) {
    let start = p.start;
    for (;;) {
      if (start + size > p.start + p.size) break;
      const clash = busy.find((b) => start < b.start + b.size && b.start < start + size);
      if (!clash) return start;
      start = clash.start + clash.size;
    }
  }
  throw new InvalidArgumentError(`--userns=auto: no free range of ${size} ids is left in the pool`);
}

/** uid_map/gid_map file contents. */
export function mapText(maps: IdMapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/** The host id a container id maps to (undefined: unmapped, shown as nobody). */
export function toHost(maps: IdMapping[], id: number): number | undefined {
  const m = maps.find((r) => id >= r.containerID && id < r.containerID + r.size);
  return m ? m.hostID + (id - m.containerID) : undefined;
}

/** The container id a host id shows as inside (undefined: unmapped). */
export function toContainer(maps: IdMapping[], id: number): number | undefined {
  const m = maps.find((r) => id >= r.hostID && id < r.hostID + r.size);
  return m ? m.containerID + (id - m.hostID) : undefined;
}

export const formatMaps = (maps: IdMapping[]) => maps.map((m) => `${m.containerID}:${m.hostID}:${m.size}`);
