import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '../archive/test-helpers';
import { InternalError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import { silentLogger } from '../log/log';
import { Layout } from '../store/layout';
import { ANONYMOUS_LABEL, VolumeStore } from './volume-store';

describe('VolumeStore', () => {
  let tmp: string;
  let n = 0;
  const fresh = () => {
    const dir = path.join(tmp, `s${n++}`);
    const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
    return { layout, store: new VolumeStore(layout, silentLogger) };
  };

  before(() => {
    tmp = makeTempDir('volume-store');
  });
  after(() => removeDir(tmp));

  it("keeps docker's layout: volumes/<name>/_data and a volume.json beside it", async () => {
    const { layout, store } = fresh();
    const { volume, created } = await store.create('data1', { labels: { app: 'web' } });
    assert.equal(created, true);
    assert.equal(volume.mountpoint, path.join(layout.root, 'volumes', 'data1', '_data'));
    assert.ok(fs.statSync(volume.mountpoint).isDirectory());
    assert.equal(fs.statSync(volume.mountpoint).mode & 0o777, 0o755);
    const file = JSON.parse(fs.readFileSync(path.join(layout.root, 'volumes', 'data1', 'volume.json'), 'utf8'));
    assert.equal(file.name, 'data1');
    assert.deepEqual(file.labels, { app: 'web' });
    assert.match(file.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(fs.readdirSync(layout.tmpDir).length, 0, 'staging left behind');
  });

  it('returns an existing volume unchanged', async () => {
    const { store } = fresh();
    const a = await store.create('same', { labels: { first: '1' } });
    fs.writeFileSync(path.join(a.volume.mountpoint, 'keep'), 'x');
    const b = await store.create('same', { labels: { second: '2' } });
    assert.equal(b.created, false);
    assert.deepEqual(b.volume.labels, { first: '1' });
    assert.ok(fs.existsSync(path.join(b.volume.mountpoint, 'keep')));
  });

  it('marks anonymous volumes with docker label', async () => {
    const { store } = fresh();
    const { volume } = await store.create('a'.repeat(64), { anonymous: true });
    assert.equal(volume.anonymous, true);
    assert.deepEqual(volume.labels, { [ANONYMOUS_LABEL]: '' });
  });

  it('refuses bad names before touching the disk', async () => {
    const { layout, store } = fresh();
    for (const bad of ['../x', 'a/b', '.hidden', 'x', '', 'a b']) {
      await assert.rejects(store.create(bad), InvalidArgumentError, bad);
    }
    assert.equal(fs.existsSync(path.join(layout.root, 'volumes')), false);
  });

  it('lists only complete volumes, sorted', async () => {
    const { layout, store } = fresh();
    await store.create('bb');
    await store.create('aa');
    fs.mkdirSync(path.join(layout.root, 'volumes', 'half-made', '_data'), { recursive: true }); // no volume.json
    fs.mkdirSync(path.join(layout.root, 'volumes', '.junk'));
    assert.deepEqual(store.list().map((v) => v.name), ['aa', 'bb']);
    await assert.rejects(store.create('half-made'), InternalError);
  });

  it('removes a volume whole, and says when there is none', async () => {
    const { layout, store } = fresh();
    const { volume } = await store.create('gone');
    fs.mkdirSync(path.join(volume.mountpoint, 'deep', 'er'), { recursive: true });
    await store.withVolumeLock('gone', () => store.removeLocked('gone'));
    assert.equal(store.get('gone'), undefined);
    assert.deepEqual(fs.readdirSync(path.join(layout.root, 'volumes')), []);
    assert.deepEqual(fs.readdirSync(layout.tmpDir), []);
    assert.throws(() => store.removeLocked('gone'), NotFoundError);
    assert.throws(() => store.load('gone'), /no such volume: gone/);
  });

  it('never hands out a data dir that leads outside the volume', async () => {
    const { store } = fresh();
    const { volume } = await store.create('safe');
    assert.equal(store.checkedDataDir('safe'), fs.realpathSync(volume.mountpoint));
    const outside = path.join(tmp, `outside-${n}`);
    fs.mkdirSync(outside);
    fs.rmdirSync(volume.mountpoint);
    fs.symlinkSync(outside, volume.mountpoint);
    assert.throws(() => store.checkedDataDir('safe'), /is not a directory/);
  });

  it('concurrent creates of one name in one process: one creates, all see the same volume', async () => {
    const { store } = fresh();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.create('race')));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.volume.createdAt)).size, 1);
  });

  it('concurrent creates of one name from several processes: exactly one wins', async () => {
    const { layout, store } = fresh();
    const script = `
      const { VolumeStore } = require(${JSON.stringify(path.join(__dirname, 'volume-store.js'))});
      const { Layout } = require(${JSON.stringify(path.join(__dirname, '..', 'store', 'layout.js'))});
      const { silentLogger } = require(${JSON.stringify(path.join(__dirname, '..', 'log', 'log.js'))});
      const s = new VolumeStore(new Layout({ root: process.argv[1], runroot: process.argv[2] }), silentLogger);
      s.create('shared').then((r) => process.stdout.write(String(r.created)), (e) => { console.error(e); process.exit(1); });`;
    const runs = Array.from({ length: 6 }, () => new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ['-e', script, layout.root, layout.runroot], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
    }));
    const outs = await Promise.all(runs);
    assert.equal(outs.filter((o) => o === 'true').length, 1, outs.join(','));
    assert.ok(store.get('shared'));
    assert.deepEqual(fs.readdirSync(path.join(layout.root, 'volumes')), ['shared']);
  });
});
