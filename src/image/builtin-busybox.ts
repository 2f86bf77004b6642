// The built-in default image busybox:latest, made on first use from the host's static busybox (Debian package
// busybox-static): one layer with /bin/busybox, a symlink per applet, the usual directories and minimal
// /etc/passwd and /etc/group like docker's busybox image. The layer tar is deterministic — every time is the
// binary's own mtime, every owner root — so the same binary always gives the same diffID and image ID.
// Two processes creating it at once serialize on the "image-builtin" lock; the second finds it made.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { FailedPreconditionError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Layout } from '../store/layout';
import { buildTar, type TarInput } from '../archive/tar-writer';
import type { ImageConfig } from './oci';
import { withLock } from '../store/lock';
import type { ImageRecord, ImageStore } from './store';

export const BUILTIN_IMAGE = 'busybox:latest';
export const DEFAULT_BUSYBOX_BINARY = '/bin/busybox';
const PACKAGE_HINT = 'install the Debian package busybox-static (apt-get install busybox-static)';

export const BUSYBOX_CONFIG: ImageConfig = {
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  Cmd: ['sh'],
};

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:8:
www-data:x:33:
operator:x:37:
users:x:100:
nogroup:x:65534:
`;

const DIRS: [string, number][] = [
  ['bin', 0o755], ['sbin', 0o755], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['etc', 0o755],
  ['root', 0o700], ['tmp', 0o1777], ['home', 0o755], ['var', 0o755], ['var/spool', 0o755], ['var/spool/mail', 0o755],
  ['var/www', 0o755], ['proc', 0o555], ['sys', 0o555], ['dev', 0o755], ['run', 0o755],
];

/** Throws unless `binary` exists and is a statically linked ELF executable (no PT_INTERP). */
export function checkStaticBinary(binary: string): void {
  let data: Buffer;
  try {
    data = fs.readFileSync(binary);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FailedPreconditionError(`the built-in busybox image needs ${binary}, which does not exist`, { hint: PACKAGE_HINT });
    throw err;
  }
  if (data.length < 64 || data.readUInt32BE(0) !== 0x7f454c46 || data[5] !== 1) throw new FailedPreconditionError(`${binary} is not a little-endian ELF executable`, { hint: PACKAGE_HINT });
  const is64 = data[4] === 2;
  const phoff = is64 ? Number(data.readBigUInt64LE(0x20)) : data.readUInt32LE(0x1c);
  const phentsize = data.readUInt16LE(is64 ? 0x36 : 0x2a);
  const phnum = data.readUInt16LE(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > data.length) break;
    if (data.readUInt32LE(off) === 3 /* PT_INTERP */) {
      throw new FailedPreconditionError(`${binary} is dynamically linked: it cannot run in an image without a C library`, { hint: PACKAGE_HINT });
    }
  }
}

const APPLET_PATH_RE = /^(?:[A-Za-z0-9_.[\]-]+\/)*[A-Za-z0-9_.[\]-]+$/;

/** The layer tar for `binary`, and the time stamped on everything in it. */
export function buildBusyboxLayer(binary: string): { tar: Buffer; mtime: number; applets: number } {
  checkStaticBinary(binary);
  const mtime = Math.floor(fs.statSync(binary).mtimeMs / 1000);
  const list = execFileSync(binary, ['--list-full'], { encoding: 'utf8' });
  const applets = [...new Set(list.split('\n').map((l) => l.trim()))]
    .filter((p) => p !== '' && p !== 'bin/busybox' && APPLET_PATH_RE.test(p) && !p.split('/').includes('..'))
    .sort();
  const dirs = new Map(DIRS);
  for (const a of applets) {
    const parts = a.split('/');
    for (let i = 1; i < parts.length; i++) if (!dirs.has(parts.slice(0, i).join('/'))) dirs.set(parts.slice(0, i).join('/'), 0o755);
  }
  const inputs: TarInput[] = [
    ...[...dirs].map(([p, mode]): TarInput => ({ entry: { path: p, type: 'dir', mode, mtime } })),
    { entry: { path: 'bin/busybox', type: 'file', mode: 0o755, mtime }, body: fs.readFileSync(binary) },
    { entry: { path: 'etc/passwd', type: 'file', mode: 0o644, mtime }, body: PASSWD },
    { entry: { path: 'etc/group', type: 'file', mode: 0o644, mtime }, body: GROUP },
    ...applets.map((a): TarInput => ({ entry: { path: a, type: 'symlink', linkpath: '/bin/busybox', mtime } })),
  ];
  inputs.sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0));
  return { tar: buildTar(inputs), mtime, applets: applets.length };
}

type BuiltinStore = Pick<ImageStore, 'find' | 'addLayer' | 'createImage'>;

/** Returns busybox:latest, building it first when it is missing (once, under a lock). */
export async function ensureBuiltinBusybox(store: BuiltinStore, layout: Layout, log: Logger, binary: string): Promise<ImageRecord> {
  return withLock(layout, 'image-builtin', async () => {
    const existing = await store.find(BUILTIN_IMAGE);
    if (existing) return existing;
    const { tar, mtime, applets } = buildBusyboxLayer(binary);
    const layer = await store.addLayer(Readable.from([tar]));
    const created = new Date(mtime * 1000).toISOString();
    const record = await store.createImage(
      [layer.diffId],
      BUSYBOX_CONFIG,
      BUILTIN_IMAGE,
      [{ created_by: `mydocker: built-in image from ${binary} (${applets} applets)`, comment: 'built from the host static busybox' }],
      { created },
    );
    log.step('image', 'image-builtin', { ref: BUILTIN_IMAGE, binary });
    return record;
  });
}
