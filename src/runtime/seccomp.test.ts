// The compiled programs are run through a small classic-BPF interpreter, so these tests check what the
// kernel would answer for a system call, not just that libseccomp returned some bytes.
import { afterEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileSeccomp, lowerSeccomp, seccompAddon } from './seccomp';
import type { LinuxSeccomp } from './spec';
import { InvalidArgumentError } from '../errors/errors';
import { DEFAULT_CAPABILITIES } from '../engine/oci-spec';
import { DEFAULT_SECCOMP_PROFILE } from '../security/seccomp/default-profile';
import { toOciSeccomp } from '../security/seccomp/docker-profile';

const temps: string[] = [];
afterEach(() => {
  while (temps.length) fs.rmSync(temps.pop()!, { recursive: true, force: true });
});

function cacheDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-seccomp-'));
  temps.push(dir);
  return path.join(dir, 'cache'); // not created yet: compileSeccomp makes it
}

function dockerDefault(capabilities = DEFAULT_CAPABILITIES): LinuxSeccomp {
  const spec = toOciSeccomp(DEFAULT_SECCOMP_PROFILE, { capabilities, arch: process.arch, kernel: os.release() });
  assert.ok(spec);
  return spec;
}

/** Runs a struct sock_filter[] on a seccomp_data (nr, arch, ip, args[6]) as the kernel would. */
function runFilter(bpf: Buffer, arch: number, nr: number, args: number[] = []): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(nr, 0);
  data.writeUInt32LE(arch, 4);
  args.forEach((a, i) => data.writeBigUInt64LE(BigInt(a), 16 + 8 * i));
  const mem = new Uint32Array(16);
  let a = 0;
  let x = 0;
  for (let pc = 0; pc < bpf.length / 8;) {
    const code = bpf.readUInt16LE(pc * 8);
    const jt = bpf[pc * 8 + 2]!;
    const jf = bpf[pc * 8 + 3]!;
    const k = bpf.readUInt32LE(pc * 8 + 4);
    pc++;
    const src = code & 0x08 ? x : k;
    switch (code) {
      case 0x20: a = data.readUInt32LE(k); break; // ld [k]
      case 0x00: a = k; break; // ld #k
      case 0x60: a = mem[k]!; break; // ld M[k]
      case 0x01: x = k; break; // ldx #k
      case 0x61: x = mem[k]!; break; // ldx M[k]
      case 0x02: mem[k] = a; break; // st
      case 0x03: mem[k] = x; break; // stx
      case 0x54: case 0x5c: a = (a & src) >>> 0; break; // and
      case 0x44: case 0x4c: a = (a | src) >>> 0; break; // or
      case 0x05: pc += k; break; // ja
      case 0x15: case 0x1d: pc += a === src ? jt : jf; break; // jeq
      case 0x25: case 0x2d: pc += a > src ? jt : jf; break; // jgt
      case 0x35: case 0x3d: pc += a >= src ? jt : jf; break; // jge
      case 0x45: case 0x4d: pc += (a & src) !== 0 ? jt : jf; break; // jset
      case 0x06: return k; // ret #k
      case 0x16: return a; // ret a
      case 0x07: x = a; break; // tax
      case 0x87: a = x; break; // txa
      default: throw new Error(`unexpected BPF opcode 0x${code.toString(16)} at ${pc - 1}`);
    }
  }
  throw new Error('the program ran past its end');
}

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const AUDIT_ARCH_AARCH64 = 0xc00000b7;
const X32_BIT = 0x40000000;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;
const KILL_THREAD = 0;
/** x86_64 numbers (the tests below that use them run only there). */
const NR: Record<string, number> = {
  read: 0, socket: 41, clone: 56, ptrace: 101, personality: 135, mount: 165, umount2: 166, reboot: 169,
  init_module: 175, kexec_load: 246, add_key: 248, request_key: 249, keyctl: 250, unshare: 272, perf_event_open: 298,
  setns: 308, bpf: 321, userfaultfd: 323, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, clone3: 435,
};
const CLONE_THREAD_FLAGS = 0x003d0f00; // what glibc's pthread_create passes
const CLONE_NEWUSER = 0x10000000;
const AF_INET = 2;
const AF_ALG = 38;
const x86 = process.arch === 'x64' ? {} : { skip: 'syscall numbers below are x86_64 ones' };

test('docker default: dangerous calls get EPERM, clone3 ENOSYS, ordinary ones pass (x86_64 numbers)', x86, () => {
  const { bpf, flags } = compileSeccomp(dockerDefault(), cacheDir());
  assert.equal(bpf.length % 8, 0);
  assert.ok(bpf.length / 8 > 100 && bpf.length / 8 <= 4096, `${bpf.length / 8} instructions`);
  assert.equal(flags, 4, 'SPEC_ALLOW when the spec names no flags, as runc');
  const verdict = (name: string, args?: number[]) => runFilter(bpf, AUDIT_ARCH_X86_64, NR[name]!, args);
  for (const name of ['keyctl', 'add_key', 'request_key', 'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup',
    'io_uring_enter', 'io_uring_register', 'mount', 'umount2', 'unshare', 'setns', 'reboot', 'kexec_load', 'init_module']) {
    assert.equal(verdict(name), EPERM, name);
  }
  assert.equal(verdict('clone3'), ENOSYS);
  assert.equal(verdict('read'), ALLOW);
  assert.equal(verdict('ptrace'), ALLOW, 'kernels from 4.8 on allow ptrace');
  assert.equal(verdict('clone', [CLONE_THREAD_FLAGS]), ALLOW);
  assert.equal(verdict('clone', [CLONE_NEWUSER]), EPERM);
  assert.equal(verdict('socket', [AF_INET]), ALLOW);
  assert.equal(verdict('socket', [AF_ALG]), EPERM);
  assert.equal(verdict('personality', [0x8]), ALLOW);
  assert.equal(verdict('personality', [0x0040000]), EPERM); // ADDR_NO_RANDOMIZE
  // The sub-architectures are covered: 32-bit read(2) is 3, x32 sets bit 30; another arch is killed.
  assert.equal(runFilter(bpf, AUDIT_ARCH_I386, 3), ALLOW);
  assert.equal(runFilter(bpf, AUDIT_ARCH_I386, 288), EPERM); // keyctl on i386
  assert.equal(runFilter(bpf, AUDIT_ARCH_X86_64, X32_BIT | 0), ALLOW);
  assert.equal(runFilter(bpf, AUDIT_ARCH_AARCH64, 63), KILL_THREAD);
});

test('docker default with CAP_SYS_ADMIN: mount, namespaces, bpf and clone3 open up', x86, () => {
  const { bpf } = compileSeccomp(dockerDefault([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']), cacheDir());
  const verdict = (name: string, args?: number[]) => runFilter(bpf, AUDIT_ARCH_X86_64, NR[name]!, args);
  for (const name of ['mount', 'umount2', 'unshare', 'setns', 'bpf', 'perf_event_open', 'clone3']) assert.equal(verdict(name), ALLOW, name);
  assert.equal(verdict('clone', [CLONE_NEWUSER]), ALLOW);
  assert.equal(verdict('keyctl'), EPERM);
  assert.equal(verdict('socket', [AF_ALG]), EPERM);
});

test('a second compile of the same spec is read from the cache without the addon', () => {
  const dir = cacheDir();
  const spec = dockerDefault();
  const first = compileSeccomp(spec, dir);
  const [file, ...others] = fs.readdirSync(dir);
  assert.match(file ?? '', /^[0-9a-f]{64}\.bpf$/);
  assert.deepEqual(others, []);
  const before = fs.statSync(path.join(dir, file!));
  const addon = seccompAddon();
  const realCompile = addon.compile;
  let calls = 0;
  addon.compile = (...args) => (calls++, realCompile(...args));
  try {
    // A copy with its keys in another order is the same input.
    const { syscalls, ...rest } = spec;
    const reordered = JSON.parse(JSON.stringify({ syscalls, ...rest })) as LinuxSeccomp;
    const second = compileSeccomp(reordered, dir);
    assert.ok(second.bpf.equals(first.bpf));
    assert.equal(calls, 0);
    const after = fs.statSync(path.join(dir, file!));
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.equal(after.ino, before.ino);
    // Fields the program does not depend on share the entry; flags are checked on every call.
    assert.equal(compileSeccomp({ ...spec, listenerMetadata: 'x', flags: ['SECCOMP_FILTER_FLAG_LOG'] }, dir).flags, 2);
    assert.throws(() => compileSeccomp({ ...spec, flags: ['SECCOMP_FILTER_FLAG_NEW_LISTENER'] }, dir), InvalidArgumentError);
    assert.equal(calls, 0);
    // A hit never skips a check: the listener is refused although the rest is cached.
    assert.throws(() => compileSeccomp({ ...spec, listenerPath: '/run/agent.sock' }, dir), InvalidArgumentError);
    // A changed input compiles again, into a second entry.
    compileSeccomp({ ...spec, defaultErrnoRet: 13 }, dir);
    assert.equal(calls, 1);
    assert.equal(fs.readdirSync(dir).length, 2);
  } finally {
    addon.compile = realCompile;
  }
});

test('a damaged cache entry is compiled again', () => {
  const dir = cacheDir();
  const spec: LinuxSeccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['keyctl'], action: 'SCMP_ACT_ERRNO' }] };
  const good = compileSeccomp(spec, dir).bpf;
  const file = path.join(dir, fs.readdirSync(dir)[0]!);
  fs.writeFileSync(file, good.subarray(0, 5));
  assert.ok(compileSeccomp(spec, dir).bpf.equals(good));
  assert.ok(fs.readFileSync(file).equals(good));
});

test('unknown system call names are skipped; rules that repeat the default action are dropped', () => {
  const spec: LinuxSeccomp = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['read', 'no_such_call'], action: 'SCMP_ACT_ALLOW' },
      { names: ['write'], action: 'SCMP_ACT_ERRNO' }, // same as the default (EPERM): libseccomp would refuse it
    ],
  };
  assert.deepEqual(lowerSeccomp(spec).rules.map((r) => r[0]), ['read', 'no_such_call']);
  const { bpf } = compileSeccomp(spec, cacheDir());
  if (process.arch === 'x64') {
    assert.equal(runFilter(bpf, AUDIT_ARCH_X86_64, 0), ALLOW);
    assert.equal(runFilter(bpf, AUDIT_ARCH_X86_64, 1), EPERM);
  }
});

test('lowering: actions carry their errno, conditions on one argument are ORed as runc does', () => {
  const p = lowerSeccomp({
    defaultAction: 'SCMP_ACT_KILL_PROCESS',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],
    flags: [],
    syscalls: [
      { names: ['a'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['b'], action: 'SCMP_ACT_TRACE' },
      { names: ['c'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 7, valueTwo: 3, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['d'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
    ],
  });
  assert.equal(p.defaultAction, 0x80000000);
  assert.deepEqual(p.arches, ['x86_64', 'aarch64']);
  assert.equal(p.flags, 0);
  assert.deepEqual(p.rules, [
    ['a', 0x00050026, []],
    ['b', 0x7ff00001, []],
    ['c', 0x00050001, [[0, 4, 1n, 0n], [1, 7, 7n, 3n]]],
    ['d', 0x7fff0000, [[0, 4, 1n, 0n]]],
    ['d', 0x7fff0000, [[0, 4, 2n, 0n]]],
  ]);
  const flags = (f: string[]) => lowerSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: f }).flags;
  assert.equal(flags(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG']), 3);
  assert.equal(flags(['SECCOMP_FILTER_FLAG_SPEC_ALLOW']), 4);
});

test('bad input is refused in one line naming the field', () => {
  const cases: Array<[unknown, string]> = [
    [{ defaultAction: 'SCMP_ACT_FOO' }, 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_FOO"'],
    [{ defaultAction: 'toString' }, 'linux.seccomp.defaultAction: unknown action "toString"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: -1 }, 'linux.seccomp.defaultErrnoRet: must be an integer from 0 to 4094 (an errno), got -1'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_FOO' }] },
      'linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_FOO"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_NOTIFY' }] },
      'linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported (no seccomp agent)'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock' },
      'linux.seccomp.listenerPath: seccomp notification listeners are not supported'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] },
      'linux.seccomp.flags[0]: unsupported flag "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_VAX'] }, 'linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_VAX"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] },
      'linux.seccomp.syscalls[0].names: must list at least one system call'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] },
      'linux.seccomp.syscalls[0].args[0].index: must be 0 to 5, got 6'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }] },
      'linux.seccomp.syscalls[0].args[0].value: must be an integer from 0 to 2^53-1, got -1'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_XOR' }] }] },
      'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_XOR"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: 'read' }, 'linux.seccomp.syscalls: must be a list'],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => compileSeccomp(spec as LinuxSeccomp, cacheDir()), (err: unknown) =>
      err instanceof InvalidArgumentError && err.message === message, message);
  }
});

test('a profile too big for the kernel is refused clearly', () => {
  // libseccomp spends about one instruction per compared value: 4200 of them pass BPF_MAXINSNS (4096).
  const args = Array.from({ length: 4200 }, (_, i) => ({ index: 0, value: i, op: 'SCMP_CMP_EQ' as const }));
  const spec: LinuxSeccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: args.map((a) => ({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [a] })) };
  assert.throws(() => compileSeccomp(spec, cacheDir()), /^InvalidArgumentError: seccomp: the profile compiles to \d+ BPF instructions; the kernel accepts at most 4096$/);
});
