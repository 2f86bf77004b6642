// docker's seccomp profile format (`--security-opt seccomp=FILE.json`) and its reduction to OCI linux.seccomp.
// A docker profile is an OCI seccomp section plus conditions: a rule may apply only with some capabilities,
// on some architectures or from some kernel on. Docker evaluates them when it builds the spec; so do we.
import { FailedPreconditionError, InvalidArgumentError } from '../../errors/errors';
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPERATORS, errnoRetProblem } from '../../runtime/seccomp';
import type { LinuxSeccomp, SeccompAction, SeccompArg, SeccompSyscall } from '../../runtime/spec';

/** When a rule applies. In `includes` every condition must hold; in `excludes` any one drops the rule. */
export interface DockerSeccompFilter {
  /** includes: all of them in the bounding set; excludes: any of them. */
  caps?: string[];
  /** docker's names for the native arch: "amd64", "arm64", "x86", "s390x"... */
  arches?: string[];
  /** "<major>.<minor>", compared with the host kernel's first two numbers. */
  minKernel?: string;
}

export interface DockerSeccompRule extends SeccompSyscall {
  comment?: string;
  includes?: DockerSeccompFilter;
  excludes?: DockerSeccompFilter;
}

export interface DockerArchMap {
  architecture: string;
  subArchitectures?: string[];
}

export interface DockerSeccompProfile {
  /** Absent only when no rule is listed either: docker then runs the container unconfined. */
  defaultAction?: SeccompAction;
  defaultErrnoRet?: number;
  /** The older way to list architectures, used as is; exclusive with archMap. */
  architectures?: string[];
  /** Per native architecture, the architectures a filter covers (x86_64 also runs x86 and x32 code). */
  archMap?: DockerArchMap[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls: DockerSeccompRule[];
}

export interface SeccompContext {
  /** The container's bounding set, as docker checks it ("CAP_SYS_ADMIN"). */
  capabilities: string[];
  /** process.arch */
  arch: string;
  /** os.release() */
  kernel: string;
}

/** process.arch → docker's name for it and the matching seccomp architecture. */
const NATIVE_ARCHES: Readonly<Record<string, { docker: string; seccomp: string }>> = {
  x64: { docker: 'amd64', seccomp: 'SCMP_ARCH_X86_64' },
  arm64: { docker: 'arm64', seccomp: 'SCMP_ARCH_AARCH64' },
  ia32: { docker: 'x86', seccomp: 'SCMP_ARCH_X86' },
  arm: { docker: 'arm', seccomp: 'SCMP_ARCH_ARM' },
  ppc64: { docker: 'ppc64le', seccomp: 'SCMP_ARCH_PPC64LE' }, // Node runs on little-endian ppc64 only
  s390x: { docker: 's390x', seccomp: 'SCMP_ARCH_S390X' },
  riscv64: { docker: 'riscv64', seccomp: 'SCMP_ARCH_RISCV64' },
  loong64: { docker: 'loong64', seccomp: 'SCMP_ARCH_LOONGARCH64' },
  mips64el: { docker: 'mipsel64', seccomp: 'SCMP_ARCH_MIPSEL64' },
};

/** Reads and checks a profile; every problem is one line naming the file and the field. */
export function parseDockerProfile(text: string, source: string): DockerSeccompProfile {
  const fail = (where: string, problem: string) =>
    new InvalidArgumentError(`seccomp profile ${source}: ${where ? `${where}: ` : ''}${problem}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail('', `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return new ProfileReader(fail).profile(json);
}

type Fail = (where: string, problem: string) => InvalidArgumentError;
type Json = Record<string, unknown>;

/** Hand-written checks: the format is small, and a schema library would cost start-up time. */
class ProfileReader {
  constructor(private readonly fail: Fail) {}

  profile(json: unknown): DockerSeccompProfile {
    const o = this.object(json, '');
    const defaultAction = this.action(o, 'defaultAction', '');
    const defaultErrnoRet = this.errno(o, 'defaultErrnoRet', '', defaultAction);
    const syscalls = this.list(o, 'syscalls', '', (v, w) => this.rule(v, w));
    if (!defaultAction && syscalls.length > 0) throw this.fail('defaultAction', 'missing (required when syscalls are listed)');
    const architectures = this.list(o, 'architectures', '', (v, w) => this.arch(v, w));
    const archMap = this.list(o, 'archMap', '', (v, w) => this.archMapEntry(v, w));
    if (architectures.length > 0 && archMap.length > 0) {
      throw this.fail('archMap', 'cannot be combined with architectures; use one of them');
    }
    const flags = this.list(o, 'flags', '', (v, w) => {
      if (typeof v !== 'string' || !Object.hasOwn(SECCOMP_FLAGS, v)) throw this.fail(w, `unsupported flag ${show(v)}`);
      return v;
    });
    return {
      ...(defaultAction ? { defaultAction } : {}),
      ...optional('defaultErrnoRet', defaultErrnoRet),
      ...(architectures.length ? { architectures } : {}),
      ...(archMap.length ? { archMap } : {}),
      ...(field(o, 'flags') != null ? { flags } : {}), // an explicit [] differs from none (see lowerSeccomp)
      ...optional('listenerPath', this.string(o, 'listenerPath', '')),
      ...optional('listenerMetadata', this.string(o, 'listenerMetadata', '')),
      syscalls,
    };
  }

  private rule(v: unknown, where: string): DockerSeccompRule {
    const o = this.object(v, where);
    const name = this.string(o, 'name', where);
    const names = this.list(o, 'names', where, (n, w) => this.syscallName(n, w));
    if (name && names.length) throw this.fail(where, 'has both name and names; use names');
    if (name) names.push(this.syscallName(name, path(where, 'name')));
    if (!names.length) throw this.fail(path(where, 'names'), 'must list at least one system call');
    const action = this.action(o, 'action', where);
    if (!action) throw this.fail(path(where, 'action'), 'missing');
    const args = this.list(o, 'args', where, (a, w) => this.arg(a, w));
    return {
      names,
      action,
      ...optional('errnoRet', this.errno(o, 'errnoRet', where, action)),
      ...(args.length ? { args } : {}),
      ...optional('comment', this.string(o, 'comment', where)),
      ...optional('includes', this.filter(o, 'includes', where)),
      ...optional('excludes', this.filter(o, 'excludes', where)),
    };
  }

  private arg(v: unknown, where: string): SeccompArg {
    const o = this.object(v, where);
    const index = field(o, 'index');
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 5) {
      throw this.fail(path(where, 'index'), `must be 0 to 5, got ${show(index)}`);
    }
    const op = field(o, 'op');
    if (typeof op !== 'string' || !Object.hasOwn(SECCOMP_OPERATORS, op)) throw this.fail(path(where, 'op'), `unknown operator ${show(op)}`);
    const valueTwo = this.u64(o, 'valueTwo', where);
    return { index: index as number, value: this.u64(o, 'value', where) ?? 0, ...optional('valueTwo', valueTwo), op: op as SeccompArg['op'] };
  }

  private filter(o: Json, key: string, where: string): DockerSeccompFilter | undefined {
    const v = field(o, key);
    if (v == null) return undefined;
    const at = path(where, key);
    const f = this.object(v, at);
    const caps = this.list(f, 'caps', at, (c, w) => this.nonEmpty(c, w));
    const arches = this.list(f, 'arches', at, (a, w) => this.nonEmpty(a, w));
    const minKernel = this.string(f, 'minKernel', at);
    if (minKernel && !parseMinKernel(minKernel)) {
      throw this.fail(path(at, 'minKernel'), `invalid kernel version ${show(minKernel)}, expected "<major>.<minor>"`);
    }
    return { ...(caps.length ? { caps } : {}), ...(arches.length ? { arches } : {}), ...(minKernel ? { minKernel } : {}) };
  }

  private archMapEntry(v: unknown, where: string): DockerArchMap {
    const o = this.object(v, where);
    const architecture = this.arch(field(o, 'architecture'), path(where, 'architecture'));
    const subArchitectures = this.list(o, 'subArchitectures', where, (a, w) => this.arch(a, w));
    return { architecture, ...(subArchitectures.length ? { subArchitectures } : {}) };
  }

  private arch(v: unknown, where: string): string {
    if (typeof v !== 'string' || !SECCOMP_ARCHES.has(v)) throw this.fail(where, `unknown architecture ${show(v)}`);
    return v;
  }

  /** An action name, or undefined when absent or "" (Go's zero value, which docker treats as unset). */
  private action(o: Json, key: string, where: string): SeccompAction | undefined {
    const v = field(o, key);
    if (v == null || v === '') return undefined;
    if (typeof v !== 'string' || !Object.hasOwn(SECCOMP_ACTIONS, v)) throw this.fail(path(where, key), `unknown action ${show(v)}`);
    return v as SeccompAction;
  }

  /** Kept whatever the action (docker passes it on); its range depends on the action. */
  private errno(o: Json, key: string, where: string, action: SeccompAction | undefined): number | undefined {
    const v = field(o, key);
    if (v == null) return undefined;
    const problem = errnoRetProblem(action, v);
    if (problem) throw this.fail(path(where, key), problem);
    return v as number;
  }

  private u64(o: Json, key: string, where: string): number | undefined {
    const v = field(o, key);
    if (v == null) return undefined;
    // JSON.parse has already rounded anything past 2^53; refusing beats comparing against the wrong number.
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw this.fail(path(where, key), `must be an integer from 0 to 2^53-1, got ${show(v)}`);
    return v as number;
  }

  private syscallName(v: unknown, where: string): string {
    // Names unknown to libseccomp are skipped when compiling (as runc does); only the shape is checked.
    if (typeof v !== 'string' || !/^[\w.-]{1,100}$/.test(v)) throw this.fail(where, `invalid system call name ${show(v)}`);
    return v;
  }

  private nonEmpty(v: unknown, where: string): string {
    if (typeof v !== 'string' || v === '') throw this.fail(where, `must be a non-empty string, got ${show(v)}`);
    return v;
  }

  private string(o: Json, key: string, where: string): string | undefined {
    const v = field(o, key);
    if (v == null) return undefined;
    if (typeof v !== 'string') throw this.fail(path(where, key), `must be a string, got ${show(v)}`);
    return v || undefined;
  }

  private list<T>(o: Json, key: string, where: string, item: (v: unknown, where: string) => T): T[] {
    const v = field(o, key);
    if (v == null) return [];
    const at = path(where, key);
    if (!Array.isArray(v)) throw this.fail(at, `must be a list, got ${show(v)}`);
    return v.map((x, i) => item(x, `${at}[${i}]`));
  }

  private object(v: unknown, where: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(where, `must be an object, got ${show(v)}`);
    return v as Json;
  }
}

/**
 * Reduces a profile to what the runtime compiles, for this container on this host: undefined when the
 * profile disables seccomp (docker's `{}`). Conditions are evaluated exactly as docker's setupSeccomp does.
 */
export function toOciSeccomp(profile: DockerSeccompProfile, ctx: SeccompContext): LinuxSeccomp | undefined {
  if (!profile.defaultAction) return undefined;
  const native = NATIVE_ARCHES[ctx.arch];
  const dockerArch = native?.docker ?? ctx.arch;
  const caps = new Set(ctx.capabilities);
  let kernel: KernelVersion | undefined;
  const kernelAtLeast = (min: string): boolean => {
    kernel ??= parseRelease(ctx.kernel);
    const want = parseMinKernel(min)!; // checked by the parser
    return kernel.major > want.major || (kernel.major === want.major && kernel.minor >= want.minor);
  };
  const applies = (r: DockerSeccompRule): boolean => {
    const ex = r.excludes;
    if (ex?.arches?.includes(dockerArch)) return false;
    if (ex?.caps?.some((c) => caps.has(c))) return false;
    if (ex?.minKernel && kernelAtLeast(ex.minKernel)) return false;
    const inc = r.includes;
    if (inc?.arches?.length && !inc.arches.includes(dockerArch)) return false;
    if (inc?.caps && !inc.caps.every((c) => caps.has(c))) return false;
    if (inc?.minKernel && !kernelAtLeast(inc.minKernel)) return false;
    return true;
  };
  const architectures = profile.architectures?.slice() ?? archesFor(profile.archMap, native?.seccomp);
  const syscalls = profile.syscalls.filter(applies).map((r): SeccompSyscall => ({
    names: r.names.slice(),
    action: r.action,
    ...optional('errnoRet', r.errnoRet),
    ...(r.args?.length ? { args: r.args.map((a) => ({ ...a })) } : {}),
  }));
  return {
    defaultAction: profile.defaultAction,
    ...optional('defaultErrnoRet', profile.defaultErrnoRet),
    ...(architectures?.length ? { architectures } : {}),
    ...(profile.flags ? { flags: profile.flags.slice() } : {}),
    ...optional('listenerPath', profile.listenerPath),
    ...optional('listenerMetadata', profile.listenerMetadata),
    syscalls,
  };
}

/** The archMap entry of the native architecture, with its sub-architectures; none on an unknown arch, as docker. */
function archesFor(archMap: DockerArchMap[] | undefined, native: string | undefined): string[] | undefined {
  const entry = archMap?.find((a) => a.architecture === native);
  return entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : undefined;
}

interface KernelVersion {
  major: number;
  minor: number;
}

/** docker's minKernel: exactly two numbers, each below 256, not "0.0". */
function parseMinKernel(v: string): KernelVersion | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 256 && minor < 256 && major + minor > 0 ? { major, minor } : undefined;
}

/** "6.18.0-1-amd64" → 6.18; later numbers and distribution suffixes do not count. */
function parseRelease(release: string): KernelVersion {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) throw new FailedPreconditionError(`seccomp: cannot read the kernel version from ${JSON.stringify(release)}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * A field as Go's encoding/json finds it, which docker uses: the exact key first, else any key equal to it
 * ignoring case ("DefaultAction" works in docker, so it works here).
 */
function field(o: Json, key: string): unknown {
  if (Object.hasOwn(o, key)) return o[key];
  const lower = key.toLowerCase();
  const match = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return match === undefined ? undefined : o[match];
}

function path(where: string, key: string): string {
  return where ? `${where}.${key}` : key;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
