// Fuzzes the C plan parser (native/src/plan.c, built with ASan/UBSan as plan-fuzz) with random,
// truncated and mutated plans: it must never crash. Then feeds broken plans to the real nsexec
// binary: it must refuse them with a typed error and never execute anything.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodePlan } from './plan';
import { samplePlan } from './testing/plan-sample';
import { nativeDir, nsexecPath } from '../sys/native';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

function richPlan(): Buffer {
  return encodePlan(samplePlan({
    nsJoin: [{ type: 0x40000000, path: '/proc/1/ns/net' }],
    rootfs: '/tmp/rootfs', hostname: 'h', cwd: '/work',
    mounts: [{ src: 'proc', dst: '/proc', fstype: 'proc', flags: 14 }, { src: '/a', dst: '/b', flags: 4096, bind: true, mkfile: true, propagation: 0x40000 }],
    devices: [{ path: '/dev/null', type: 'c', major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0 }],
    symlinks: [{ link: '/dev/fd', target: '/proc/self/fd' }],
    masked: ['/proc/kcore'], readonlyPaths: ['/proc/sys'], sysctls: [{ key: 'net.ipv4.ip_forward', value: '1' }],
    rlimits: [{ resource: 7, soft: 1024n, hard: 4096n }],
    caps: { bounding: 1n, effective: 1n, permitted: 1n, inheritable: 0n, ambient: 0n },
    additionalGids: [1, 2], umask: 0o22, oomScoreAdj: 5, env: ['A=1', 'B=2'], argv: ['/bin/sh', '-c', 'x'],
    terminal: true, consoleSocket: '/tmp/c.sock', execFifo: '/tmp/fifo', keepFds: [3], seccomp: Buffer.alloc(16),
    seccompFlags: 4, uidMap: '0 100000 65536\n', gidMap: '0 100000 65536\n', sessionKeyring: '_ses.abc',
  }));
}

function mutations(count: number, seed: number): Buffer[] {
  const r = rng(seed);
  const base = [richPlan(), encodePlan(samplePlan())];
  const out: Buffer[] = [];
  for (const b of base) for (let len = 0; len <= b.length; len++) out.push(b.subarray(0, len)); // every truncation
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(base[i % 2]);
    const kind = Math.floor(r() * 5);
    const n = 1 + Math.floor(r() * 8);
    for (let k = 0; k < n; k++) {
      const at = Math.floor(r() * b.length);
      if (kind === 0) b[at] = Math.floor(r() * 256); // random byte
      else if (kind === 1) b[at] ^= 1 << Math.floor(r() * 8); // bit flip
      else if (kind === 2 && at + 4 <= b.length) b.writeUInt32LE(Math.floor(r() * 0xffffffff), at); // length lies
      else if (kind === 3 && at + 2 <= b.length) b.writeUInt16LE(Math.floor(r() * 64), at); // unknown tags
      else b[at] = 0; // NUL inside strings
    }
    // keep the header's length consistent half of the time, so the body parser is reached
    if (r() < 0.5 && b.length >= 12) b.writeUInt32LE(b.length - 12, 8);
    out.push(b);
  }
  for (let i = 0; i < 200; i++) { // pure garbage behind a valid header
    const body = Buffer.alloc(Math.floor(r() * 300));
    for (let k = 0; k < body.length; k++) body[k] = Math.floor(r() * 256);
    const head = Buffer.alloc(12);
    head.write('MDPLAN01', 0, 'latin1');
    head.writeUInt32LE(body.length, 8);
    out.push(Buffer.concat([head, body]));
  }
  return out;
}

test('the plan parser survives random, truncated and mutated plans', () => {
  const inputs = mutations(20000, 0xc0ffee);
  const framed = Buffer.concat(inputs.flatMap((b) => {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return [len, b];
  }));
  const res = spawnSync(path.join(nativeDir(), 'plan-fuzz'), [], { input: framed, maxBuffer: 64 << 20 });
  assert.equal(res.status, 0, `plan-fuzz crashed (signal ${res.signal}): ${res.stderr.toString().slice(0, 2000)}`);
  const lines = res.stdout.toString().trim().split('\n');
  assert.equal(lines.length, inputs.length);
  assert.ok(lines.some((l) => l.startsWith('ok')), 'the untouched plans parse');
  assert.ok(lines.filter((l) => l.startsWith('err')).length > inputs.length / 2, 'broken plans are refused');
});

test('nsexec refuses broken plans with a typed error and executes nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-fuzz-'));
  try {
    const canary = path.join(dir, 'executed');
    const good = encodePlan(samplePlan({ argv: ['/usr/bin/touch', canary], nsCreate: 0 }));
    const broken: Buffer[] = [];
    for (let len = 0; len < good.length; len += 7) broken.push(good.subarray(0, len));
    const r = rng(7);
    for (let i = 0; i < 30; i++) {
      const b = Buffer.from(good);
      b[12 + Math.floor(r() * (b.length - 12))] ^= 0xff;
      b.writeUInt16LE(999, 12); // the first record's tag is never valid
      broken.push(b);
    }
    for (const plan of broken) {
      const { code, signal, output } = await feed(plan);
      assert.equal(signal, null, 'nsexec must not crash');
      assert.equal(code, 1);
      assert.match(output, /"type":"error","stage":"plan"/);
    }
    assert.equal(fs.existsSync(canary), false, 'no broken plan may execute its command');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a path longer than any C buffer is refused, never cut short', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-fuzz-'));
  try {
    const canary = path.join(dir, 'executed');
    const long = '/' + 'a'.repeat(4095);
    for (const over of [{ cwd: long }, { masked: [long] }, { mounts: [{ src: 'tmpfs', dst: long, fstype: 'tmpfs', flags: 0 }] }]) {
      const { code, output } = await feed(encodePlan(samplePlan({ argv: ['/usr/bin/touch', canary], nsCreate: 0, ...over })));
      assert.equal(code, 1);
      assert.match(output, /"type":"error","stage":"plan"/);
    }
    assert.equal(fs.existsSync(canary), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('nsexec refuses to run when it cannot make its sealed copy (it never runs unsealed)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-fuzz-'));
  try {
    const canary = path.join(dir, 'executed');
    // with four descriptors allowed (0-2 and the sync socket), opening its own binary fails: EMFILE. It fails
    // before it reads the plan; the plan it leaves unread can make its close reset our socket before we read
    // its message, so the message is checked when it arrived, the refusal always.
    const { code, output } = await feed(encodePlan(samplePlan({ argv: ['/usr/bin/touch', canary], nsCreate: 0 })), ['prlimit', '--nofile=4:4', '--']);
    assert.equal(code, 1);
    if (output) assert.match(output, /"stage":"init".*sealed copy/);
    assert.equal(fs.existsSync(canary), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Sends a plan on fd 3 as the runtime does, then closes our end (a truncated plan hits EOF). */
function feed(plan: Buffer, wrapper: string[] = []): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = [...wrapper, nsexecPath()];
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const sock = child.stdio[3] as import('node:net').Socket;
    let output = '';
    sock.on('data', (d) => (output += d.toString()));
    sock.on('error', () => undefined);
    sock.end(plan);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let closed = false;
    const done = () => exit && closed && resolve({ ...exit, output });
    sock.on('close', () => { closed = true; done(); });
    child.on('exit', (code, signal) => { exit = { code, signal }; done(); });
  });
}
