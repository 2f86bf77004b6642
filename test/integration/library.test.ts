// The Node library as a program uses it: `import { Engine } from 'mydocker'` (the package's own name,
// resolved through package.json "exports"), against the real kernel, in a private store.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine, exitCodeOf, MydockerError, type AttachedContainer } from 'mydocker';
import { LocalRegistry } from '../../src/image/registry/testing/local-registry';
import { REPO, Sandbox } from '../helpers/sandbox';

const sb = new Sandbox('library');
const engine = Engine.open({ root: sb.root, runroot: sb.runroot });
const others: Sandbox[] = [];

after(async () => {
  // every container the tests made, running or not, then the store itself
  await engine.close();
  for (const c of await engine.list({ all: true })) await engine.remove(c.id, { force: true });
  const left = [sb, ...others].flatMap((s) => s.leftovers());
  for (const s of [sb, ...others]) s.cleanup();
  assert.deepEqual(left, [], 'the tests left mounts or cgroups behind');
});

/** Rejects with the error thrown, so its class and kind can be checked. */
async function failure(p: Promise<unknown>): Promise<MydockerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof MydockerError, `not a MydockerError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

/** The first chunk a stream gives. */
function firstChunk(s: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => s.once('data', (d: Buffer) => resolve(d.toString())));
}

describe('run', () => {
  test('true exits 0; exit codes pass through; stdout and stderr stay apart', async () => {
    assert.equal((await engine.run({ cmd: ['true'], network: 'none' })).exitCode, 0);
    const r = await engine.run({ cmd: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'], network: 'none' });
    assert.deepEqual({ code: r.exitCode, out: r.stdout, err: r.stderr }, { code: 3, out: 'to-out\n', err: 'to-err\n' });
    assert.equal(r.timedOut, false);
  });

  test('input goes to stdin; output past the cap is cut and flagged', async () => {
    const r = await engine.run({ cmd: ['cat'], input: 'from the caller\n', network: 'none' });
    assert.equal(r.stdout, 'from the caller\n');
    const big = await engine.run({ cmd: ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x'], network: 'none', maxOutputBytes: 1000 });
    assert.equal(big.stdout.length, 1000);
    assert.equal(big.truncated, true);
  });

  test('a run removes its container; autoRemove: false keeps it, exited with its code', async () => {
    const before = (await engine.list({ all: true })).length;
    await engine.run({ cmd: ['true'], network: 'none', labels: { test: 'removed' } });
    assert.equal((await engine.list({ all: true })).length, before);
    await engine.run({ cmd: ['sh', '-c', 'exit 7'], network: 'none', autoRemove: false, name: 'lib-kept' });
    const kept = (await engine.list({ all: true })).find((c) => c.name === 'lib-kept');
    assert.equal(kept?.status, 'exited');
    assert.equal(kept?.exitCode, 7);
    await engine.remove('lib-kept');
  });

  test('memory: the OOM killer ends it with 137 and oomKilled', async () => {
    const r = await engine.run({ cmd: ['tail', '/dev/zero'], memory: '16m', network: 'none', timeout: 60_000 });
    assert.equal(r.exitCode, 137);
    assert.equal(r.oomKilled, true);
    assert.equal(r.timedOut, false);
  });

  test('pids: a fork bomb cannot fork past the limit, and the timeout ends it', async () => {
    const r = await engine.run({ cmd: ['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 30'], pids: 32, network: 'none', timeout: 2000, maxOutputBytes: 4096 });
    assert.match(r.stderr, /can't fork/);
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, 137);
    const count = await engine.run({ cmd: ['sh', '-c', 'for i in $(seq 40); do sleep 30 & done; ls /proc | grep -c "^[0-9]"'], pids: 10, network: 'none' });
    assert.match(count.stderr, /can't fork/);
  });

  test('network none: only the loopback interface', async () => {
    const r = await engine.run({ cmd: ['sh', '-c', 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'], network: 'none' });
    assert.equal(r.stdout, 'lo\n');
  });

  test('a timeout kills: 137 and timedOut', async () => {
    const r = await engine.run({ cmd: ['sleep', '60'], network: 'none', timeout: 300 });
    assert.deepEqual({ code: r.exitCode, timedOut: r.timedOut }, { code: 137, timedOut: true });
  });
});

describe('spawn and exec', () => {
  let c: AttachedContainer;
  before(async () => {
    // prints, then waits for a line on stdin before it goes on: output is seen while it runs
    c = await engine.spawn({ cmd: ['sh', '-c', 'echo started; echo warning >&2; read line; echo "got $line"; sleep 60'], stdin: true, network: 'none' });
  });

  test('stdout and stderr stream separately while the container runs; stdin reaches it', async () => {
    const [out, err] = await Promise.all([firstChunk(c.stdout), firstChunk(c.stderr)]);
    assert.equal(out, 'started\n');
    assert.equal(err, 'warning\n');
    assert.equal((await engine.list()).find((x) => x.id === c.id)?.status, 'running');
    const next = firstChunk(c.stdout);
    c.stdin!.write('hello\n');
    assert.equal(await next, 'got hello\n');
  });

  test('exec: its own streams and exit code, with env and workdir', async () => {
    const p = await engine.exec(c, ['sh', '-c', 'echo "$GREETING from $(pwd)"; echo err >&2; exit 5'], { env: { GREETING: 'hi' }, workdir: '/tmp' });
    assert.deepEqual(await p.output(), { exitCode: 5, stdout: 'hi from /tmp\n', stderr: 'err\n' });
  });

  test('exec with stdin: what is written comes back', async () => {
    const p = await engine.exec(c.name, ['cat'], { stdin: true });
    const out = firstChunk(p.stdout);
    p.stdin!.end('echo me\n');
    assert.equal(await out, 'echo me\n');
    assert.equal(await p.wait(), 0);
  });

  test('exec of a missing command: 127', async () => {
    const p = await engine.exec(c.id, ['/no/such/binary']);
    assert.equal((await p.output()).exitCode, 127);
  });

  test('stop ends it (sleep ignores SIGTERM as PID 1: killed after the timeout)', async () => {
    await c.stop({ timeoutSec: 1 });
    assert.equal((await c.wait()).exitCode, 137);
    await c.remove();
    assert.equal((await engine.list({ all: true })).some((x) => x.id === c.id), false);
  });
});

describe('create, start, wait, stop, remove, list', () => {
  test('the lifecycle of a named container', async () => {
    const c = await engine.create({ cmd: ['sleep', '60'], name: 'lib-life', labels: { app: 'lib' }, network: 'none' });
    let row = (await engine.list({ all: true })).find((x) => x.name === 'lib-life');
    assert.deepEqual({ status: row?.status, labels: row?.labels, id: row?.id }, { status: 'created', labels: { app: 'lib' }, id: c.id });
    assert.equal((await engine.list()).some((x) => x.id === c.id), false, 'list without all shows running ones only');
    await c.start();
    row = (await engine.list()).find((x) => x.name === 'lib-life');
    assert.equal(row?.status, 'running');
    const waited = engine.wait('lib-life');
    await engine.stop('lib-life', { timeoutSec: 1 });
    assert.equal(await waited, 137);
    await engine.remove(c.id);
    assert.equal((await engine.list({ all: true })).some((x) => x.id === c.id), false);
  });

  test('wait returns the exit code (and the OOM kill) of a started container; kill ends a running one', async () => {
    const c = await engine.create({ cmd: ['sh', '-c', 'exit 4'], network: 'none' });
    await engine.start(c.id);
    assert.equal(await engine.wait(c.id), 4);
    await c.remove();
    const oom = await engine.create({ cmd: ['tail', '/dev/zero'], memory: '16m', network: 'none' });
    await oom.start();
    assert.deepEqual(await oom.wait(), { exitCode: 137, oomKilled: true, timedOut: false });
    await oom.remove();
    const k = await engine.spawn({ cmd: ['sleep', '60'], network: 'none' });
    await k.kill();
    assert.equal((await k.wait()).exitCode, 137);
    await k.remove();
  });

  test('images lists the built-in busybox', async () => {
    const images = await engine.images();
    assert.ok(images.some((i) => i.tags.includes('busybox:latest')), JSON.stringify(images));
  });
});

describe('typed errors', () => {
  test('no such image: NotFound, and nothing is left behind', async () => {
    const before = (await engine.list({ all: true })).length;
    const err = await failure(engine.run({ image: 'no-such-image:1', cmd: ['true'] }));
    assert.equal(err.kind, 'NotFound');
    assert.equal((await engine.list({ all: true })).length, before);
  });

  test('bad memory and bad timeout: InvalidArgument', async () => {
    assert.equal((await failure(engine.run({ cmd: ['true'], memory: 'lots' }))).kind, 'InvalidArgument');
    assert.equal((await failure(engine.run({ cmd: ['true'], memory: 1000 }))).kind, 'InvalidArgument');
    assert.equal((await failure(engine.run({ cmd: ['true'], timeout: -1 }))).kind, 'InvalidArgument');
  });

  test('a command that cannot be executed: NotFound with exit code 127, and its container is removed', async () => {
    const before = (await engine.list({ all: true })).length;
    const err = await failure(engine.run({ cmd: ['/no/such/binary'], network: 'none' }));
    assert.deepEqual([err.kind, exitCodeOf(err)], ['NotFound', 127]);
    assert.equal((await engine.list({ all: true })).length, before);
  });

  test('a name taken: Conflict; an unknown container: NotFound; exec in a stopped one: FailedPrecondition', async () => {
    const c = await engine.create({ cmd: ['true'], name: 'lib-taken', network: 'none' });
    assert.equal((await failure(engine.create({ cmd: ['true'], name: 'lib-taken', network: 'none' }))).kind, 'Conflict');
    assert.equal((await failure(engine.exec(c.id, ['true']))).kind, 'FailedPrecondition');
    await c.remove();
    assert.equal((await failure(engine.remove('lib-no-such'))).kind, 'NotFound');
    assert.equal((await failure(engine.wait('lib-no-such'))).kind, 'NotFound');
  });
});

describe('pull', () => {
  test('from a loopback registry, into another store', async () => {
    const regBox = new Sandbox('library-registry');
    others.push(regBox);
    const reg = await LocalRegistry.start({ dir: path.join(regBox.dir, 'registry') });
    try {
      const ref = `${reg.host}/lib/busybox:1`;
      sb.ok(['tag', 'busybox', ref]);
      sb.ok(['push', ref]);
      const other = new Sandbox('library-pull');
      others.push(other);
      const puller = Engine.open({ root: other.root, runroot: other.runroot });
      const pulled = await puller.pull(ref);
      assert.match(pulled.digest, /^sha256:[0-9a-f]{64}$/);
      assert.ok((await puller.images()).some((i) => i.id === pulled.id && i.tags.includes(ref)));
      const r = await puller.run({ image: ref, cmd: ['echo', 'pulled'], network: 'none' });
      assert.equal(r.stdout, 'pulled\n');
      assert.equal((await failure(puller.pull(`${reg.host}/lib/absent:1`))).kind, 'NotFound');
    } finally {
      await reg.stop();
    }
  });
});

describe('README example', () => {
  test('the README shows examples/code-runner.mjs as it is', () => {
    const example = fs.readFileSync(path.join(REPO, 'examples', 'code-runner.mjs'), 'utf8');
    assert.ok(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8').includes('```js\n' + example + '```\n'), 'README.md and examples/code-runner.mjs differ');
  });

  test('examples/code-runner.mjs runs as the README shows', () => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'examples', 'code-runner.mjs')], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, MYDOCKER_ROOT: sb.root, MYDOCKER_RUNROOT: sb.runroot },
    });
    assert.equal(r.status, 0, r.stderr);
    const rows: Record<string, Record<string, unknown>> = {};
    for (const line of r.stdout.trim().split('\n')) {
      const row = JSON.parse(line) as Record<string, unknown>;
      rows[String(row.name)] = row;
    }
    assert.deepEqual(rows.hello, { name: 'hello', exitCode: 3, timedOut: false, oomKilled: false, stdout: 'hello from 65534', stderr: 'oops' });
    assert.deepEqual([rows['fork-bomb'].exitCode, rows['fork-bomb'].timedOut], [137, true]);
    assert.deepEqual([rows['memory-hog'].exitCode, rows['memory-hog'].oomKilled], [137, true]);
    assert.equal(rows.network.stdout, 'interfaces: lo');
    assert.deepEqual([rows['endless-loop'].exitCode, rows['endless-loop'].timedOut], [137, true]);
  });
});
