import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { O_PATH, RootFd, openChild, readFileInRoot, readLink, statChild, withFd } from './root-fd';

const { O_RDONLY, O_NOFOLLOW } = fs.constants;

/** A fake container root whose links all point at the host's files, and one host file outside it. */
function withRoot(fn: (root: RootFd, dir: string, hostFile: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-rootfd-'));
  const rootDir = path.join(dir, 'root');
  const hostFile = path.join(dir, 'host-only');
  fs.writeFileSync(hostFile, 'host');
  fs.mkdirSync(path.join(rootDir, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(rootDir, 'etc/passwd'), 'inside');
  fs.symlinkSync('/', path.join(rootDir, 'slash'));
  fs.symlinkSync('../../../../..', path.join(rootDir, 'up'));
  fs.symlinkSync(hostFile, path.join(rootDir, 'abs'));
  const root = RootFd.open(rootDir);
  try {
    fn(root, rootDir, hostFile);
  } finally {
    root.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const read = (fd: number) => withFd(fd, () => fs.readFileSync(fd, 'utf8'));

test('links and .. are resolved inside the root', () =>
  withRoot((root, rootDir, hostFile) => {
    assert.equal(read(root.resolve('/slash/etc/passwd', O_RDONLY)), 'inside');
    assert.equal(read(root.resolve('/up/etc/passwd', O_RDONLY)), 'inside');
    assert.equal(read(root.resolve('/../../etc/passwd', O_RDONLY)), 'inside');
    assert.throws(() => root.resolve('/abs', O_RDONLY), { code: 'ENOENT' });
    assert.throws(() => root.resolve(`/slash${hostFile}`, O_RDONLY), { code: 'ENOENT' });
    assert.equal(fs.readFileSync(path.join(rootDir, 'etc/passwd'), 'utf8'), 'inside');
  }));

test("/proc's magic links (a process's root, its fds) are refused", () => {
  const whole = RootFd.open('/');
  try {
    assert.throws(() => whole.resolve('/proc/self/root/etc', O_PATH), { code: 'ELOOP' });
    assert.throws(() => whole.resolve('/proc/self/cwd', O_PATH), { code: 'ELOOP' });
  } finally {
    whole.close();
  }
});

test('a child step never follows a link nor leaves its directory', () =>
  withRoot((root, _dir, hostFile) => {
    withFd(root.resolve('/', O_PATH), (top) => {
      assert.throws(() => openChild(top, 'abs', O_RDONLY), { code: 'ELOOP' });
      assert.throws(() => openChild(top, '..', O_PATH), { kind: 'InvalidArgument' });
      assert.throws(() => openChild(top, 'etc/passwd', O_PATH), { kind: 'InvalidArgument' });
      assert.equal(withFd(openChild(top, 'abs', O_PATH | O_NOFOLLOW), readLink), hostFile);
      assert.ok(statChild(top, 'abs')?.isSymbolicLink());
      assert.equal(statChild(top, 'none'), undefined);
    });
  }));

test('the host side resolves the caller’s paths as usual', () =>
  withRoot((_root, _dir, hostFile) => {
    const host = RootFd.host();
    assert.equal(read(host.resolve(hostFile, O_RDONLY)), 'host');
    assert.equal(host.absolute('x'), path.resolve('x'));
  }));

test('readFileInRoot reads the container\'s file, never the host file a link points at', () => {
  withRoot((_root, dir, hostFile) => {
    assert.equal(readFileInRoot(dir, '/etc/passwd'), 'inside');
    assert.equal(readFileInRoot(dir, 'etc/passwd'), 'inside');
    fs.rmSync(path.join(dir, 'etc/passwd'));
    fs.symlinkSync(hostFile, path.join(dir, 'etc/passwd')); // absolute: re-anchored at the root, where it does not exist
    assert.equal(readFileInRoot(dir, '/etc/passwd'), undefined);
    assert.equal(readFileInRoot(dir, `/up${hostFile}`), undefined);
    assert.equal(readFileInRoot(dir, '/etc'), undefined, 'a directory is not a file');
  });
});
