// A container's OCI runtime spec, with docker's defaults (mounts, masked paths, capabilities,
// device rules). Pure: the engine gives every path and resolved fact.
import { OCI_VERSION, type DeviceRule, type Mount, type Spec } from '../runtime/spec';
import type { ContainerConfig, HostConfig } from './container-config';
import type { ResolvedResources } from './resources';
import type { ResolvedUser } from './user';
import { DEFAULT_CAPABILITIES } from './security/capabilities';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, type SpecSecurity } from './security/container-security';
import { applyNamespaceModes, type NamespaceFacts } from './namespace-modes';

export { DEFAULT_CAPABILITIES } from './security/capabilities';
export { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './security/container-security';

const c = (major: number | undefined, minor: number | undefined, access = 'rwm'): DeviceRule => ({
  allow: true, type: 'c', ...(major === undefined ? {} : { major }), ...(minor === undefined ? {} : { minor }), access,
});

/** docker's default device cgroup: deny everything, then the usual character devices. */
export const DEFAULT_DEVICE_RULES: DeviceRule[] = [
  { allow: false, access: 'rwm' },
  c(1, 5), c(1, 3), c(1, 9), c(1, 8), c(5, 0), c(5, 1), c(1, 7), c(5, 2), c(136, undefined), c(10, 200),
  c(undefined, undefined, 'm'), { allow: true, type: 'b', access: 'm' },
];

export interface SpecInput {
  config: ContainerConfig;
  hostConfig: HostConfig;
  argv: string[];
  user: ResolvedUser;
  rootfs: string;
  /** Host files bind-mounted at /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  etcFiles: { hostname: string; hosts: string; resolvConf: string };
  cgroupsPath: string;
  limits?: ResolvedResources;
  consoleSize?: { rows: number; cols: number };
  /** Volumes, binds, tmpfs: after the defaults, so they may cover them. */
  extraMounts?: Mount[];
  /** Join this network namespace instead of creating one; "host" shares the host's. */
  networkNamespace?: 'host' | string;
  /** Capabilities, seccomp, devices, sysctls, user namespace (src/engine/security/); docker's defaults when absent. */
  security?: SpecSecurity;
  /** --pid/--ipc/--uts container:X, /dev/shm, --init as resolved at start (namespace-modes.ts). */
  namespaceFacts?: NamespaceFacts;
}

/** docker's defaults: what a container made without any security flag gets. */
export const DEFAULT_SPEC_SECURITY: SpecSecurity = {
  capabilities: DEFAULT_CAPABILITIES, noNewPrivileges: false, seccompProfile: 'unconfined', devices: [], deviceRules: [], sysctls: {},
  maskedPaths: DEFAULT_MASKED_PATHS, readonlyPaths: DEFAULT_READONLY_PATHS, privileged: false, notEnforced: [],
};

export function defaultMounts(privileged = false): Mount[] {
  // A privileged container may write /sys and its cgroups, as in docker.
  const ro = privileged ? [] : ['ro'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...ro] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  ];
}

/** Parents before children, as docker sorts them: a volume on /etc must not hide /etc/hosts. */
export function byDepth(mounts: Mount[]): Mount[] {
  const depth = (m: Mount) => m.destination.split('/').filter(Boolean).length;
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i).map((x) => x.m);
}

export function buildSpec(input: SpecInput): Spec {
  const { config, hostConfig, user } = input;
  const sec = input.security ?? DEFAULT_SPEC_SECURITY;
  const isRoot = user.uid === 0;
  const caps = sec.capabilities;
  const env = config.Env.some((e) => e.startsWith('HOME=')) ? config.Env : [...config.Env, `HOME=${user.home}`];
  const bind = (destination: string, source: string): Mount => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate'] });
  const namespaces: NonNullable<Spec['linux']>['namespaces'] = [
    { type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' },
    ...(sec.idMappings ? [{ type: 'user' as const }] : []),
  ];
  const netns = input.networkNamespace ?? (hostConfig.NetworkMode === 'host' ? 'host' : undefined);
  if (netns === undefined) namespaces.push({ type: 'network' });
  else if (netns !== 'host') namespaces.push({ type: 'network', path: netns });
  return applyNamespaceModes({
    ociVersion: OCI_VERSION,
    process: {
      terminal: config.Tty,
      ...(config.Tty && input.consoleSize ? { consoleSize: { height: input.consoleSize.rows, width: input.consoleSize.cols } } : {}),
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
      args: input.argv,
      env,
      cwd: config.WorkingDir || '/',
      capabilities: {
        bounding: caps,
        // docker: a non-root user keeps the bounding set but starts with no effective capabilities.
        effective: isRoot ? caps : [],
        permitted: isRoot ? caps : [],
      },
      noNewPrivileges: sec.noNewPrivileges,
      ...(sec.oomScoreAdj !== undefined ? { oomScoreAdj: sec.oomScoreAdj } : {}),
      ...(input.limits?.rlimits.length ? { rlimits: input.limits.rlimits } : {}),
    },
    root: { path: input.rootfs, readonly: hostConfig.ReadonlyRootfs === true },
    hostname: config.Hostname,
    ...(config.Domainname ? { domainname: config.Domainname } : {}),
    ...(hostConfig.Annotations ? { annotations: { ...hostConfig.Annotations } } : {}),
    mounts: byDepth([
      ...defaultMounts(sec.privileged),
      bind('/etc/resolv.conf', input.etcFiles.resolvConf),
      bind('/etc/hostname', input.etcFiles.hostname),
      bind('/etc/hosts', input.etcFiles.hosts),
      ...(input.extraMounts ?? []),
    ]),
    linux: {
      namespaces,
      cgroupsPath: input.cgroupsPath,
      resources: { ...(input.limits?.resources ?? {}), devices: [...DEFAULT_DEVICE_RULES, ...sec.deviceRules] },
      ...(sec.devices.length ? { devices: sec.devices } : {}),
      ...(Object.keys(sec.sysctls).length ? { sysctl: sec.sysctls } : {}),
      ...(sec.seccomp ? { seccomp: sec.seccomp } : {}),
      ...(sec.idMappings ? { uidMappings: sec.idMappings.uid, gidMappings: sec.idMappings.gid } : {}),
      maskedPaths: sec.maskedPaths,
      readonlyPaths: sec.readonlyPaths,
    },
  }, hostConfig, input.namespaceFacts ?? { joins: {} });
}
