// OCI linux.seccomp → the classic BPF program nsexec hands to seccomp(2) just before exec.
// TypeScript validates and lowers the rules to numbers; libseccomp (native/build/seccomp.node) compiles them.
// Programs are cached by content: a hit costs a hash and a read, and never loads the addon (~0.2 ms dlopen).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, InternalError } from '../errors/errors';
import { writeFileAtomic } from '../store/atomic';
import { nativeDir, sys } from '../sys/native';
import type { LinuxSeccomp, SeccompAction, SeccompArg } from './spec';

const EPERM = 1;
const SPEC_ALLOW = 4;
const BPF_MAXINSNS = 4096;
const SOCK_FILTER_SIZE = 8;
/** Bumped whenever the lowering changes, so old cache entries are never reused. */
const CACHE_FORMAT = 1;

/** The kernel's SECCOMP_RET_* values, which libseccomp's SCMP_ACT_* macros equal (ERRNO/TRACE carry data). */
export const SECCOMP_ACTIONS: Readonly<Record<SeccompAction, number>> = {
  SCMP_ACT_KILL: 0x00000000, // libseccomp's KILL is KILL_THREAD
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO: 0x00050000,
  SCMP_ACT_TRACE: 0x7ff00000,
  SCMP_ACT_LOG: 0x7ffc0000,
  SCMP_ACT_ALLOW: 0x7fff0000,
  SCMP_ACT_NOTIFY: 0x7fc00000,
};

/** libseccomp's enum scmp_compare. */
export const SECCOMP_OPERATORS: Readonly<Record<SeccompArg['op'], number>> = {
  SCMP_CMP_NE: 1, SCMP_CMP_LT: 2, SCMP_CMP_LE: 3, SCMP_CMP_EQ: 4, SCMP_CMP_GE: 5, SCMP_CMP_GT: 6, SCMP_CMP_MASKED_EQ: 7,
};

/** The runtime-spec's architecture names; libseccomp's own name is the lower-cased suffix ("x86_64"). */
export const SECCOMP_ARCHES: ReadonlySet<string> = new Set([
  'X86', 'X86_64', 'X32', 'ARM', 'AARCH64', 'MIPS', 'MIPS64', 'MIPS64N32', 'MIPSEL', 'MIPSEL64', 'MIPSEL64N32',
  'PPC', 'PPC64', 'PPC64LE', 'S390', 'S390X', 'PARISC', 'PARISC64', 'RISCV64', 'LOONGARCH64', 'M68K', 'SH', 'SHEB',
].map((a) => `SCMP_ARCH_${a}`));

/** SECCOMP_FILTER_FLAG_* for seccomp(2); the others need a listener (NEW_LISTENER, WAIT_KILLABLE_RECV) or are unused. */
export const SECCOMP_FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SPEC_ALLOW,
};

export type LoweredArg = [index: number, op: number, value: bigint, valueTwo: bigint];
export type LoweredRule = [name: string, action: number, args: LoweredArg[]];

/** What the addon compiles: numbers only, every value checked. */
export interface SeccompProgram {
  defaultAction: number;
  /** libseccomp names ("x86_64"); the native one is always in a new filter. */
  arches: string[];
  rules: LoweredRule[];
  /** SECCOMP_FILTER_FLAG_* bits: given to seccomp(2), not part of the program. */
  flags: number;
}

export interface CompiledSeccomp {
  /** struct sock_filter[]: what seccomp(SECCOMP_SET_MODE_FILTER) takes. */
  bpf: Buffer;
  flags: number;
}

interface SeccompAddon {
  compile(defaultAction: number, arches: string[], rules: LoweredRule[], optimize: boolean): Buffer;
  version(): string;
}

/**
 * Validated, cached compilation of an OCI seccomp section. The key hashes the input itself, so a hit skips
 * validation as well: an identical input was validated when it was compiled (CACHE_FORMAT covers changes to
 * the rules), and hashing ~8 KB of JSON costs far less than walking every rule.
 */
export function compileSeccomp(spec: LinuxSeccomp, cacheDir: string): CompiledSeccomp {
  if (!isObject(spec)) throw bad('linux.seccomp', 'must be an object');
  const flags = lowerFlags(spec.flags, 'linux.seccomp.flags');
  const file = path.join(cacheDir, `${cacheKey(spec)}.bpf`);
  const cached = readCached(file);
  if (cached) return { bpf: cached, flags };
  const program = lowerSeccomp(spec);
  // libseccomp 2.5.4 builds a broken tree when optimizing an empty rule set; runc's threshold is 32.
  const raw = seccompAddon().compile(program.defaultAction, program.arches, program.rules, program.rules.length > 32);
  const bpf = checkProgram(raw);
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  // Not fsynced: a cache entry lost or emptied by a crash is only recompiled (readCached checks it).
  writeFileAtomic(file, bpf, { mode: 0o600, durable: false });
  return { bpf, flags };
}

/** Checks an OCI seccomp section (it may come from any bundle's config.json) and turns it into numbers. */
export function lowerSeccomp(spec: LinuxSeccomp): SeccompProgram {
  const at = 'linux.seccomp';
  if (!isObject(spec)) throw bad(at, 'must be an object');
  if (spec.listenerPath !== undefined && spec.listenerPath !== '') {
    throw bad(`${at}.listenerPath`, 'seccomp notification listeners are not supported');
  }
  const defaultAction = actionValue(spec.defaultAction, spec.defaultErrnoRet, `${at}.defaultAction`, `${at}.defaultErrnoRet`);
  const arches = list(spec.architectures, `${at}.architectures`).map((a, i) => {
    if (typeof a !== 'string' || !SECCOMP_ARCHES.has(a)) throw bad(`${at}.architectures[${i}]`, `unknown architecture ${quote(a)}`);
    return a.slice('SCMP_ARCH_'.length).toLowerCase();
  });
  const rules: LoweredRule[] = [];
  list(spec.syscalls, `${at}.syscalls`).forEach((call: unknown, i) => {
    const where = `${at}.syscalls[${i}]`;
    if (!isObject(call)) throw bad(where, 'must be an object');
    const action = actionValue(call.action, call.errnoRet, `${where}.action`, `${where}.errnoRet`);
    const names = list(call.names, `${where}.names`);
    if (names.length === 0) throw bad(`${where}.names`, 'must list at least one system call');
    names.forEach((name, j) => {
      // Unknown names are skipped at compile time (as runc does), so only the shape is checked here.
      if (typeof name !== 'string' || !/^[\w.-]{1,100}$/.test(name)) throw bad(`${where}.names[${j}]`, `invalid system call name ${quote(name)}`);
    });
    const args = list(call.args, `${where}.args`).map((arg, j) => lowerArg(arg, `${where}.args[${j}]`));
    // libseccomp refuses a rule that repeats the default action; runc drops those rules, and so do we.
    if (action === defaultAction) return;
    for (const name of names as string[]) {
      for (const set of conditionSets(args)) rules.push([name, action, set]);
    }
  });
  return { defaultAction, arches, rules, flags: lowerFlags(spec.flags, `${at}.flags`) };
}

/**
 * libseccomp ANDs a rule's conditions and allows one condition per argument. Like runc, a rule that tests
 * one argument twice becomes one rule per condition (so the conditions are ORed).
 */
function conditionSets(args: LoweredArg[]): LoweredArg[][] {
  const indexes = new Set(args.map((a) => a[0]));
  return indexes.size === args.length ? [args] : args.map((a) => [a]);
}

function lowerArg(arg: unknown, where: string): LoweredArg {
  if (!isObject(arg)) throw bad(where, 'must be an object');
  const { index, value, valueTwo = 0, op } = arg;
  if (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 5) throw bad(`${where}.index`, `must be 0 to 5, got ${quote(index)}`);
  if (typeof op !== 'string' || !Object.hasOwn(SECCOMP_OPERATORS, op)) throw bad(`${where}.op`, `unknown operator ${quote(op)}`);
  return [index as number, SECCOMP_OPERATORS[op as SeccompArg['op']], u64(value, `${where}.value`), u64(valueTwo, `${where}.valueTwo`)];
}

function u64(v: unknown, where: string): bigint {
  // JSON numbers past 2^53 have already lost digits by the time we see them: refuse rather than guess.
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(where, `must be an integer from 0 to 2^53-1, got ${quote(v)}`);
  return BigInt(v as number);
}

function actionValue(action: unknown, errnoRet: unknown, where: string, errnoWhere: string): number {
  if (typeof action !== 'string' || !Object.hasOwn(SECCOMP_ACTIONS, action)) throw bad(where, `unknown action ${quote(action)}`);
  if (action === 'SCMP_ACT_NOTIFY') throw bad(where, 'SCMP_ACT_NOTIFY is not supported (no seccomp agent)');
  const base = SECCOMP_ACTIONS[action as SeccompAction];
  // As runc: errnoRet matters only for ERRNO and TRACE, and defaults to EPERM there.
  if (action !== 'SCMP_ACT_ERRNO' && action !== 'SCMP_ACT_TRACE') return base;
  const problem = errnoRetProblem(action, errnoRet);
  if (problem) throw bad(errnoWhere, problem);
  return (base | ((errnoRet as number | undefined) ?? EPERM)) >>> 0;
}

/**
 * Why an errnoRet cannot go with an action, or undefined. ERRNO's data is an errno, which libseccomp wants
 * below MAX_ERRNO (4095); TRACE passes 16 bits to the tracer; other (or not yet known) actions ignore it.
 */
export function errnoRetProblem(action: SeccompAction | undefined, errnoRet: unknown): string | undefined {
  if (errnoRet === undefined) return undefined;
  const max = action === 'SCMP_ACT_ERRNO' ? 4094 : 0xffff;
  if (Number.isInteger(errnoRet) && (errnoRet as number) >= 0 && (errnoRet as number) <= max) return undefined;
  return `must be an integer from 0 to ${max}${action === 'SCMP_ACT_ERRNO' ? ' (an errno)' : ''}, got ${quote(errnoRet)}`;
}

function lowerFlags(flags: unknown, where: string): number {
  // runc's default when a spec says nothing: let the container choose its own speculation mitigations.
  if (flags === undefined || flags === null) return SPEC_ALLOW;
  return list(flags, where).reduce<number>((bits, f, i) => {
    const bit = typeof f === 'string' && Object.hasOwn(SECCOMP_FLAGS, f) ? SECCOMP_FLAGS[f] : undefined;
    if (bit === undefined) throw bad(`${where}[${i}]`, `unsupported flag ${quote(f)}`);
    return bits | bit;
  }, 0);
}

/**
 * Every field lowerSeccomp reads except flags (checked on every call), sorted. Given as JSON.stringify's
 * replacer, the list makes it write these keys in this order in every object and drop all others: a canonical
 * form of exactly what the program depends on, at native speed.
 */
const KEY_FIELDS = ['action', 'architectures', 'args', 'defaultAction', 'defaultErrnoRet', 'errnoRet', 'index',
  'listenerPath', 'names', 'op', 'syscalls', 'value', 'valueTwo'];

/**
 * Same input, same compiler → same program. The addon links libseccomp statically (native/Makefile), so its
 * file identity stands for the libseccomp version without loading it; process.arch picks the native arch.
 */
function cacheKey(spec: LinuxSeccomp): string {
  const canonical = JSON.stringify([CACHE_FORMAT, process.arch, addonIdentity(), spec], KEY_FIELDS);
  return sys().sha256Hex(Buffer.from(canonical));
}

function addonIdentity(): string {
  const file = addonPath();
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch (err) {
    throw new InternalError(`seccomp compiler ${file} is missing (build it with make -C native)`, { cause: err });
  }
}

/** A cache entry, or undefined when there is none or it is not a plausible program (then it is recompiled). */
function readCached(file: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return isPlausibleProgram(data) ? data : undefined;
}

function isPlausibleProgram(bpf: Buffer): boolean {
  return bpf.length > 0 && bpf.length % SOCK_FILTER_SIZE === 0 && bpf.length / SOCK_FILTER_SIZE <= BPF_MAXINSNS;
}

function checkProgram(bpf: Buffer): Buffer {
  if (isPlausibleProgram(bpf)) return bpf;
  if (bpf.length === 0 || bpf.length % SOCK_FILTER_SIZE !== 0) {
    throw new InternalError(`seccomp: libseccomp produced ${bpf.length} bytes, not a whole number of BPF instructions`);
  }
  // A profile can be too big for the kernel: that is the user's input, not our failure.
  throw new InvalidArgumentError(`seccomp: the profile compiles to ${bpf.length / SOCK_FILTER_SIZE} BPF instructions; `
    + `the kernel accepts at most ${BPF_MAXINSNS}`);
}

function addonPath(): string {
  return path.join(nativeDir(), 'seccomp.node');
}

let addon: SeccompAddon | undefined;

/** The compiler addon, loaded on first use (only on a cache miss). */
export function seccompAddon(): SeccompAddon {
  if (!addon) {
    const mod = { exports: {} as SeccompAddon };
    process.dlopen(mod, addonPath());
    addon = mod.exports;
  }
  return addon;
}

function list(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(where, 'must be a list');
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
}

function bad(where: string, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(`${where}: ${problem}`);
}
