import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeDir } from '../archive/test-helpers';
import { FailedPreconditionError, NotFoundError } from '../errors/errors';
import { Logger } from '../log/log';
import { Layout } from '../store/layout';
import { buildBusyboxLayer } from './builtin-busybox';
import { ImageStore } from './store';

describe('built-in busybox image', () => {
  let tmp: string;
  let n = 0;
  const fresh = (busyboxBinary?: string) => {
    const dir = path.join(tmp, `store-${n++}`);
    const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
    const lines: string[] = [];
    const log = new Logger({ level: 'debug', format: 'json', sink: (l) => lines.push(l) });
    return { layout, lines, store: new ImageStore(layout, log, busyboxBinary ? { busyboxBinary } : {}) };
  };
  const builtEvents = (lines: string[]) => lines.filter((l) => (JSON.parse(l) as { msg: string }).msg === 'image-builtin').length;

  before(() => {
    tmp = makeTempDir('busybox');
  });
  after(() => removeDir(tmp));

  it('is created on first use, once, with busybox, applet links and /etc files', async () => {
    const { store, lines } = fresh();
    const [a, b] = await Promise.all([store.resolve('busybox'), store.resolve('busybox:latest')]);
    const c = await store.resolve('docker.io/library/busybox');
    assert.equal(a.id, b.id);
    assert.equal(a.id, c.id);
    assert.equal(builtEvents(lines), 1);
    assert.deepEqual(a.repoTags, ['busybox:latest']);
    assert.deepEqual(a.config, { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] });
    const root = a.layerDirs[0];
    assert.equal(fs.readlinkSync(path.join(root, 'bin/sh')), '/bin/busybox');
    assert.equal(fs.readlinkSync(path.join(root, 'usr/bin/wget')), '/bin/busybox');
    assert.equal(fs.statSync(path.join(root, 'bin/busybox')).size, fs.statSync('/bin/busybox').size);
    assert.equal(fs.statSync(path.join(root, 'bin/busybox')).mode & 0o777, 0o755);
    assert.match(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
    assert.match(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8'), /^nobody:x:65534:65534:nobody:\/home:\/bin\/false$/m);
    assert.match(fs.readFileSync(path.join(root, 'etc/group'), 'utf8'), /^wheel:x:10:root$/m);
    assert.equal(fs.statSync(path.join(root, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.statSync(path.join(root, 'root')).mode & 0o7777, 0o700);
    for (const d of ['proc', 'sys', 'dev', 'run', 'home', 'var/spool/mail', 'sbin', 'usr/sbin']) assert.ok(fs.statSync(path.join(root, d)).isDirectory(), d);
  });

  it('is built once when two processes need it at the same time', async () => {
    const { layout } = fresh();
    const script = `
      const { ImageStore } = require(${JSON.stringify(path.join(__dirname, 'store.js'))});
      const { Layout } = require(${JSON.stringify(path.join(__dirname, '../store/layout.js'))});
      const { Logger } = require(${JSON.stringify(path.join(__dirname, '../log/log.js'))});
      const log = new Logger({ level: 'debug', format: 'json', sink: (l) => process.stdout.write(l + '\\n') });
      new ImageStore(new Layout({ root: process.argv[1], runroot: process.argv[2] }), log).resolve('busybox')
        .then((r) => process.stdout.write(JSON.stringify({ msg: 'id', id: r.id }) + '\\n'))
        .catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(1); });`;
    const run = () => promisify(execFile)(process.execPath, ['-e', script, layout.root, layout.runroot]);
    const outs = (await Promise.all([run(), run(), run()])).map((r) => r.stdout.trim().split('\n'));
    const ids = outs.map((lines) => (JSON.parse(lines[lines.length - 1]) as { id: string }).id);
    assert.equal(new Set(ids).size, 1);
    assert.equal(outs.map(builtEvents).reduce((a, b) => a + b), 1);
    assert.equal(fs.readdirSync(layout.layersDir).length, 1);
    assert.deepEqual(fs.readdirSync(layout.tmpDir), []);
  });

  it('has the same image id in two fresh stores', async () => {
    const one = await fresh().store.resolve('busybox');
    const two = await fresh().store.resolve('busybox');
    assert.equal(one.id, two.id);
    assert.equal(one.manifestDigest, two.manifestDigest);
    assert.deepEqual(buildBusyboxLayer('/bin/busybox').tar, buildBusyboxLayer('/bin/busybox').tar);
  });

  it('is only made for busybox:latest', async () => {
    const { store } = fresh();
    await assert.rejects(store.resolve('busybox:1.36'), (err: unknown) => err instanceof NotFoundError && err.message === "unable to find image 'busybox:1.36' locally");
    assert.deepEqual(await store.list(), []);
  });

  it('says which package to install when busybox is missing or not static', async () => {
    await assert.rejects(fresh('/nonexistent/busybox').store.resolve('busybox'), (err: unknown) => err instanceof FailedPreconditionError && /busybox-static/.test(err.hint ?? '') && /\/nonexistent\/busybox/.test(err.message));
    await assert.rejects(fresh('/bin/ls').store.resolve('busybox'), (err: unknown) => err instanceof FailedPreconditionError && /dynamically linked/.test(err.message));
    await assert.rejects(fresh('/etc/passwd').store.resolve('busybox'), /not a little-endian ELF/);
  });
});
