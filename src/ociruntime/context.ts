// What every runc-like verb needs: the container by id, the seccomp cache, the cgroup path rule.
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import { RuntimeContainer } from '../runtime/container';
import type { Spec } from '../runtime/spec';
import type { RuntimeContext } from './command';

export function containerOf(ctx: RuntimeContext, id: string | undefined): RuntimeContainer {
  if (!id) throw new InvalidArgumentError('a container id is required');
  return new RuntimeContainer(ctx.root, id);
}

/** Compiled filters next to the containers (no container id starts with a dot). */
export function seccompCacheDir(ctx: RuntimeContext): string {
  return path.join(ctx.root, '.seccomp-cache');
}

/**
 * With --systemd-cgroup, callers write cgroupsPath as "slice:prefix:name" (e.g. "system.slice:docker:ID").
 * This host has no systemd to ask for a scope: the same place is made on cgroupfs, as systemd would
 * name it (/system.slice/docker-ID.scope).
 */
export function cgroupfsPath(spec: Spec, ctx: RuntimeContext, id: string): Spec {
  const given = spec.linux?.cgroupsPath;
  if (!ctx.systemdCgroup) return given ? spec : { ...spec, linux: { ...spec.linux, cgroupsPath: `/mydocker-runtime/${id}` } };
  const parts = (given ?? '').split(':');
  if (parts.length !== 3) throw new InvalidArgumentError(`--systemd-cgroup: cgroupsPath must be "slice:prefix:name", got ${JSON.stringify(given)}`);
  const [slice, prefix, name] = parts;
  const scope = name.endsWith('.slice') ? name : `${prefix ? `${prefix}-` : ''}${name}.scope`;
  return { ...spec, linux: { ...spec.linux, cgroupsPath: `/${slice || 'system.slice'}/${scope}` } };
}
