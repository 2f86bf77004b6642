// What happens when things die at the wrong moment: status stays truthful, and the next command
// repairs what a killed CLI, monitor or host left behind.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { MYDOCKER, Sandbox, cgroupDirs, mountsUnder } from '../helpers/sandbox';

let sb: Sandbox;
before(() => {
  sb = new Sandbox('robust');
  assert.equal(sb.run(['run', '--rm', 'busybox', 'true']).code, 0);
});
after(() => {
  sb.cleanup();
  assert.deepEqual(sb.leftovers(), []);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function ok(args: string[]) {
  const r = sb.run(args);
  assert.equal(r.code, 0, `mydocker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
const state = (id: string) => JSON.parse(fs.readFileSync(path.join(sb.runroot, 'runtime', id, 'state.json'), 'utf8'));
const kill9 = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
};

/** Nothing of the sandbox's containers remains: records, names, mounts, cgroups, runtime state, monitors. */
function assertClean() {
  assert.deepEqual(sb.containerIds(), []);
  const names = fs.existsSync(path.join(sb.root, 'names')) ? fs.readdirSync(path.join(sb.root, 'names')) : [];
  assert.deepEqual(names, [], 'names left reserved');
  const rt = fs.existsSync(path.join(sb.runroot, 'runtime')) ? fs.readdirSync(path.join(sb.runroot, 'runtime')) : [];
  assert.deepEqual(rt, [], 'runtime state left');
  assert.deepEqual(mountsUnder(sb.dir), [], 'mounts left');
  assert.deepEqual(sb.monitors(), [], 'monitors left');
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const parent = path.join('/sys/fs/cgroup', h, 'mydocker');
    const children = fs.existsSync(parent) ? fs.readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
    const ours = children.filter((c) => fs.existsSync(path.join(sb.root, 'containers', c)) || c.length === 64);
    assert.deepEqual(ours.filter((c) => !isOtherSandbox(c)), [], `cgroups left in ${h}`);
  }
}
/** Other test files run in parallel with their own containers: only ids this sandbox ever made count. */
const madeHere = new Set<string>();
const isOtherSandbox = (id: string) => !madeHere.has(id);
function track(out: string) {
  for (const m of out.matchAll(/[a-f0-9]{64}/g)) madeHere.add(m[0]);
}

test('init killed while the monitor watches: exited, with the code the monitor recorded', async () => {
  const id = ok(['run', '-d', 'busybox', 'sleep', '60']).trim();
  track(id);
  kill9(state(id).pid);
  assert.equal(ok(['wait', id]).trim(), '137');
  assert.match(ok(['ps', '-a', '--filter', `id=${id}`]), /Exited \(137\)/);
  ok(['rm', id]);
  assertClean();
});

test('init and monitor both killed: dead with a reason, never running; rm -f repairs', async () => {
  const id = ok(['run', '-d', 'busybox', 'sleep', '60']).trim();
  track(id);
  const st = state(id);
  kill9(st.monitorPid);
  kill9(st.pid);
  await sleep(200);
  assert.match(ok(['ps', '-a', '--filter', `id=${id}`]), /Dead/);
  const inspect = JSON.parse(ok(['inspect', id]))[0];
  assert.equal(inspect.State.Status, 'dead');
  assert.equal(inspect.State.Running, false);
  assert.match(inspect.State.Error, /nothing watched/);
  ok(['rm', '-f', id]);
  assertClean();
});

test('20 parallel run -d, then rm -f of all: every one ran, and nothing is left', async () => {
  const runs = await Promise.all(Array.from({ length: 20 }, () => new Promise<string>((resolve, reject) => {
    const child = sb.spawn(['run', '-d', 'busybox', 'sleep', '60']);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`run -d exited ${code}: ${err}`))));
  })));
  runs.forEach(track);
  assert.equal(new Set(runs).size, 20);
  assert.equal(ok(['ps', '-q']).trim().split('\n').length, 20);
  const rm = await Promise.all(runs.map((id) => new Promise<number | null>((resolve) => sb.spawn(['rm', '-f', id]).on('exit', resolve))));
  assert.deepEqual(rm, runs.map(() => 0));
  assertClean();
});

test('two run --name x at once: one wins, the other gets a clear conflict and leaves nothing', async () => {
  const results = await Promise.all([0, 1].map(() => new Promise<{ code: number | null; err: string; out: string }>((resolve) => {
    const child = sb.spawn(['run', '-d', '--name', 'contested', 'busybox', 'sleep', '60']);
    let err = '';
    let out = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, err, out }));
  })));
  results.forEach((r) => track(r.out));
  const codes = results.map((r) => r.code).sort();
  assert.deepEqual(codes, [0, 125]);
  const loser = results.find((r) => r.code === 125)!;
  assert.match(loser.err, /the container name "\/contested" is already in use/);
  assert.equal(sb.containerIds().length, 1);
  ok(['rm', '-f', 'contested']);
  assertClean();
});

test('kill -9 of the CLI at any moment of run, stop or rm leaves state that rm -f repairs', async () => {
  const killAfter = async (args: string[], delay: number) => {
    const child = sb.spawn(args);
    const exited = new Promise((r) => child.on('exit', r));
    await sleep(delay);
    child.kill('SIGKILL');
    await exited;
  };
  for (const delay of [5, 30, 60, 90, 120, 160, 220, 300]) await killAfter(['run', '-d', 'busybox', 'sleep', '60'], delay);
  ok(['run', '-d', '--name', 'victim1', 'busybox', 'sleep', '60']);
  ok(['run', '-d', '--name', 'victim2', 'busybox', 'sleep', '60']);
  await killAfter(['stop', 'victim1'], 80);
  await killAfter(['rm', '-f', 'victim2'], 60);
  sb.containerIds().forEach((id) => madeHere.add(id));
  // ps -a stays truthful: nothing whose init is gone shows as running
  for (const line of ok(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.State}}']).trim().split('\n').filter(Boolean)) {
    const [id, st] = line.split(' ');
    if (st === 'running') assert.ok(fs.existsSync(`/proc/${state(id).pid}`), `${id} shown running without a process`);
  }
  const ids = sb.containerIds();
  if (ids.length) ok(['rm', '-f', ...ids]);
  await sleep(300); // monitors of just-removed containers finish their exit work
  assertClean();
});

test('a simulated reboot (another boot id) marks old containers exited and drops their runtime state', async () => {
  const id = ok(['run', '-d', '--name', 'beforeboot', 'busybox', 'sleep', '60']).trim();
  track(id);
  const st = state(id);
  // power loss: the processes vanish without anyone recording it
  kill9(st.monitorPid);
  kill9(st.pid);
  await sleep(100);
  const env = { ...process.env, MYDOCKER_BOOT_ID: 'simulated-reboot-0001' };
  const ps = spawnSync(MYDOCKER, [...sb.globalArgs, 'ps', '-a', '--filter', 'name=beforeboot'], { env, encoding: 'utf8' });
  assert.equal(ps.status, 0, ps.stderr);
  assert.match(ps.stdout, /Exited \(255\)/);
  assert.equal(fs.existsSync(path.join(sb.runroot, 'runtime', id)), false, 'stale runtime state dropped');
  assert.deepEqual(mountsUnder(sb.dir), []);
  assert.deepEqual(cgroupDirs(id), []);
  const restart = spawnSync(MYDOCKER, [...sb.globalArgs, 'start', 'beforeboot'], { env, encoding: 'utf8' });
  assert.equal(restart.status, 0, restart.stderr);
  const rm = spawnSync(MYDOCKER, [...sb.globalArgs, 'rm', '-f', 'beforeboot'], { env, encoding: 'utf8' });
  assert.equal(rm.status, 0, rm.stderr);
  assertClean();
});
