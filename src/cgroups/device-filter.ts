// Device rules on cgroup v2: there are no devices.allow/deny files, the kernel runs a
// BPF_PROG_TYPE_CGROUP_DEVICE program at every open and mknod of a device node and lets it decide.
// Pure: OCI rules → the v1 state they leave (default + exceptions) → eBPF instructions.
//
// We replay the rules as the v1 devices controller would, then compile the final state, so a
// container gets the same answers on a v1 and on a v2 host (runc does the same with its emulator).
import { InvalidArgumentError } from '../errors/errors';
import type { DeviceRule } from '../runtime/spec';

/** struct bpf_cgroup_dev_ctx (linux/bpf.h): u32 access_type = (access << 16) | type; u32 major; u32 minor. */
export const DEV_BLOCK = 1;
export const DEV_CHAR = 2;
export const ACC_MKNOD = 1;
export const ACC_READ = 2;
export const ACC_WRITE = 4;
const ACC_ALL = ACC_MKNOD | ACC_READ | ACC_WRITE;

/** One v1 exception: a device class (undefined major/minor = any) and the access bits it covers. */
export interface DeviceException {
  type: 'c' | 'b';
  major?: number;
  minor?: number;
  access: number;
}

/** What a v1 devices cgroup holds after the rules: its default and the exceptions to it. */
export interface DevicePolicy {
  defaultAllow: boolean;
  exceptions: DeviceException[];
}

/**
 * Replays the rules as cgroup v1 does. A rule for all devices resets the default and drops every
 * exception. A rule against the default adds an exception (merging access with an equal one);
 * a rule with the default's verdict takes access away from the exception naming exactly the same
 * devices. v1 silently ignores such a removal when a *different* exception overlaps it (deny
 * c 1:3 after allow c 1:*, or deny c 1:* after allow c 1:3), leaving devices open that the rule
 * meant to close; we refuse that rule instead (runc refuses the first case too).
 */
export function devicePolicy(rules: readonly DeviceRule[]): DevicePolicy {
  // A new v1 cgroup under the root allows everything, and so does a v2 cgroup without a program.
  let defaultAllow = true;
  let exceptions = new Map<string, DeviceException>();
  for (const rule of rules) {
    // The kernel reads only the first letter of an "a" line: whatever follows, it is a reset.
    if ((rule.type ?? 'a') === 'a') {
      defaultAllow = rule.allow;
      exceptions = new Map();
      continue;
    }
    const ex = exceptionOf(rule);
    const key = `${ex.type} ${ex.major ?? '*'}:${ex.minor ?? '*'}`;
    const same = exceptions.get(key);
    if (rule.allow !== defaultAllow) {
      exceptions.set(key, { ...ex, access: ex.access | (same?.access ?? 0) });
      continue;
    }
    for (const [otherKey, other] of exceptions) {
      if (otherKey !== key && overlaps(other, ex) && (other.access & ex.access) !== 0) {
        throw new InvalidArgumentError(
          `device rule "${rule.allow ? 'allow' : 'deny'} ${key} ${accessString(ex.access)}" cannot be enforced: it overlaps ` +
          `the earlier rule for ${otherKey} ${accessString(other.access)} without naming the same devices, which device cgroups ignore`,
          { hint: 'reset with a rule for all devices first, or remove exactly the devices an earlier rule named' },
        );
      }
    }
    if (!same) continue;
    const left = same.access & ~ex.access;
    if (left) exceptions.set(key, { ...same, access: left });
    else exceptions.delete(key);
  }
  return { defaultAllow, exceptions: [...exceptions.values()] };
}

function exceptionOf(rule: DeviceRule): DeviceException {
  // config.json is not checked against the type: a "u" or "p" rule would otherwise pass as "c".
  if (rule.type !== 'b' && rule.type !== 'c') throw new InvalidArgumentError(`invalid device type ${JSON.stringify(rule.type)} in a device rule`);
  const ex: DeviceException = { type: rule.type, access: parseAccess(rule.access ?? 'rwm') };
  const major = deviceNumber(rule.major, 'major');
  const minor = deviceNumber(rule.minor, 'minor');
  if (major !== undefined) ex.major = major;
  if (minor !== undefined) ex.minor = minor;
  return ex;
}

/** Negative means "any", as in the v1 writer; the limit is the signed 32-bit immediate we compare with. */
function deviceNumber(n: number | undefined, what: string): number | undefined {
  if (n === undefined || n < 0) return undefined;
  if (!Number.isInteger(n) || n > 0x7fffffff) throw new InvalidArgumentError(`invalid device ${what} number ${n}`);
  return n;
}

function parseAccess(access: string): number {
  let bits = 0;
  for (const ch of access) {
    const bit = ch === 'r' ? ACC_READ : ch === 'w' ? ACC_WRITE : ch === 'm' ? ACC_MKNOD : 0;
    if (!bit) throw new InvalidArgumentError(`invalid device access "${access}": only r, w and m are allowed`);
    bits |= bit;
  }
  return bits;
}

function accessString(bits: number): string {
  return `${bits & ACC_READ ? 'r' : ''}${bits & ACC_WRITE ? 'w' : ''}${bits & ACC_MKNOD ? 'm' : ''}`;
}

/** Whether two exceptions can name one same device. */
function overlaps(a: DeviceException, b: DeviceException): boolean {
  const num = (x: number | undefined, y: number | undefined) => x === undefined || y === undefined || x === y;
  return a.type === b.type && num(a.major, b.major) && num(a.minor, b.minor);
}

// --- eBPF encoding -------------------------------------------------------------------------------
// struct bpf_insn: u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm. A jump's off counts
// instructions from the one after it. Only the opcodes below are emitted (the unit test's
// interpreter knows exactly these).
export const OP = {
  LDX_MEM_W: 0x61, // BPF_LDX | BPF_MEM | BPF_W: dst = *(u32 *)(src + off), zero-extended
  AND_K: 0x57, // BPF_ALU64 | BPF_AND | BPF_K
  RSH_K: 0x77, // BPF_ALU64 | BPF_RSH | BPF_K
  MOV_K: 0xb7, // BPF_ALU64 | BPF_MOV | BPF_K
  MOV_X: 0xbf, // BPF_ALU64 | BPF_MOV | BPF_X
  JEQ_K: 0x15, // BPF_JMP | BPF_JEQ | BPF_K: if (dst == imm) pc += off
  JNE_K: 0x55, // BPF_JMP | BPF_JNE | BPF_K
  EXIT: 0x95, // BPF_JMP | BPF_EXIT: return r0
} as const;

// R1 holds the context on entry; R2..R5 get its fields once; R6 is scratch for access tests.
const R0 = 0, R1 = 1, TYPE = 2, ACCESS = 3, MAJOR = 4, MINOR = 5, TMP = 6;

interface Insn { code: number; dst: number; src: number; off: number; imm: number }
const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });
/** A conditional jump whose target ("the next block") is filled in when the block is complete. */
const SKIP = Number.NaN;

/**
 * The program for these rules: 1 (allow) or 0 (deny) for each access the kernel asks about.
 * Checks mirror v1's: on a deny-by-default cgroup one exception must cover every requested access
 * bit; on an allow-by-default cgroup any exception sharing one requested bit denies.
 */
export function deviceFilterProgram(rules: readonly DeviceRule[]): Buffer {
  const policy = devicePolicy(rules);
  const prog: Insn[] = [
    insn(OP.LDX_MEM_W, TYPE, R1, 0, 0),
    insn(OP.AND_K, TYPE, 0, 0, 0xffff),
    insn(OP.LDX_MEM_W, ACCESS, R1, 0, 0),
    insn(OP.RSH_K, ACCESS, 0, 0, 16),
    insn(OP.LDX_MEM_W, MAJOR, R1, 4, 0),
    insn(OP.LDX_MEM_W, MINOR, R1, 8, 0),
  ];
  for (const ex of policy.exceptions) prog.push(...exceptionBlock(ex, policy.defaultAllow));
  prog.push(insn(OP.MOV_K, R0, 0, 0, policy.defaultAllow ? 1 : 0), insn(OP.EXIT, 0, 0, 0, 0));
  return encode(prog);
}

/** "If the request falls under this exception, return the opposite of the default", else fall through. */
function exceptionBlock(ex: DeviceException, defaultAllow: boolean): Insn[] {
  const block: Insn[] = [insn(OP.JNE_K, TYPE, 0, SKIP, ex.type === 'b' ? DEV_BLOCK : DEV_CHAR)];
  if (ex.major !== undefined) block.push(insn(OP.JNE_K, MAJOR, 0, SKIP, ex.major));
  if (ex.minor !== undefined) block.push(insn(OP.JNE_K, MINOR, 0, SKIP, ex.minor));
  if (defaultAllow) {
    // A deny exception applies as soon as one requested bit is among its bits.
    block.push(insn(OP.MOV_X, TMP, ACCESS, 0, 0), insn(OP.AND_K, TMP, 0, 0, ex.access), insn(OP.JEQ_K, TMP, 0, SKIP, 0));
  } else if ((ex.access & ACC_ALL) !== ACC_ALL) {
    // An allow exception applies only if no requested bit is outside its bits.
    block.push(insn(OP.MOV_X, TMP, ACCESS, 0, 0), insn(OP.AND_K, TMP, 0, 0, ~ex.access & ACC_ALL), insn(OP.JNE_K, TMP, 0, SKIP, 0));
  }
  block.push(insn(OP.MOV_K, R0, 0, 0, defaultAllow ? 0 : 1), insn(OP.EXIT, 0, 0, 0, 0));
  // Every SKIP lands on the first instruction after this block.
  return block.map((i, n) => (Number.isNaN(i.off) ? { ...i, off: block.length - n - 1 } : i));
}

function encode(prog: readonly Insn[]): Buffer {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((i, n) => {
    buf.writeUInt8(i.code, n * 8);
    buf.writeUInt8((i.src << 4) | i.dst, n * 8 + 1);
    buf.writeInt16LE(i.off, n * 8 + 2);
    buf.writeInt32LE(i.imm, n * 8 + 4);
  });
  return buf;
}
