// /_ping, /version, /info, /system/df and /auth.
import * as os from 'node:os';
import type { Handler } from '../context';
import { readJsonObject } from '../http/request';
import { InvalidArgumentError } from '../../errors/errors';
import { API_VERSION, MIN_API_VERSION } from '../router';
import { containerSummary, diskUsageContainer } from '../convert/containers';
import { imageSummary } from '../convert/images';
import { goArch } from '../../engine/info';

export const ping: Handler = (_ctx, req, reply) => {
  const headers = { 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', Swarm: 'inactive' };
  if (req.method === 'HEAD') {
    reply.empty(200, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    return;
  }
  reply.stream(200, 'text/plain; charset=utf-8', headers).end('OK');
};

export const version: Handler = (ctx, _req, reply) => {
  const details = {
    ApiVersion: API_VERSION, Arch: goArch(), BuildTime: ctx.service.startedAt.toISOString(), Experimental: 'false', GitCommit: '',
    GoVersion: `node ${process.version}`, KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux',
  };
  reply.json(200, {
    Platform: { Name: 'mydocker' },
    Components: [{ Name: 'Engine', Version: ctx.service.version, Details: details }],
    Version: ctx.service.version, ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: '', GoVersion: details.GoVersion,
    Os: 'linux', Arch: goArch(), KernelVersion: os.release(), BuildTime: details.BuildTime,
  });
};

/** docker info: the engine's facts (Engine.info, shared with the CLI's `info`). */
export const info: Handler = async (ctx, _req, reply) => {
  reply.json(200, await ctx.engine.info({ serverVersion: ctx.service.version }));
};

/** docker system df: images, containers (with their writable layer's size) and volumes. */
export const systemDf: Handler = async (ctx, _req, reply) => {
  const du = await ctx.engine.diskUsage();
  const images = await ctx.engine.listImages([], { all: true });
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
