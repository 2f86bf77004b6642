// The InitPlan: everything the C core (native/src/nsexec.c) does to turn a process into a
// container, decided here. Encoding is the TLV format of native/src/plan.h (docs/init-plan.md).

export interface PlanMount {
  src?: string;
  dst: string;
  fstype?: string;
  data?: string;
  flags: number;
  propagation?: number;
  bind?: boolean;
  /** The destination must be a file (bind of a file source). */
  mkfile?: boolean;
}

export interface PlanDevice {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  mode: number;
  uid: number;
  gid: number;
}

export interface PlanCaps {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
}

/** An OCI hook the init runs itself, in the container's namespaces. */
export interface PlanHook {
  stage: 'createContainer' | 'startContainer';
  path: string;
  args: string[];
  env: string[];
  /** Seconds; 0: none. */
  timeout: number;
}

export interface InitPlan {
  nsCreate: number;
  nsJoin: { type: number; path: string }[];
  cgroupnsLate: boolean;
  rootfs?: string;
  rootPropagation?: number;
  rootReadonly: boolean;
  mounts: PlanMount[];
  devices: PlanDevice[];
  symlinks: { link: string; target: string }[];
  masked: string[];
  readonlyPaths: string[];
  hostname?: string;
  domainname?: string;
  sysctls: { key: string; value: string }[];
  rlimits: { resource: number; soft: bigint; hard: bigint }[];
  caps?: PlanCaps;
  uid: number;
  gid: number;
  additionalGids: number[];
  umask?: number;
  noNewPrivs: boolean;
  oomScoreAdj?: number;
  cwd?: string;
  argv: string[];
  env: string[];
  terminal: boolean;
  /** Initial window size of the pty (OCI process.consoleSize). */
  consoleSize?: { rows: number; cols: number };
  stdinRelay: boolean;
  /** exec -it: the relay detaches on this key sequence (bytes as latin1; src/cli/detach-keys.ts). */
  detachKeys?: string;
  consoleSocket?: string;
  execFifo?: string;
  detach: boolean;
  loopbackUp: boolean;
  log: boolean;
  keepFds: number[];
  seccomp?: Buffer;
  /** SECCOMP_FILTER_FLAG_* given to seccomp(2) with the filter. */
  seccompFlags?: number;
  /** /proc/PID/uid_map and gid_map contents for a new user namespace, written by stage-0. */
  uidMap?: string;
  gidMap?: string;
  /** Name of the fresh session keyring the process joins (none: it keeps its parent's). */
  sessionKeyring?: string;
  /** v1 `tasks` files the init writes "0" into (it moves itself: no RCU wait, unlike cgroup.procs). */
  cgroupJoin: string[];
  /** cgroup2 directory the init is cloned straight into (clone3 CLONE_INTO_CGROUP). */
  cgroup2Dir?: string;
  hooks?: PlanHook[];
  /** MS_MOVE + chroot instead of pivot_root (runc's --no-pivot, for a rootfs on ramfs). */
  noPivot?: boolean;
}

// Tags: keep in step with enum plan_tag in native/src/plan.h.
export const T = {
  NS_CREATE: 1, NS_JOIN: 2, CGROUPNS_LATE: 3, ROOTFS: 4, ROOT_PROPAGATION: 5, ROOT_READONLY: 6, MOUNT: 7,
  DEVICE: 8, SYMLINK: 9, MASK: 10, READONLY_PATH: 11, HOSTNAME: 12, DOMAINNAME: 13, SYSCTL: 14, RLIMIT: 15,
  CAPS: 16, UID: 17, GID: 18, ADDITIONAL_GID: 19, UMASK: 20, NO_NEW_PRIVS: 21, OOM_SCORE_ADJ: 22, CWD: 23,
  ARG: 24, ENV: 25, TERMINAL: 26, CONSOLE_SOCKET: 27, EXEC_FIFO: 28, DETACH: 29, LOOPBACK_UP: 30, LOG: 31,
  STDIN_RELAY: 32, KEEP_FD: 33, SECCOMP: 34, CONSOLE_SIZE: 35, CGROUP_JOIN: 36, CGROUP2_DIR: 37, UID_MAP: 38,
  GID_MAP: 39, SESSION_KEYRING: 40, SECCOMP_FLAGS: 41, HOOK: 42, NO_PIVOT: 43, DETACH_KEYS: 44,
} as const;
const S_MOUNT = { SRC: 1, DST: 2, FSTYPE: 3, DATA: 4, FLAGS: 5, PROPAGATION: 6, BIND: 7, MKFILE: 8 } as const;
const S_DEV = { PATH: 1, TYPE: 2, MAJOR: 3, MINOR: 4, MODE: 5, UID: 6, GID: 7 } as const;
const S_NS = { TYPE: 1, PATH: 2 } as const;
const S_KV = { KEY: 1, VALUE: 2 } as const;
const S_HOOK = { STAGE: 1, PATH: 2, ARG: 3, ENV: 4, TIMEOUT: 5 } as const;
const HOOK_STAGES = { createContainer: 1, startContainer: 2 } as const;

export const PLAN_MAGIC = 'MDPLAN01';

/** TLV writer over one growing buffer (nested records are back-patched), not a Buffer per field. */
class Writer {
  private buf = Buffer.allocUnsafe(8192);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  private head(tag: number, length: number): void {
    this.reserve(6 + length);
    this.buf.writeUInt16LE(tag, this.len);
    this.buf.writeUInt32LE(length, this.len + 2);
    this.len += 6;
  }
  raw(tag: number, value: Buffer): this {
    this.head(tag, value.length);
    value.copy(this.buf, this.len);
    this.len += value.length;
    return this;
  }
  u64(tag: number, v: number | bigint | boolean): this {
    const n = typeof v === 'boolean' ? Number(v) : v;
    this.head(tag, 8);
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) {
      this.buf.writeUInt32LE(n % 0x1_0000_0000, this.len);
      this.buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), this.len + 4);
    } else {
      this.buf.writeBigUInt64LE(BigInt(n), this.len); // a bigint, or the RangeError of a value that is no u64
    }
    this.len += 8;
    return this;
  }
  str(tag: number, s: string | undefined): this {
    if (s === undefined) return this;
    if (s.includes('\0')) throw new Error(`plan string contains NUL: ${JSON.stringify(s)}`);
    const n = Buffer.byteLength(s, 'utf8');
    this.head(tag, n);
    this.buf.write(s, this.len, 'utf8');
    this.len += n;
    return this;
  }
  nested(tag: number, build: (w: Writer) => void): this {
    this.reserve(6);
    const at = this.len;
    this.len += 6;
    build(this);
    this.buf.writeUInt16LE(tag, at);
    this.buf.writeUInt32LE(this.len - at - 6, at + 2);
    return this;
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

export function encodePlan(plan: InitPlan): Buffer {
  const w = new Writer();
  w.u64(T.NS_CREATE, plan.nsCreate);
  for (const ns of plan.nsJoin) w.nested(T.NS_JOIN, (n) => n.u64(S_NS.TYPE, ns.type).str(S_NS.PATH, ns.path));
  if (plan.cgroupnsLate) w.u64(T.CGROUPNS_LATE, 1);
  w.str(T.ROOTFS, plan.rootfs);
  if (plan.rootPropagation) w.u64(T.ROOT_PROPAGATION, plan.rootPropagation);
  if (plan.rootReadonly) w.u64(T.ROOT_READONLY, 1);
  for (const m of plan.mounts) {
    w.nested(T.MOUNT, (n) => {
      n.str(S_MOUNT.SRC, m.src).str(S_MOUNT.DST, m.dst).str(S_MOUNT.FSTYPE, m.fstype).str(S_MOUNT.DATA, m.data);
      n.u64(S_MOUNT.FLAGS, m.flags);
      if (m.propagation) n.u64(S_MOUNT.PROPAGATION, m.propagation);
      if (m.bind) n.u64(S_MOUNT.BIND, 1);
      if (m.mkfile) n.u64(S_MOUNT.MKFILE, 1);
    });
  }
  for (const d of plan.devices) {
    w.nested(T.DEVICE, (n) =>
      n.str(S_DEV.PATH, d.path).u64(S_DEV.TYPE, d.type.charCodeAt(0)).u64(S_DEV.MAJOR, d.major)
        .u64(S_DEV.MINOR, d.minor).u64(S_DEV.MODE, d.mode).u64(S_DEV.UID, d.uid).u64(S_DEV.GID, d.gid));
  }
  for (const l of plan.symlinks) w.nested(T.SYMLINK, (n) => n.str(S_KV.KEY, l.link).str(S_KV.VALUE, l.target));
  for (const p of plan.masked) w.str(T.MASK, p);
  for (const p of plan.readonlyPaths) w.str(T.READONLY_PATH, p);
  w.str(T.HOSTNAME, plan.hostname).str(T.DOMAINNAME, plan.domainname);
  for (const s of plan.sysctls) w.nested(T.SYSCTL, (n) => n.str(S_KV.KEY, s.key).str(S_KV.VALUE, s.value));
  for (const r of plan.rlimits) w.nested(T.RLIMIT, (n) => n.u64(1, r.resource).u64(2, r.soft).u64(3, r.hard));
  if (plan.caps) {
    const c = plan.caps;
    w.nested(T.CAPS, (n) =>
      n.u64(1, c.bounding).u64(2, c.effective).u64(3, c.permitted).u64(4, c.inheritable).u64(5, c.ambient));
  }
  w.u64(T.UID, plan.uid).u64(T.GID, plan.gid);
  for (const g of plan.additionalGids) w.u64(T.ADDITIONAL_GID, g);
  if (plan.umask !== undefined) w.u64(T.UMASK, plan.umask);
  if (plan.noNewPrivs) w.u64(T.NO_NEW_PRIVS, 1);
  if (plan.oomScoreAdj !== undefined) w.str(T.OOM_SCORE_ADJ, String(plan.oomScoreAdj));
  w.str(T.CWD, plan.cwd);
  for (const a of plan.argv) w.str(T.ARG, a);
  for (const e of plan.env) w.str(T.ENV, e);
  if (plan.terminal) w.u64(T.TERMINAL, 1);
  if (plan.consoleSize) w.nested(T.CONSOLE_SIZE, (n) => n.u64(1, plan.consoleSize!.rows).u64(2, plan.consoleSize!.cols));
  if (plan.stdinRelay) w.u64(T.STDIN_RELAY, 1);
  w.str(T.DETACH_KEYS, plan.detachKeys);
  w.str(T.CONSOLE_SOCKET, plan.consoleSocket).str(T.EXEC_FIFO, plan.execFifo);
  if (plan.detach) w.u64(T.DETACH, 1);
  if (plan.loopbackUp) w.u64(T.LOOPBACK_UP, 1);
  if (plan.log) w.u64(T.LOG, 1);
  for (const fd of plan.keepFds) w.u64(T.KEEP_FD, fd);
  if (plan.seccomp) w.raw(T.SECCOMP, plan.seccomp);
  if (plan.seccompFlags) w.u64(T.SECCOMP_FLAGS, plan.seccompFlags);
  w.str(T.UID_MAP, plan.uidMap).str(T.GID_MAP, plan.gidMap).str(T.SESSION_KEYRING, plan.sessionKeyring);
  for (const h of plan.hooks ?? []) {
    w.nested(T.HOOK, (n) => {
      n.u64(S_HOOK.STAGE, HOOK_STAGES[h.stage]).str(S_HOOK.PATH, h.path).u64(S_HOOK.TIMEOUT, h.timeout);
      for (const a of h.args) n.str(S_HOOK.ARG, a);
      for (const e of h.env) n.str(S_HOOK.ENV, e);
    });
  }
  if (plan.noPivot) w.u64(T.NO_PIVOT, 1);
  for (const f of plan.cgroupJoin) w.str(T.CGROUP_JOIN, f);
  w.str(T.CGROUP2_DIR, plan.cgroup2Dir);
  const body = w.done();
  const head = Buffer.alloc(12);
  head.write(PLAN_MAGIC, 0, 'latin1');
  head.writeUInt32LE(body.length, 8);
  return Buffer.concat([head, body]);
}
