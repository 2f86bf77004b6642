// A container's security settings: validated from the run flags at create (before anything is
// written), kept in docker's HostConfig fields, and turned into OCI spec parts at every start.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { InvalidArgumentError } from '../../errors/errors';
import { inUserNamespace } from '../../sys/rootless';
import type { Device, DeviceRule, IdMapping, LinuxSeccomp } from '../../runtime/spec';
import { DEFAULT_SECCOMP_PROFILE } from '../../security/seccomp/default-profile';
import { parseDockerProfile, toOciSeccomp } from '../../security/seccomp/docker-profile';
import { CAPABILITIES } from '../../sys/linux-constants';
import { resolveCapabilities } from './capabilities';
import { hostDevices, parseDeviceCgroupRule, parseDeviceFlag, resolveDeviceMapping, type DeviceMapping } from './devices';
import { parseSecurityOpts, type SecurityOpts } from './security-opts';
import { parseSysctls } from './sysctls';
import { formatMaps, parseUserns, type IdMappings, type UsernsRequest } from './userns';

/** The run flags, as typed. */
export interface SecurityFlags {
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  devices: string[];
  deviceCgroupRules: string[];
  groupAdd: string[];
  sysctls: string[];
  oomScoreAdj?: string;
  securityOpts: string[];
  userns?: string;
  uidmaps: string[];
  gidmaps: string[];
}

export const NO_SECURITY_FLAGS: SecurityFlags = {
  capAdd: [], capDrop: [], privileged: false, devices: [], deviceCgroupRules: [], groupAdd: [], sysctls: [], securityOpts: [],
  uidmaps: [], gidmaps: [],
};

/** docker's HostConfig fields for them (inspect shows these). */
export interface SecurityHostConfig {
  Privileged: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Devices: DeviceMapping[];
  DeviceCgroupRules: string[] | null;
  GroupAdd: string[] | null;
  Sysctls: Record<string, string> | null;
  OomScoreAdj: number;
  /** As given, but a seccomp profile file is kept as its JSON content (docker does the same). */
  SecurityOpt: string[] | null;
  UsernsMode: string;
  MaskedPaths: string[];
  ReadonlyPaths: string[];
}

export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface SecurityContext {
  networkMode: string;
  /** Capabilities this process holds and so can pass on. */
  heldCapabilities: readonly string[];
  /** This process's own oom_score_adj: lowering below it needs CAP_SYS_RESOURCE. */
  ownOomScoreAdj: number;
}

/** Validation and normalisation at create: every mistake is one line, before anything exists. */
export function resolveSecurityFlags(flags: SecurityFlags, ctx: SecurityContext): { hostConfig: SecurityHostConfig; userns: UsernsRequest } {
  const opts = parseSecurityOpts(flags.securityOpts);
  resolveCapabilities(flags.capAdd, flags.capDrop, flags.privileged, ctx.heldCapabilities);
  const devices = flags.devices.map(parseDeviceFlag);
  for (const d of devices) resolveDeviceMapping(d);
  for (const r of flags.deviceCgroupRules) parseDeviceCgroupRule(r);
  for (const g of flags.groupAdd) if (!/^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/.test(g)) throw new InvalidArgumentError(`invalid --group-add "${g}"`);
  const sysctls = parseSysctls(flags.sysctls, { hostNetwork: ctx.networkMode === 'host', hostIpc: false });
  const oomScoreAdj = parseOomScoreAdj(flags.oomScoreAdj, ctx);
  const userns = parseUserns(flags.userns, flags.uidmaps, flags.gidmaps);
  if (userns.mode !== 'host') {
    if (inUserNamespace()) {
      throw new InvalidArgumentError('--userns and --uidmap/--gidmap are not supported in rootless mode: containers already run in your user namespace, as root there', {
        hint: 'leave them out: container root is your own uid on the host, other ids are your subordinate ids',
      });
    }
    if (flags.privileged) throw new InvalidArgumentError('--privileged cannot be used with a user namespace: use --userns=host');
    if (ctx.networkMode === 'host') throw new InvalidArgumentError('--network host cannot be used with a user namespace: use --userns=host');
  }
  const securityOpt = flags.securityOpts.map((o) => {
    const m = /^seccomp[=:](.+)$/.exec(o);
    if (!m || m[1] === 'unconfined' || m[1] === 'default' || m[1] === 'builtin') return o;
    return `seccomp=${JSON.stringify(inlineProfile(m[1]))}`;
  });
  if (opts.seccomp !== 'default' && opts.seccomp !== 'unconfined') seccompProfile({ ...opts, seccomp: readProfileSource(securityOpt) });
  return {
    userns,
    hostConfig: {
      Privileged: flags.privileged,
      CapAdd: flags.capAdd.length ? [...flags.capAdd] : null,
      CapDrop: flags.capDrop.length ? [...flags.capDrop] : null,
      Devices: devices,
      DeviceCgroupRules: flags.deviceCgroupRules.length ? [...flags.deviceCgroupRules] : null,
      GroupAdd: flags.groupAdd.length ? [...flags.groupAdd] : null,
      Sysctls: Object.keys(sysctls).length ? sysctls : null,
      OomScoreAdj: oomScoreAdj,
      SecurityOpt: securityOpt.length ? securityOpt : null,
      UsernsMode: flags.userns ?? '',
      MaskedPaths: flags.privileged || opts.unmaskSystemPaths ? [] : DEFAULT_MASKED_PATHS,
      ReadonlyPaths: flags.privileged || opts.unmaskSystemPaths ? [] : DEFAULT_READONLY_PATHS,
    },
  };
}

function parseOomScoreAdj(value: string | undefined, ctx: SecurityContext): number {
  if (value === undefined) return 0;
  if (!/^-?\d+$/.test(value) || Number(value) < -1000 || Number(value) > 1000) {
    throw new InvalidArgumentError(`invalid --oom-score-adj "${value}": the range is [-1000, 1000]`);
  }
  const n = Number(value);
  if (n < ctx.ownOomScoreAdj && !ctx.heldCapabilities.includes('CAP_SYS_RESOURCE')) {
    throw new InvalidArgumentError(`--oom-score-adj ${n}: lowering it below ${ctx.ownOomScoreAdj} needs CAP_SYS_RESOURCE, which mydocker does not hold here`);
  }
  return n;
}

/** A seccomp profile file read and checked by the client (as docker's CLI does): its JSON, for SecurityOpt. */
export function readSeccompProfileFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`opening seccomp profile (${file}) failed: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return JSON.stringify(parseDockerProfile(text, file));
}

/** The engine takes a profile only as content: a path would let an API client make it read host files. */
function inlineProfile(value: string): unknown {
  if (!value.trimStart().startsWith('{')) {
    throw new InvalidArgumentError(`seccomp profile "${value}" must be given as its JSON content (the client reads the file)`);
  }
  return JSON.parse(JSON.stringify(parseDockerProfile(value, 'in --security-opt')));
}

/** The profile content kept in SecurityOpt (the last seccomp= wins, as in docker). */
function readProfileSource(securityOpt: string[]): string {
  const last = [...securityOpt].reverse().find((o) => /^seccomp[=:]/.test(o));
  return last ? last.replace(/^seccomp[=:]/, '') : 'default';
}

function seccompProfile(opts: SecurityOpts & { seccomp: string }) {
  if (opts.seccomp === 'default') return DEFAULT_SECCOMP_PROFILE;
  return parseDockerProfile(opts.seccomp, 'in the container record');
}

/** What the OCI spec gets at start. */
export interface SpecSecurity {
  capabilities: string[];
  noNewPrivileges: boolean;
  seccomp?: LinuxSeccomp;
  /** "default", "unconfined" or "custom": for inspect and --explain. */
  seccompProfile: 'default' | 'unconfined' | 'custom';
  devices: Device[];
  deviceRules: DeviceRule[];
  sysctls: Record<string, string>;
  oomScoreAdj?: number;
  maskedPaths: string[];
  readonlyPaths: string[];
  privileged: boolean;
  idMappings?: IdMappings;
  /** Which requested settings this host cannot enforce (no AppArmor, no SELinux). */
  notEnforced: string[];
}

export function specSecurity(hc: SecurityHostConfig, idMappings: IdMappings | undefined, held: readonly string[]): SpecSecurity {
  const opts = parseSecurityOpts((hc.SecurityOpt ?? []).map((o) => (/^seccomp[=:]\{/.test(o) ? 'seccomp=custom' : o)));
  const capabilities = resolveCapabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], hc.Privileged, held);
  const source = readProfileSource(hc.SecurityOpt ?? []);
  const unconfined = hc.Privileged || source === 'unconfined';
  const profile = unconfined ? undefined : seccompProfile({ ...opts, seccomp: source === 'builtin' ? 'default' : source });
  const seccomp = profile ? toOciSeccomp(profile, { capabilities, arch: process.arch, kernel: os.release() }) : undefined;
  const devices: Device[] = [];
  const deviceRules: DeviceRule[] = [];
  if (hc.Privileged) {
    devices.push(...hostDevices());
    deviceRules.push({ allow: true, access: 'rwm' });
  }
  for (const m of hc.Devices) {
    for (const r of resolveDeviceMapping(m)) {
      devices.push(r.device);
      deviceRules.push(r.rule);
    }
  }
  for (const r of hc.DeviceCgroupRules ?? []) deviceRules.push(parseDeviceCgroupRule(r));
  return {
    capabilities, noNewPrivileges: opts.noNewPrivileges, seccomp, seccompProfile: !seccomp ? 'unconfined' : source === 'default' ? 'default' : 'custom',
    devices, deviceRules, sysctls: hc.Sysctls ?? {}, oomScoreAdj: hc.OomScoreAdj || undefined,
    maskedPaths: hc.MaskedPaths, readonlyPaths: hc.ReadonlyPaths, privileged: hc.Privileged, idMappings,
    notEnforced: notEnforcedHere(opts),
  };
}

/** The effective settings in a few fields: --explain's sentence and inspect's Security block. */
export function securitySummary(sec: SpecSecurity): Record<string, string | number | boolean> {
  return {
    seccomp: sec.seccompProfile,
    seccompRules: sec.seccomp?.syscalls?.reduce((n, r) => n + r.names.length, 0) ?? 0,
    capabilities: sec.capabilities.map((c) => c.slice(4).toLowerCase()).join(',') || 'none',
    noNewPrivileges: sec.noNewPrivileges,
    privileged: sec.privileged,
    userns: sec.idMappings ? formatMaps(sec.idMappings.uid).join(' ') : 'host',
    maskedPaths: sec.maskedPaths.length,
    readonlyPaths: sec.readonlyPaths.length,
    devices: sec.devices.length,
    notEnforced: sec.notEnforced.join('; '),
  };
}

/** inspect's Security block: what the container's processes actually get, in one place. */
export interface SecurityInspect {
  Seccomp: 'default' | 'unconfined' | 'custom';
  Capabilities: string[];
  NoNewPrivileges: boolean;
  Privileged: boolean;
  UserNamespace: 'host' | { UidMap: string[]; GidMap: string[] };
  SessionKeyring: 'private';
  NotEnforced: string[];
}

export function securityInspect(hc: SecurityHostConfig, idMappings: IdMappings | undefined, held: readonly string[]): SecurityInspect {
  const source = readProfileSource(hc.SecurityOpt ?? []);
  const opts = parseSecurityOpts(hc.SecurityOpt ?? []);
  return {
    Seccomp: hc.Privileged || source === 'unconfined' ? 'unconfined' : source === 'default' || source === 'builtin' ? 'default' : 'custom',
    Capabilities: resolveCapabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], hc.Privileged, held),
    NoNewPrivileges: opts.noNewPrivileges,
    Privileged: hc.Privileged,
    UserNamespace: idMappings ? describeMaps(idMappings) : 'host',
    SessionKeyring: 'private',
    NotEnforced: notEnforcedHere(opts),
  };
}

/** AppArmor and SELinux options are accepted as docker accepts them, and said to be unenforced where the host has neither. */
export function notEnforcedHere(opts: SecurityOpts): string[] {
  const out: string[] = [];
  if (opts.apparmor && opts.apparmor !== 'unconfined' && !fs.existsSync('/sys/kernel/security/apparmor')) {
    out.push(`apparmor=${opts.apparmor} (this host has no AppArmor)`);
  }
  const labels = opts.labels.filter((l) => l !== 'disable');
  if (labels.length && !fs.existsSync('/sys/fs/selinux/enforce')) out.push(...labels.map((l) => `label=${l} (this host has no SELinux)`));
  return out;
}

/** What this process may pass on: its permitted set (root here lacks CAP_SYS_RESOURCE). */
export function heldCapabilities(): string[] {
  const m = /^CapPrm:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const held = BigInt(`0x${m?.[1] ?? '0'}`);
  return CAPABILITIES.filter((_, bit) => (held >> BigInt(bit)) & 1n);
}

export function ownOomScoreAdj(): number {
  try {
    return Number(fs.readFileSync('/proc/self/oom_score_adj', 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

export const describeMaps = (m: IdMappings) => ({ UidMap: formatMaps(m.uid), GidMap: formatMaps(m.gid) });
export type { IdMapping };
