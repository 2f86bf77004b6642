// The engine's OCI face: what the runc-compatible front (bin/mydocker-runtime, driven by containerd's
// shim, podman's conmon and dockerd) asks of src/runtime/, over one state root. It is the same core
// the Engine uses for its own containers; fronts never call src/runtime/ themselves.
// Kept apart from index.ts on purpose: the runtime front is started once per verb, and loading the
// whole engine would cost it ~20 ms a call (docs/engine-facade.md).
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import type { Logger } from '../log/log';
import { listContainers, RuntimeContainer } from '../runtime/container';
import { createContainer, type CreateOptions } from '../runtime/ops/create';
import { deleteContainer } from '../runtime/ops/delete';
import { execProcess, type ExecProcessOptions } from '../runtime/ops/exec';
import { killContainer } from '../runtime/ops/kill';
import { pauseContainer, resumeContainer } from '../runtime/ops/pause';
import { containerPids, containerStats } from '../runtime/ops/ps';
import { readSpec, runBundle, type RunBundleOptions } from '../runtime/ops/run';
import { startContainer } from '../runtime/ops/start';
import { updateContainer } from '../runtime/ops/update';
import type { Process, Resources, Spec } from '../runtime/spec';

export { parseSignal } from '../runtime/ops/kill';
export { OCI_VERSION } from '../runtime/spec';
export { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_OPERATORS } from '../runtime/seccomp';

export interface OciRuntimeOptions {
  /** Where every container's state lives (<root>/<id>). */
  root: string;
  log: Logger;
  /** cgroupsPath is given as systemd's "slice:prefix:name" (--systemd-cgroup). */
  systemdCgroup?: boolean;
}

/** What create and run take from the caller besides the bundle. */
export type BundleOptions = Pick<CreateOptions, 'pidFile' | 'consoleSocket' | 'noPivot' | 'noNewKeyring' | 'preserveFds'>;

export class OciRuntime {
  constructor(private readonly opts: OciRuntimeOptions) {}

  get log(): Logger {
    return this.opts.log;
  }

  /** Compiled seccomp filters next to the containers (no container id starts with a dot). */
  get seccompCacheDir(): string {
    return path.join(this.opts.root, '.seccomp-cache');
  }

  container(id: string | undefined): RuntimeContainer {
    if (!id) throw new InvalidArgumentError('a container id is required');
    return new RuntimeContainer(this.opts.root, id);
  }

  list(): RuntimeContainer[] {
    return listContainers(this.opts.root);
  }

  /** The bundle's config.json, its cgroup path placed as this runtime places it. */
  bundleSpec(bundle: string, id: string): Spec {
    return cgroupfsPath(readSpec(bundle), id, this.opts.systemdCgroup === true);
  }

  async create(id: string, bundle: string, opts: BundleOptions): Promise<RuntimeContainer> {
    const { container } = await createContainer(
      { ...opts, id, root: this.opts.root, bundleDir: bundle, log: this.log, seccompCacheDir: this.seccompCacheDir }, this.bundleSpec(bundle, id));
    return container;
  }

  start(id: string | undefined): Promise<void> {
    return startContainer(this.container(id), this.log);
  }

  /** runc run in the foreground: create, start, wait, delete; the exit status. */
  runAttached(id: string, bundle: string, opts: BundleOptions & Pick<RunBundleOptions, 'stdio' | 'stdinRelay' | 'forwardSignals'>) {
    return runBundle({ ...opts, id, root: this.opts.root, bundleDir: bundle, log: this.log, seccompCacheDir: this.seccompCacheDir }, this.bundleSpec(bundle, id));
  }

  /** A process in a running container; its status unless detached. */
  exec(id: string | undefined, process: Process, opts: Omit<ExecProcessOptions, 'state' | 'process' | 'log' | 'seccompCacheDir'>) {
    const container = this.container(id);
    container.expect('exec', this.log);
    return execProcess({ ...opts, state: container.state(), process, log: this.log, seccompCacheDir: this.seccompCacheDir });
  }

  /** The process config.json gives, for exec without --process. */
  bundleProcess(id: string | undefined): Process {
    const base = readSpec(this.container(id).state().bundle).process;
    if (!base) throw new InvalidArgumentError(`the container's config.json has no process`);
    return base;
  }

  kill(id: string | undefined, signal: NodeJS.Signals, opts: { all?: boolean } = {}): void {
    killContainer(this.container(id), signal, this.log, opts);
  }

  /** runc delete; with force, a container that is already gone is no error. */
  async delete(id: string | undefined, opts: { force?: boolean } = {}): Promise<void> {
    const container = this.container(id);
    if (opts.force && !container.exists()) return;
    await deleteContainer(container, this.log, opts);
  }

  pause(id: string | undefined): void {
    pauseContainer(this.container(id), this.log);
  }

  resume(id: string | undefined): void {
    resumeContainer(this.container(id), this.log);
  }

  update(id: string | undefined, resources: Resources): void {
    updateContainer(this.container(id), resources, this.log);
  }

  pids(id: string | undefined): number[] {
    return containerPids(this.container(id), this.log);
  }

  stats(id: string | undefined) {
    return containerStats(this.container(id), this.log);
  }
}

/**
 * With --systemd-cgroup, callers write cgroupsPath as "slice:prefix:name" (e.g. "system.slice:docker:ID").
 * This host has no systemd to ask for a scope: the same place is made on cgroupfs, as systemd would
 * name it (/system.slice/docker-ID.scope). Without a path, containers go under /mydocker-runtime.
 */
export function cgroupfsPath(spec: Spec, id: string, systemdCgroup: boolean): Spec {
  const given = spec.linux?.cgroupsPath;
  if (!systemdCgroup) return given ? spec : { ...spec, linux: { ...spec.linux, cgroupsPath: `/mydocker-runtime/${id}` } };
  const parts = (given ?? '').split(':');
  if (parts.length !== 3) throw new InvalidArgumentError(`--systemd-cgroup: cgroupsPath must be "slice:prefix:name", got ${JSON.stringify(given)}`);
  const [slice, prefix, name] = parts;
  const scope = name.endsWith('.slice') ? name : `${prefix ? `${prefix}-` : ''}${name}.scope`;
  return { ...spec, linux: { ...spec.linux, cgroupsPath: `/${slice || 'system.slice'}/${scope}` } };
}
