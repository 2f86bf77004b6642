// /_ping, /version, /info, /system/df and /auth.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createHash } from 'node:crypto';
import type { Handler } from '../context';
import { readJsonObject } from '../http/request';
import { InvalidArgumentError } from '../../errors/errors';
import { API_VERSION, MIN_API_VERSION } from '../router';
import { containerSummary, diskUsageContainer } from '../convert/containers';
import { imageSummary } from '../convert/images';

export const ping: Handler = (_ctx, req, reply) => {
  const headers = { 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', Swarm: 'inactive' };
  if (req.method === 'HEAD') {
    reply.empty(200, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    return;
  }
  reply.stream(200, 'text/plain; charset=utf-8', headers).end('OK');
};

function arch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : 'Linux';
  } catch {
    return 'Linux';
  }
}

export const version: Handler = (ctx, _req, reply) => {
  const details = {
    ApiVersion: API_VERSION, Arch: arch(), BuildTime: ctx.service.startedAt.toISOString(), Experimental: 'false', GitCommit: '',
    GoVersion: `node ${process.version}`, KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux',
  };
  reply.json(200, {
    Platform: { Name: 'mydocker' },
    Components: [{ Name: 'Engine', Version: ctx.service.version, Details: details }],
    Version: ctx.service.version, ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: '', GoVersion: details.GoVersion,
    Os: 'linux', Arch: arch(), KernelVersion: os.release(), BuildTime: details.BuildTime,
  });
};

export const info: Handler = async (ctx, _req, reply) => {
  const { engine } = ctx;
  const views = await engine.listContainers({ all: true, filters: [] });
  const count = (s: string) => views.filter((v) => v.derived.status === s).length;
  const images = await engine.listImages();
  const root = engine.deps.layout.root;
  const cgroup2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  reply.json(200, {
    ID: createHash('sha256').update(`mydocker ${os.hostname()} ${root}`).digest('hex').slice(0, 36),
    Containers: views.length, ContainersRunning: count('running'), ContainersPaused: count('paused'),
    ContainersStopped: views.length - count('running') - count('paused'),
    Images: images.length, Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true, SwapLimit: true, KernelMemoryTCP: false, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true,
    PidsLimit: true, IPv4Forwarding: true, BridgeNfIptables: true, BridgeNfIp6tables: true, Debugging: false,
    NFd: countFds(), OomKillDisable: !cgroup2, NGoroutines: 0, SystemTime: new Date().toISOString(), LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs', CgroupVersion: cgroup2 ? '2' : '1', NEventsListener: 0, KernelVersion: os.release(),
    OperatingSystem: osName(), OSVersion: '', OSType: 'linux', Architecture: os.machine(), IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } }, Mirrors: null,
    },
    NCPU: os.cpus().length, MemTotal: os.totalmem(), GenericResources: null, DockerRootDir: root, HttpProxy: '', HttpsProxy: '', NoProxy: '',
    Name: os.hostname(), Labels: [], ExperimentalBuild: false, ServerVersion: ctx.service.version,
    Runtimes: { mydocker: { path: 'mydocker' } }, DefaultRuntime: 'mydocker',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true, Isolation: '', InitBinary: '', ContainerdCommit: { ID: '' }, RuncCommit: { ID: '' }, InitCommit: { ID: '' },
    SecurityOptions: ['name=seccomp,profile=builtin', ...(cgroup2 ? ['name=cgroupns'] : [])], Warnings: [],
  });
};

function countFds(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

/** docker system df: images, containers (with their writable layer's size) and volumes. */
export const systemDf: Handler = async (ctx, _req, reply) => {
  const du = await ctx.engine.diskUsage();
  const images = await ctx.engine.listImages();
  const usage = new Map(du.images.map((i) => [i.id, i]));
  reply.json(200, {
    LayersSize: du.summary.find((s) => s.type === 'Images')?.size ?? 0,
    Images: images.map((img) => {
      const u = usage.get(img.id);
      return { ...imageSummary(img), SharedSize: u?.sharedSize ?? 0, Containers: u?.containers ?? 0 };
    }),
    Containers: du.containers.map((c) => ({ ...containerSummary(c.view), ...diskUsageContainer(c) })),
    Volumes: du.volumes.map((v) => {
      const vol = ctx.engine.inspectVolume(v.name);
      return { ...(vol ?? { Name: v.name, Driver: 'local', Scope: 'local' }), UsageData: { Size: v.size, RefCount: v.links } };
    }),
    BuildCache: [],
  });
};

/** docker login: the credentials are checked against the registry; the client keeps them (docker's split). */
export const auth: Handler = async (ctx, req, reply) => {
  const body = await readJsonObject(req);
  const username = typeof body.username === 'string' ? body.username : '';
  const password = typeof body.password === 'string' ? body.password : '';
  const server = typeof body.serveraddress === 'string' ? body.serveraddress : '';
  if (!username || !password) throw new InvalidArgumentError('username and password are required');
  await ctx.engine.checkRegistryLogin(server, { username, password });
  reply.json(200, { Status: 'Login Succeeded', IdentityToken: '' });
};

/** docker system prune also prunes the build cache: mydocker builds nothing, so there is none. */
export const buildPrune: Handler = (_ctx, _req, reply) => {
  reply.json(200, { CachesDeleted: null, SpaceReclaimed: 0 });
};
