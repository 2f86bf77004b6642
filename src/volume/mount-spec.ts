// docker's mount flags, parsed and checked (pure): -v/--volume, --mount, --tmpfs, and the image's VOLUME list.
//   -v /host:/ctr[:opts]   bind (a missing host path is created as a directory at start, like docker)
//   -v NAME:/ctr[:opts]    named volume (created on first use, seeded from the image unless nocopy)
//   -v /ctr                anonymous volume (seeded too)
//   --mount type=bind|volume|tmpfs,source=…,target=…,readonly,bind-propagation=…,volume-nocopy,volume-label=k=v,
//           tmpfs-size=…,tmpfs-mode=…
//   --tmpfs /ctr[:size=64m,mode=1777,…]
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';

export const VOLUME_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

export interface BindRequest {
  type: 'bind';
  source: string;
  destination: string;
  readOnly: boolean;
  /** rprivate unless given. */
  propagation: string;
  /** -v creates a missing host path as a directory; --mount refuses it (docker's two behaviours). */
  createSource: boolean;
  /** The mode as given after the second colon (-v), for inspect. */
  mode: string;
}

export interface VolumeRequest {
  type: 'volume';
  /** undefined: an anonymous volume. */
  name?: string;
  destination: string;
  readOnly: boolean;
  /** Do not seed the volume from the image (volume-nocopy, :nocopy). */
  noCopy: boolean;
  /** Labels for the volume if this mount creates it (--mount volume-label=…). */
  labels: Record<string, string>;
  mode: string;
}

export interface TmpfsRequest {
  type: 'tmpfs';
  destination: string;
  readOnly: boolean;
  /** Mount options after docker's defaults (noexec, nosuid, nodev); later ones win. */
  options: string[];
}

export type MountRequest = BindRequest | VolumeRequest | TmpfsRequest;

/** Absolute, lexically clean, never "/". */
export function cleanDestination(dest: string, what: string): string {
  if (!dest) throw new InvalidArgumentError(`invalid mount config for ${what}: the target is empty`);
  if (!dest.startsWith('/')) {
    throw new InvalidArgumentError(`invalid mount config for ${what}: invalid mount path: '${dest}' mount path must be absolute`);
  }
  if (dest.includes('\0')) throw new InvalidArgumentError(`invalid mount config for ${what}: the target holds a NUL byte`);
  const clean = path.posix.normalize(dest).replace(/\/+$/, '') || '/';
  if (clean === '/') throw new InvalidArgumentError(`invalid mount config for ${what}: destination can't be '/'`);
  return clean;
}

function cleanHostPath(source: string, what: string): string {
  if (!source.startsWith('/')) {
    throw new InvalidArgumentError(`invalid mount config for ${what}: invalid mount path: '${source}' mount path must be absolute`);
  }
  if (source.includes('\0')) throw new InvalidArgumentError(`invalid mount config for ${what}: the source holds a NUL byte`);
  return path.posix.normalize(source).replace(/(.)\/+$/, '$1');
}

export function validateVolumeName(name: string): void {
  if (!VOLUME_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`,
      { hint: 'if you intended to pass a host directory, use an absolute path' },
    );
  }
}

/** -v SPEC */
export function parseVolumeFlag(spec: string): MountRequest {
  const what = `-v ${spec}`;
  const parts = spec.split(':');
  if (parts.length > 3) throw new InvalidArgumentError(`invalid volume specification: '${spec}': too many colons`);
  if (parts.some((p) => p === '')) throw new InvalidArgumentError(`invalid volume specification: '${spec}': empty section between colons`);
  if (parts.length === 1) {
    return { type: 'volume', destination: cleanDestination(parts[0], what), readOnly: false, noCopy: false, labels: {}, mode: '' };
  }
  const [source, dest, mode = ''] = parts;
  const isBind = source.startsWith('/');
  const m = parseMode(mode, isBind, spec);
  const destination = cleanDestination(dest, what);
  if (isBind) {
    return {
      type: 'bind', source: cleanHostPath(source, what), destination, readOnly: m.readOnly, propagation: m.propagation ?? 'rprivate',
      createSource: true, mode,
    };
  }
  validateVolumeName(source);
  return { type: 'volume', name: source, destination, readOnly: m.readOnly, noCopy: m.noCopy, labels: {}, mode };
}

/** The third part of -v: rw|ro, z|Z (SELinux, accepted and ignored), nocopy (volumes), a propagation (binds). */
function parseMode(mode: string, isBind: boolean, spec: string): { readOnly: boolean; noCopy: boolean; propagation?: string } {
  let rw: string | undefined;
  let propagation: string | undefined;
  let noCopy = false;
  let label = false;
  const bad = (why: string) => new InvalidArgumentError(`invalid mode: ${mode} in volume specification '${spec}': ${why}`);
  for (const opt of mode ? mode.split(',') : []) {
    if (opt === 'ro' || opt === 'rw') {
      if (rw) throw bad('rw and ro given twice');
      rw = opt;
    } else if (opt === 'z' || opt === 'Z') {
      if (label) throw bad('z and Z given twice');
      label = true;
    } else if (opt === 'nocopy') {
      if (isBind) throw bad('nocopy is only for volumes');
      noCopy = true;
    } else if (PROPAGATIONS.has(opt)) {
      if (!isBind) throw bad('a propagation mode is only for bind mounts');
      if (propagation) throw bad('more than one propagation mode');
      propagation = opt;
    } else {
      throw bad(`unknown option ${JSON.stringify(opt)}`);
    }
  }
  return { readOnly: rw === 'ro', noCopy, ...(propagation ? { propagation } : {}) };
}

/** docker reads --mount values as one CSV record: commas separate fields, double quotes protect them. */
export function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (quoted) throw new InvalidArgumentError(`invalid --mount ${JSON.stringify(text)}: unterminated quote`);
  fields.push(cur);
  return fields;
}

function parseBool(value: string | undefined, key: string, field: string): boolean {
  if (value === undefined) return true;
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new InvalidArgumentError(`invalid value for ${key}: ${JSON.stringify(value)} in --mount field '${field}'`);
}

/** go-units RAMInBytes: 64m, 1g, 512k, 1024 (binary units). */
export function parseMemoryBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[m[2].toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

/** --mount SPEC */
export function parseMountFlag(spec: string): MountRequest {
  const what = `--mount ${spec}`;
  let type = 'volume';
  let source: string | undefined;
  let target: string | undefined;
  let readOnly = false;
  let propagation: string | undefined;
  let noCopy = false;
  const labels: Record<string, string> = {};
  let size: number | undefined;
  let mode: number | undefined;
  const used = { bind: false, volume: false, tmpfs: false };
  for (const field of splitCsv(spec)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    const need = (): string => {
      if (value === undefined) throw new InvalidArgumentError(`invalid field '${field}' in --mount ${spec}: must be a key=value pair`);
      return value;
    };
    switch (key) {
      case 'type':
        type = need();
        if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
          throw new InvalidArgumentError(`invalid mount type ${JSON.stringify(type)} in --mount ${spec}: use bind, volume or tmpfs`);
        }
        break;
      case 'source': case 'src':
        source = need();
        break;
      case 'target': case 'destination': case 'dst':
        target = need();
        break;
      case 'readonly': case 'ro':
        readOnly = parseBool(value, key, field);
        break;
      case 'bind-propagation':
        propagation = need();
        if (!PROPAGATIONS.has(propagation)) throw new InvalidArgumentError(`invalid bind-propagation ${JSON.stringify(propagation)} in --mount ${spec}`);
        used.bind = true;
        break;
      case 'volume-nocopy':
        noCopy = parseBool(value, key, field);
        used.volume = true;
        break;
      case 'volume-label': {
        const kv = need();
        const i = kv.indexOf('=');
        labels[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : kv.slice(i + 1);
        used.volume = true;
        break;
      }
      case 'volume-driver':
        if (need() !== 'local') throw new InvalidArgumentError(`volume driver ${JSON.stringify(value)} is not supported: only "local"`);
        used.volume = true;
        break;
      case 'volume-opt':
        throw new InvalidArgumentError(`volume-opt is not supported: the local driver keeps volumes as directories under the store`);
      case 'tmpfs-size':
        size = parseMemoryBytes(need());
        if (size === undefined) throw new InvalidArgumentError(`invalid tmpfs-size ${JSON.stringify(value)} in --mount ${spec}: use bytes or a size like 64m`);
        used.tmpfs = true;
        break;
      case 'tmpfs-mode':
        if (!/^[0-7]{1,4}$/.test(need())) throw new InvalidArgumentError(`invalid tmpfs-mode ${JSON.stringify(value)} in --mount ${spec}: use octal like 1777`);
        mode = parseInt(value ?? '', 8);
        used.tmpfs = true;
        break;
      case 'consistency':
        need(); // macOS only in docker; accepted and ignored
        break;
      default:
        throw new InvalidArgumentError(`unexpected key '${key}' in '${field}' of --mount ${spec}`);
    }
  }
  for (const other of ['bind', 'volume', 'tmpfs'] as const) {
    if (used[other] && other !== type) throw new InvalidArgumentError(`cannot mix '${other}-*' options with mount type '${type}'`);
  }
  if (target === undefined) throw new InvalidArgumentError(`invalid --mount ${spec}: target is required`);
  const destination = cleanDestination(target, what);
  if (type === 'bind') {
    if (!source) throw new InvalidArgumentError(`invalid mount config for type "bind": field Source must not be empty (--mount ${spec})`);
    return { type, source: cleanHostPath(source, what), destination, readOnly, propagation: propagation ?? 'rprivate', createSource: false, mode: '' };
  }
  if (type === 'tmpfs') {
    if (source) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": source must not be specified (--mount ${spec})`);
    const options = [...(size !== undefined ? [`size=${size}`] : []), `mode=${(mode ?? 0o1777).toString(8)}`];
    return { type, destination, readOnly, options };
  }
  if (source) validateVolumeName(source);
  return { type: 'volume', ...(source ? { name: source } : {}), destination, readOnly, noCopy, labels, mode: '' };
}

const TMPFS_FLAGS = new Set([
  'ro', 'rw', 'exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev', 'sync', 'async', 'dirsync', 'atime', 'noatime',
  'diratime', 'nodiratime', 'relatime', 'norelatime', 'strictatime', 'nostrictatime', 'mand', 'nomand',
]);
const TMPFS_DATA = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol', 'huge']);

/** --tmpfs /path[:opt,opt…] */
export function parseTmpfsFlag(spec: string): TmpfsRequest {
  const colon = spec.indexOf(':');
  const dest = colon < 0 ? spec : spec.slice(0, colon);
  const opts = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter((o) => o !== '');
  for (const o of opts) {
    const key = o.split('=', 1)[0];
    if (o.includes('=') ? !TMPFS_DATA.has(key) : !TMPFS_FLAGS.has(o)) {
      throw new InvalidArgumentError(`invalid tmpfs option ${JSON.stringify(o)} in --tmpfs ${spec}`);
    }
    if (key === 'mode' && !/^mode=[0-7]{1,4}$/.test(o)) throw new InvalidArgumentError(`invalid tmpfs option ${JSON.stringify(o)}: mode is octal`);
    if (key === 'size' && !/^size=\d+[kmg%]?$/i.test(o)) throw new InvalidArgumentError(`invalid tmpfs option ${JSON.stringify(o)}: size is bytes, or a number with k, m, g or %`);
  }
  const readOnly = opts.filter((o) => o === 'ro' || o === 'rw').pop() === 'ro';
  return { type: 'tmpfs', destination: cleanDestination(dest, `--tmpfs ${spec}`), readOnly, options: opts.filter((o) => o !== 'ro' && o !== 'rw') };
}

/** Every user mount, refusing two at one destination; then the image's VOLUMEs that no user mount covers. */
export function collectMountRequests(
  flags: { volumes: readonly string[]; mounts: readonly string[]; tmpfs: readonly string[] },
  imageVolumes: readonly string[] = [],
): MountRequest[] {
  const requests = [
    ...flags.volumes.map(parseVolumeFlag),
    ...flags.mounts.map(parseMountFlag),
    ...flags.tmpfs.map(parseTmpfsFlag),
  ];
  const seen = new Set<string>();
  for (const r of requests) {
    if (seen.has(r.destination)) throw new InvalidArgumentError(`duplicate mount point: ${r.destination}`);
    seen.add(r.destination);
  }
  for (const v of imageVolumes) {
    let dest: string;
    try {
      dest = cleanDestination(v, `the image's VOLUME ${v}`);
    } catch {
      continue; // docker skips what it cannot use ("/", relative paths)
    }
    if (seen.has(dest)) continue;
    seen.add(dest);
    requests.push({ type: 'volume', destination: dest, readOnly: false, noCopy: false, labels: {}, mode: '' });
  }
  return requests;
}

/** Parents before children: /data before /data/sub (docker sorts by path depth). */
export function byMountOrder<T extends { Destination: string }>(a: T, b: T): number {
  const depth = (d: string) => d.split('/').length;
  return depth(a.Destination) - depth(b.Destination) || (a.Destination < b.Destination ? -1 : a.Destination > b.Destination ? 1 : 0);
}
