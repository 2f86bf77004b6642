// The device filter's decisions, checked by running its instructions in a small interpreter that
// knows exactly the opcodes the compiler emits and rejects anything else (like the kernel's
// verifier would: unknown opcodes, uninitialized registers, backward or out-of-range jumps).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_DEVICE_RULES } from '../engine/oci-spec';
import type { DeviceRule } from '../runtime/spec';
import {
  ACC_MKNOD, ACC_READ, ACC_WRITE, DEV_BLOCK, DEV_CHAR, OP, deviceFilterProgram, devicePolicy,
} from './device-filter';

interface Request { type: 'c' | 'b'; major: number; minor: number; access: string }

const MASK64 = (1n << 64n) - 1n;

/** Runs the program on one bpf_cgroup_dev_ctx; returns r0 at exit. */
function run(program: Buffer, req: Request): number {
  assert.equal(program.length % 8, 0, 'whole instructions');
  const count = program.length / 8;
  let access = 0;
  for (const ch of req.access) access |= ch === 'r' ? ACC_READ : ch === 'w' ? ACC_WRITE : ACC_MKNOD;
  const ctx = Buffer.alloc(12);
  ctx.writeUInt32LE((access << 16) | (req.type === 'b' ? DEV_BLOCK : DEV_CHAR), 0);
  ctx.writeUInt32LE(req.major, 4);
  ctx.writeUInt32LE(req.minor, 8);
  const regs: (bigint | undefined)[] = new Array(11).fill(undefined);
  regs[1] = -1n; // the context pointer: only usable as a load base
  const get = (r: number) => {
    assert.ok(r !== 1 && regs[r] !== undefined, `register r${r} read before it was written`);
    return regs[r]!;
  };
  const imm64 = (imm: number) => BigInt.asUintN(64, BigInt(imm));
  for (let pc = 0, steps = 0; ; pc++, steps++) {
    assert.ok(pc >= 0 && pc < count, `pc ${pc} outside the program`);
    assert.ok(steps <= count, 'no loops');
    const at = pc * 8;
    const code = program.readUInt8(at);
    const dst = program.readUInt8(at + 1) & 0xf;
    const src = program.readUInt8(at + 1) >> 4;
    const off = program.readInt16LE(at + 2);
    const imm = program.readInt32LE(at + 4);
    const jump = (taken: boolean) => {
      assert.ok(off >= 0, 'forward jumps only');
      if (taken) pc += off;
    };
    switch (code) {
      case OP.LDX_MEM_W:
        assert.equal(src, 1, 'loads only from the context');
        assert.ok(off >= 0 && off <= 8 && off % 4 === 0, `context offset ${off}`);
        assert.notEqual(dst, 1, 'the context pointer stays');
        regs[dst] = BigInt(ctx.readUInt32LE(off));
        break;
      case OP.AND_K: regs[dst] = get(dst) & imm64(imm); break;
      case OP.RSH_K: regs[dst] = (get(dst) >> BigInt(imm)) & MASK64; break;
      case OP.MOV_K: regs[dst] = imm64(imm); break;
      case OP.MOV_X: regs[dst] = get(src); break;
      case OP.JEQ_K: jump(get(dst) === imm64(imm)); break;
      case OP.JNE_K: jump(get(dst) !== imm64(imm)); break;
      case OP.EXIT: {
        const r0 = get(0);
        assert.ok(r0 === 0n || r0 === 1n, 'the kernel wants 0 or 1');
        return Number(r0);
      }
      default:
        assert.fail(`opcode 0x${code.toString(16)} at ${pc} is not one the compiler emits`);
    }
  }
}

const allowed = (rules: DeviceRule[], type: 'c' | 'b', major: number, minor: number, access: string) =>
  run(deviceFilterProgram(rules), { type, major, minor, access }) === 1;

test('docker defaults: the usual character devices open, everything else refused, mknod of any node allowed', () => {
  const rules = DEFAULT_DEVICE_RULES;
  for (const [maj, min] of [[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [136, 0], [136, 42], [10, 200]]) {
    for (const access of ['r', 'w', 'rw', 'm', 'rwm']) assert.ok(allowed(rules, 'c', maj, min, access), `c ${maj}:${min} ${access}`);
  }
  assert.ok(!allowed(rules, 'c', 1, 1, 'r'), '/dev/mem');
  assert.ok(!allowed(rules, 'c', 1, 1, 'rw'), '/dev/mem');
  assert.ok(!allowed(rules, 'c', 4, 0, 'w'), '/dev/tty0');
  assert.ok(!allowed(rules, 'c', 10, 229, 'rw'), '/dev/fuse');
  assert.ok(!allowed(rules, 'b', 8, 0, 'r'), 'sda');
  assert.ok(!allowed(rules, 'b', 7, 0, 'w'), 'loop0');
  // mknod of anything is allowed; opening what was made is not
  assert.ok(allowed(rules, 'c', 1, 1, 'm'));
  assert.ok(allowed(rules, 'b', 7, 0, 'm'));
  // mknod and read together need one rule covering both (v1 does not add rules up)
  assert.ok(!allowed(rules, 'b', 7, 0, 'rm'));
});

test('allow all (privileged) allows everything, with no exception left', () => {
  const rules: DeviceRule[] = [{ allow: true, access: 'rwm' }];
  assert.deepEqual(devicePolicy(rules), { defaultAllow: true, exceptions: [] });
  for (const [type, maj, min] of [['c', 1, 1], ['b', 8, 0], ['c', 4095, 1048575]] as const) {
    assert.ok(allowed(rules, type, maj, min, 'rwm'));
  }
});

test('a rule for all devices forgets every rule before it', () => {
  const rules: DeviceRule[] = [...DEFAULT_DEVICE_RULES, { allow: true, type: 'a' }];
  assert.deepEqual(devicePolicy(rules), { defaultAllow: true, exceptions: [] });
  assert.ok(allowed(rules, 'c', 1, 1, 'rw'));
  const denied: DeviceRule[] = [{ allow: true }, { allow: false, type: 'c', major: 1, minor: 1 }, { allow: false }];
  assert.deepEqual(devicePolicy(denied), { defaultAllow: false, exceptions: [] });
  assert.ok(!allowed(denied, 'c', 1, 3, 'r'));
});

test('no rules at all: a new cgroup allows every device, as on v1', () => {
  assert.ok(allowed([], 'b', 8, 0, 'rwm'));
  // a lone allow on an allow-all cgroup changes nothing
  assert.ok(allowed([{ allow: true, type: 'c', major: 1, minor: 3, access: 'r' }], 'c', 1, 1, 'w'));
});

test('a deny after an allow: on allow-all it refuses the device; on deny-all it takes access away', () => {
  const privileged: DeviceRule[] = [{ allow: true }, { allow: false, type: 'c', major: 1, minor: 1, access: 'rwm' }];
  assert.ok(!allowed(privileged, 'c', 1, 1, 'r'));
  assert.ok(allowed(privileged, 'c', 1, 3, 'rw'));
  assert.ok(allowed(privileged, 'b', 1, 1, 'r'), 'the type matters');

  const partial: DeviceRule[] = [{ allow: true }, { allow: false, type: 'c', major: 1, access: 'w' }];
  assert.ok(allowed(partial, 'c', 1, 7, 'r'));
  assert.ok(!allowed(partial, 'c', 1, 7, 'w'));
  assert.ok(!allowed(partial, 'c', 1, 7, 'rw'), 'one denied bit is enough');
  assert.ok(allowed(partial, 'c', 2, 7, 'w'));

  const taken: DeviceRule[] = [...DEFAULT_DEVICE_RULES, { allow: false, type: 'c', major: 1, minor: 3, access: 'w' }];
  assert.ok(allowed(taken, 'c', 1, 3, 'r'));
  assert.ok(!allowed(taken, 'c', 1, 3, 'w'));
  assert.ok(!allowed(taken, 'c', 1, 3, 'rw'));
  const gone: DeviceRule[] = [...DEFAULT_DEVICE_RULES, { allow: false, type: 'c', major: 1, minor: 3, access: 'rw' }];
  assert.ok(!allowed(gone, 'c', 1, 3, 'r'));
  // the exception kept m; c *:* m allows it too
  assert.ok(allowed(gone, 'c', 1, 3, 'm'));
});

test('an allow after a deny gives access back', () => {
  const rules: DeviceRule[] = [
    { allow: true }, { allow: false, type: 'b', major: 8, access: 'rw' }, { allow: true, type: 'b', major: 8, access: 'r' },
  ];
  assert.ok(allowed(rules, 'b', 8, 16, 'r'));
  assert.ok(!allowed(rules, 'b', 8, 16, 'w'));
});

test('access subsets: r only allows reads, and refuses writes and read-write opens', () => {
  const rules: DeviceRule[] = [{ allow: false }, { allow: true, type: 'c', major: 1, minor: 3, access: 'r' }];
  assert.ok(allowed(rules, 'c', 1, 3, 'r'));
  assert.ok(!allowed(rules, 'c', 1, 3, 'w'));
  assert.ok(!allowed(rules, 'c', 1, 3, 'rw'));
  assert.ok(!allowed(rules, 'c', 1, 3, 'm'));
  // a request with no access bit (the kernel's check for a node opened neither to read nor to
  // write) is covered by any rule naming the device, as in v1, and refused for any other device
  assert.ok(allowed(rules, 'c', 1, 3, ''));
  assert.ok(!allowed(rules, 'c', 1, 1, ''));
  // a second allow for the same devices adds to the first
  const more: DeviceRule[] = [...rules, { allow: true, type: 'c', major: 1, minor: 3, access: 'w' }];
  assert.ok(allowed(more, 'c', 1, 3, 'rw'));
  assert.equal(devicePolicy(more).exceptions.length, 1);
});

test('a removal that would punch a hole in an overlapping rule is refused, not silently ignored', () => {
  const wildcardFirst: DeviceRule[] = [{ allow: false }, { allow: true, type: 'c', major: 1 }, { allow: false, type: 'c', major: 1, minor: 3 }];
  assert.throws(() => deviceFilterProgram(wildcardFirst), (e: Error & { kind?: string }) =>
    e.kind === 'InvalidArgument' && /c 1:3 rwm.*c 1:\* rwm/.test(e.message));
  const specificFirst: DeviceRule[] = [{ allow: true }, { allow: false, type: 'b', major: 8, minor: 0 }, { allow: true, type: 'b', major: 8 }];
  assert.throws(() => deviceFilterProgram(specificFirst), /cannot be enforced/);
  // no shared access bit: nothing to punch
  const disjoint: DeviceRule[] = [{ allow: false }, { allow: true, type: 'c', major: 1, access: 'r' }, { allow: false, type: 'c', major: 1, minor: 3, access: 'w' }];
  assert.ok(allowed(disjoint, 'c', 1, 3, 'r'));
});

test('bad rules are refused with the value named', () => {
  assert.throws(() => deviceFilterProgram([{ allow: true, type: 'c', major: 1, minor: 3, access: 'rx' }]), /invalid device access "rx"/);
  assert.throws(() => deviceFilterProgram([{ allow: true, type: 'c', major: 2 ** 32, minor: 3 }]), /invalid device major number/);
  assert.throws(() => deviceFilterProgram([{ allow: true, type: 'u' as 'c', major: 1 }]), /invalid device type "u"/);
});

test('the encoding: 8-byte little-endian instructions, context read first, a constant verdict last', () => {
  const p = deviceFilterProgram([{ allow: false }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }]);
  // ldx r2 = *(u32 *)(r1 + 0): code 0x61, src r1 in the high nibble, dst r2 in the low one
  assert.deepEqual([...p.subarray(0, 8)], [0x61, 0x12, 0, 0, 0, 0, 0, 0]);
  // ldx r4 = *(u32 *)(r1 + 4) (major)
  assert.deepEqual([...p.subarray(32, 40)], [0x61, 0x14, 4, 0, 0, 0, 0, 0]);
  // the block for c 1:3: jne r2, 2, +4; jne r4, 1, +3; jne r5, 3, +2; mov r0, 1; exit (rwm needs no access test)
  assert.deepEqual([...p.subarray(48, 56)], [0x55, 0x02, 4, 0, 2, 0, 0, 0]);
  assert.deepEqual([...p.subarray(64, 72)], [0x55, 0x05, 2, 0, 3, 0, 0, 0]);
  // default deny at the end
  assert.deepEqual([...p.subarray(p.length - 16)], [0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(p.length / 8, 6 + 5 + 2);
});
