// docker info's facts (the Engine API's GET /info body, docker's field names): container counts by
// status, images, the storage, logging and cgroup setup, security options and the host. One
// implementation for the CLI's `info` and the API service; the words are the fronts'.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createHash } from 'node:crypto';
import { detectHostCgroups } from '../cgroups/hierarchy';
import { LOG_DRIVERS } from './log-driver';
import type { ContainerView, EngineDeps } from './lifecycle/context';
import { rootlessInfo } from './rootless-info';

export interface InfoOptions {
  /** The version the front reports as the server's (the CLI's, or the API service's). */
  serverVersion: string;
  debug?: boolean;
}

/** docker's GOARCH words for Node's process.arch. */
export function goArch(arch = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

export function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : 'Linux';
  } catch {
    return 'Linux';
  }
}

function countFds(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

/** docker's CgroupVersion: "2" on a unified host only; a hybrid host is "1" (its controllers are v1), as dockerd and runc say. */
export function cgroupVersion(mode: 'v1' | 'v2' | 'hybrid'): '1' | '2' {
  return mode === 'v2' ? '2' : '1';
}

/** User namespaces this kernel lets us create (`--userns`, `--uidmap`). */
function usernsAvailable(): boolean {
  try {
    return Number(fs.readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim()) > 0;
  } catch {
    return false;
  }
}

/** `views`: every container; `images`: how many images (the facade lists both, so its overrides count). */
export function systemInfo(deps: EngineDeps, opts: InfoOptions, views: readonly ContainerView[], images: number) {
  const count = (s: string) => views.filter((v) => v.derived.status === s).length;
  const root = deps.layout.root;
  const cgroups = detectHostCgroups();
  const v2 = cgroups.mode === 'v2';
  const security = ['name=seccomp,profile=builtin'];
  if (usernsAvailable()) security.push('name=userns');
  if (v2) security.push('name=cgroupns'); // docker's default cgroupns=private is v2-only
  const rootless = rootlessInfo(deps.layout.runroot);
  if (rootless) security.push('name=rootless');
  return {
    ID: createHash('sha256').update(`mydocker ${os.hostname()} ${root}`).digest('hex').slice(0, 36),
    Containers: views.length,
    ContainersRunning: count('running'),
    ContainersPaused: count('paused'),
    ContainersStopped: views.length - count('running') - count('paused'),
    Images: images,
    Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', backingFs(root)], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
    Plugins: { Volume: ['local'], Network: rootless ? ['pasta', 'slirp4netns', 'host', 'null'] : ['bridge', 'host', 'null'], Authorization: null, Log: [...LOG_DRIVERS] },
    MemoryLimit: true, SwapLimit: true, KernelMemoryTCP: false, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true,
    PidsLimit: true, IPv4Forwarding: true, BridgeNfIptables: true, BridgeNfIp6tables: true,
    Debug: opts.debug ?? false,
    NFd: countFds(), OomKillDisable: !v2, NGoroutines: 0, SystemTime: new Date().toISOString(), LoggingDriver: 'json-file',
    CgroupDriver: rootless && cgroups.unusable ? 'none' : 'cgroupfs', CgroupVersion: cgroupVersion(cgroups.mode), NEventsListener: 0, KernelVersion: os.release(),
    OperatingSystem: osName(), OSVersion: osVersion(), OSType: 'linux', Architecture: os.machine(), IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [] as string[], Secure: true, Official: true } }, Mirrors: null,
    },
    NCPU: os.cpus().length, MemTotal: os.totalmem(), GenericResources: null, DockerRootDir: root,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '', HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: os.hostname(), Labels: [] as string[], ExperimentalBuild: false, ServerVersion: opts.serverVersion,
    Runtimes: { mydocker: { path: 'mydocker-runtime' } } as Record<string, { path: string }>, DefaultRuntime: 'mydocker',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true, Isolation: '', InitBinary: '', ContainerdCommit: { ID: '' }, RuncCommit: { ID: '' }, InitCommit: { ID: '' },
    SecurityOptions: security, Warnings: [] as string[],
    /** mydocker extension: present in rootless mode only. */
    ...(rootless ? { Rootless: rootless } : {}),
  };
}

export type SystemInfo = ReturnType<typeof systemInfo>;

function osVersion(): string {
  try {
    return /^VERSION_ID="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

/** The filesystem the store lives on, in docker's words ("extfs", "xfs", "btrfs", "tmpfs"). */
function backingFs(root: string): string {
  let best = '';
  let type = 'extfs';
  try {
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      const sep = f.indexOf('-');
      if (sep < 0) continue;
      const mp = f[4];
      if ((root === mp || root.startsWith(mp.endsWith('/') ? mp : `${mp}/`)) && mp.length >= best.length) {
        best = mp;
        type = f[sep + 1];
      }
    }
  } catch {
    // no mountinfo: keep the default
  }
  return type.startsWith('ext') ? 'extfs' : type;
}
