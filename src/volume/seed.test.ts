import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '../archive/test-helpers';
import { silentLogger } from '../log/log';
import { sys } from '../sys/native';
import { isEmptyDir, seedVolume } from './seed';

const asRoot = process.getuid?.() === 0;

describe('seedVolume', () => {
  let tmp: string;
  let n = 0;
  const dirs = () => {
    const base = path.join(tmp, `case${n++}`);
    const rootfs = path.join(base, 'rootfs');
    const data = path.join(base, 'vol', '_data');
    fs.mkdirSync(rootfs, { recursive: true });
    fs.mkdirSync(data, { recursive: true });
    return { base, rootfs, data, staging: path.join(base, 'vol', '.seed-1') };
  };

  before(() => {
    tmp = makeTempDir('seed');
  });
  after(() => removeDir(tmp));

  it('copies files, dirs, symlinks, hardlinks and fifos with modes, owners and times', { skip: !asRoot && 'needs root (chown)' }, () => {
    const { rootfs, data, staging } = dirs();
    const src = path.join(rootfs, 'srv', 'app');
    fs.mkdirSync(path.join(src, 'conf', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(src, 'conf', 'app.ini'), 'x=1\n', { mode: 0o640 });
    fs.chownSync(path.join(src, 'conf', 'app.ini'), 1000, 1001);
    fs.chmodSync(path.join(src, 'conf', 'app.ini'), 0o640);
    fs.writeFileSync(path.join(src, 'run.sh'), '#!/bin/sh\n');
    fs.chmodSync(path.join(src, 'run.sh'), 0o4755);
    fs.linkSync(path.join(src, 'run.sh'), path.join(src, 'conf', 'deep', 'run-link'));
    fs.symlinkSync('/etc/passwd', path.join(src, 'passwd-link'));
    sys().mknod(path.join(src, 'pipe'), 0o010000 | 0o600, 0, 0);
    fs.utimesSync(path.join(src, 'conf', 'app.ini'), 1000, 1_000_000);
    fs.chownSync(src, 33, 33);
    fs.chmodSync(src, 0o1770);
    fs.utimesSync(path.join(src, 'conf'), 2000, 2_000_000);

    const res = seedVolume(rootfs, '/srv/app', data, staging, silentLogger);
    assert.ok(res);
    assert.deepEqual(fs.readdirSync(data).sort(), ['conf', 'passwd-link', 'pipe', 'run.sh']);
    const ini = fs.lstatSync(path.join(data, 'conf', 'app.ini'));
    assert.deepEqual([ini.uid, ini.gid, ini.mode & 0o7777, ini.mtimeMs], [1000, 1001, 0o640, 1_000_000_000]);
    assert.equal(fs.readFileSync(path.join(data, 'conf', 'app.ini'), 'utf8'), 'x=1\n');
    assert.equal(fs.lstatSync(path.join(data, 'run.sh')).mode & 0o7777, 0o4755, 'setuid kept (chmod after chown)');
    assert.equal(fs.lstatSync(path.join(data, 'run.sh')).ino, fs.lstatSync(path.join(data, 'conf', 'deep', 'run-link')).ino, 'hardlink kept');
    assert.equal(fs.readlinkSync(path.join(data, 'passwd-link')), '/etc/passwd', 'symlink copied, not followed');
    assert.ok(fs.lstatSync(path.join(data, 'pipe')).isFIFO());
    assert.equal(fs.lstatSync(path.join(data, 'conf')).mtimeMs, 2_000_000_000, 'directory times set last');
    const root = fs.lstatSync(data);
    assert.deepEqual([root.uid, root.gid, root.mode & 0o7777], [33, 33, 0o1770], 'the volume root takes the directory owner and mode');
    assert.equal(fs.existsSync(staging), false);
  });

  it('resolves the mount path inside the rootfs: symlinks cannot lead out', () => {
    const { base, rootfs, data, staging } = dirs();
    const outside = path.join(base, 'host-secret');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'key'), 'secret');
    fs.symlinkSync(outside, path.join(rootfs, 'evil')); // absolute: re-anchored at the rootfs
    fs.symlinkSync('../../../../../../..' + outside, path.join(rootfs, 'evil2'));
    assert.equal(seedVolume(rootfs, '/evil', data, staging, silentLogger), undefined);
    assert.equal(seedVolume(rootfs, '/evil2', data, staging, silentLogger), undefined);
    assert.ok(isEmptyDir(data));
    fs.mkdirSync(path.join(rootfs, 'real'));
    fs.writeFileSync(path.join(rootfs, 'real', 'f'), 'in image');
    fs.symlinkSync('/real', path.join(rootfs, 'alias'));
    assert.ok(seedVolume(rootfs, '/alias', data, staging, silentLogger));
    assert.equal(fs.readFileSync(path.join(data, 'f'), 'utf8'), 'in image');
  });

  it('does nothing when the image has no directory at the path', () => {
    const { rootfs, data, staging } = dirs();
    fs.writeFileSync(path.join(rootfs, 'file'), 'x');
    assert.equal(seedVolume(rootfs, '/missing', data, staging, silentLogger), undefined);
    assert.equal(seedVolume(rootfs, '/file', data, staging, silentLogger), undefined);
    assert.ok(isEmptyDir(data));
  });

  it('resumes an interrupted seed: only the missing top-level entries are moved in', () => {
    const { rootfs, data, staging } = dirs();
    fs.mkdirSync(path.join(rootfs, 'data', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(rootfs, 'data', 'a'), 'image a');
    fs.writeFileSync(path.join(rootfs, 'data', 'sub', 'b'), 'image b');
    fs.writeFileSync(path.join(data, 'a'), 'changed since'); // moved in before the crash, then changed
    seedVolume(rootfs, '/data', data, staging, silentLogger, { onlyMissing: true });
    assert.equal(fs.readFileSync(path.join(data, 'a'), 'utf8'), 'changed since');
    assert.equal(fs.readFileSync(path.join(data, 'sub', 'b'), 'utf8'), 'image b');
  });

  it('replaces, never writes through, what appeared in the volume meanwhile', () => {
    const { base, rootfs, data, staging } = dirs();
    fs.mkdirSync(path.join(rootfs, 'data'));
    fs.writeFileSync(path.join(rootfs, 'data', 'config'), 'from image');
    const target = path.join(base, 'host-file');
    fs.writeFileSync(target, 'host');
    fs.symlinkSync(target, path.join(data, 'config')); // as if a running container put it there
    seedVolume(rootfs, '/data', data, staging, silentLogger);
    assert.equal(fs.readFileSync(target, 'utf8'), 'host');
    assert.equal(fs.lstatSync(path.join(data, 'config')).isFile(), true);
  });
});
