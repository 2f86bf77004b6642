// The chapter-7 app's images (fixtures/compose-app), put into a test's mydocker store without a registry:
// fixtures/make-app-images.sh builds one Debian rootfs (debootstrap; once per machine, cached under
// /var/cache/mydocker-test-images) and imports it twice, as mydocker-test/redis and mydocker-test/flask.
// A cache hit costs the two imports (137 MB each; about 7 s on an idle 2-CPU machine); the first build ~45 s more.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './sandbox';
import { runCommand } from './host';

export const REDIS_IMAGE = 'mydocker-test/redis';
export const FLASK_IMAGE = 'mydocker-test/flask';
export const MAKE_APP_IMAGES = path.join(REPO, 'test', 'fixtures', 'make-app-images.sh');
export const COMPOSE_APP = path.join(REPO, 'test', 'fixtures', 'compose-app');

const CACHE = process.env.MYDOCKER_TEST_IMAGE_CACHE ?? '/var/cache/mydocker-test-images';

/** Why the images cannot be made here, or false. */
export function appImagesSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (debootstrap, chroot, mydocker import)';
  const cached = fs.existsSync(CACHE) && fs.readdirSync(CACHE).some((f) => /^app-rootfs-.*\.tar$/.test(f));
  if (!cached && runCommand('sh', ['-c', 'command -v debootstrap']).code !== 0) {
    return 'debootstrap is not installed and no app rootfs is cached (scripts/install-deps.sh installs it)';
  }
  return false;
}

/** Imports mydocker-test/redis and mydocker-test/flask into the store at root/runroot (building the rootfs first when needed). */
export function importAppImages(store: { root: string; runroot: string }): void {
  const r = runCommand(MAKE_APP_IMAGES, [store.root, store.runroot], { timeoutMs: 15 * 60_000 });
  if (r.code !== 0) throw new Error(`${MAKE_APP_IMAGES} ${store.root} ${store.runroot} failed (${r.code ?? r.signal}):\n${r.stderr}`);
}
