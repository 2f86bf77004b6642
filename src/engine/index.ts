// The engine's one facade: every front (the docker-like CLI, the Engine API service, the Node
// library) reaches containers, images, networks, volumes, events and the system through an Engine
// holding its dependencies. Methods are deps-first wrappers over the operation modules below; no
// front reaches past this file for an operation (formatting helpers and types excepted).
import type { Readable } from 'node:stream';
import { ImageStore, type ImageRecord } from '../image/store';
import { pullImage, type PullOptions, type PullResult } from '../image/registry/pull';
import { pushImage, type PushOptions, type PushResult } from '../image/registry/push';
import { pruneImages, removeImages, type RemoveResult } from '../image/remove';
import { archiveStream, collectImages } from '../image/archive/save';
import type { ArchiveFormat } from '../image/archive/load';
import { loadArchive } from '../image/archive/load';
import type { TarSource } from '../archive/tar-input';
import { historyRows, inspectImage } from '../image/inspect';
import type { Logger } from '../log/log';
import { connectNetwork, containerPorts, disconnectNetwork, type ConnectOptions } from './network-connect';
import { createNetwork, inspectNetwork, listNetworks, pruneNetworks, removeNetwork, type CreateNetworkOptions } from '../network/networks';
import { Layout } from '../store/layout';
import { createVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume, type VolumeFilters } from './volumes';
import { commitContainer, type CommitOptions } from './commit';
import { buildImage, type BuildOptions, type BuildProgress, type BuildSource } from './build';
import { BuildCache } from './build/cache';
import { specToRunOptions, type ContainerSpec } from './container-spec';
import { ContainerStore, type ContainerRecord } from './container-store';
import { eventsFile, parseEvents, type EngineEvent } from './events';
import { exportContainer } from './export';
import { cleanupAfterExit } from './lifecycle/cleanup';
import { runHealthProbe } from './health/run-probe';
import { lockContainer, store, viewContainer, type EngineDeps } from './lifecycle/context';
import { copyFiles, statPath, type CopyOptions, type CpTarget } from './lifecycle/cp';
import { createContainer } from './lifecycle/create';
import { execContainer, type ExecOptions } from './lifecycle/exec';
import { inspectContainer, type ContainerInspect } from './lifecycle/inspect';
import { listContainers, type ListOptions } from './lifecycle/list';
import { assertReadableLogs, readLogs, type LogsOptions } from './lifecycle/logs';
import { attachContainer, pruneContainers, renameContainer, setPaused, waitContainer } from './lifecycle/misc';
import { removeContainer, type RemoveOptions } from './lifecycle/remove';
import { runContainer, startAttached, type AttachHandler } from './lifecycle/run';
import { startContainer } from './lifecycle/start';
import { sampleStats } from './lifecycle/stats';
import { killContainer, stopContainer } from './lifecycle/stop';
import { topContainer } from './lifecycle/top';
import { updateContainer, type ContainerUpdate, type UpdateResult } from './lifecycle/update';
import { diskUsage } from './system-df';
import { resetSystem } from './system-reset';
import { systemInfo, type InfoOptions } from './info';
import { containerChanges } from './diff';
import { containerSize } from './container-size';
import { filterImages } from './image-filters';
import { pruneSystem } from './system-prune';
import type { InitStreams, StdioSlot } from '../runtime/nsexec';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryClient } from '../image/registry/client';
import { storeCredentials, type Credentials } from '../image/registry/credentials';
import { parseReference } from '../image/reference';
import { registryFromArgument } from '../image/registry/login';

export type { ContainerSpec } from './container-spec';
export type { EngineDeps } from './lifecycle/context';
export type { ContainerUpdate, UpdateResult } from './lifecycle/update';
export { OciRuntime, type OciRuntimeOptions } from './oci-runtime';

export interface EngineOptions {
  root?: string;
  runroot?: string;
  log: Logger;
  /** docker's "WARNING: …" lines for flags accepted with a caveat. */
  warn?: (message: string) => void;
}

export class Engine {
  readonly deps: EngineDeps;

  constructor(deps: EngineDeps) {
    this.deps = deps;
  }

  static open(opts: EngineOptions): Engine {
    const layout = new Layout({ root: opts.root, runroot: opts.runroot });
    return new Engine({ layout, log: opts.log, images: new ImageStore(layout, opts.log), ...(opts.warn ? { warn: opts.warn } : {}) });
  }

  // ---- containers ------------------------------------------------------------------------------

  /** docker create: the record and name; nothing runs. */
  createContainer(spec: ContainerSpec): Promise<ContainerRecord> {
    return createContainer(specToRunOptions(spec), this.deps);
  }

  /** docker run from a spec: create, start, and (with an attach handler) stay attached to the exit. */
  runContainer(spec: ContainerSpec, attach?: AttachHandler) {
    return runContainer(specToRunOptions(spec), this.deps, attach);
  }

  /** docker start, under the container's lock. */
  async startContainer(ref: string, opts: { consoleSize?: { rows: number; cols: number } } = {}): Promise<void> {
    const record = store(this.deps).resolve(ref);
    await lockContainer(this.deps, record.id, () => startContainer(this.deps, record, opts));
  }

  /** start -a: an attach client connected before the init may run, so no output is lost. */
  startAttached(ref: string, opts: { stdin: boolean; consoleSize?: { rows: number; cols: number } }) {
    return startAttached(this.deps, store(this.deps).resolve(ref), opts);
  }

  stopContainer(ref: string, opts: { timeoutSec?: number; signal?: string } = {}): Promise<string> {
    return stopContainer(this.deps, ref, opts);
  }

  killContainer(ref: string, signal?: string): Promise<string> {
    return killContainer(this.deps, ref, signal);
  }

  async restartContainer(ref: string, opts: { timeoutSec?: number } = {}): Promise<void> {
    await this.stopContainer(ref, opts);
    const record = store(this.deps).resolve(ref);
    fs.rmSync(viewContainer(this.deps, record).paths.manualStopFile, { force: true });
    await this.startContainer(ref);
  }

  removeContainer(ref: string, opts: RemoveOptions): Promise<string> {
    return removeContainer(this.deps, ref, opts);
  }

  pauseContainer(ref: string): Promise<string> {
    return setPaused(this.deps, ref, true);
  }

  unpauseContainer(ref: string): Promise<string> {
    return setPaused(this.deps, ref, false);
  }

  /** docker update: new limits and restart policy, live in the cgroups of a running container, and recorded. */
  updateContainer(ref: string, update: ContainerUpdate): Promise<UpdateResult> {
    return updateContainer(this.deps, ref, update);
  }

  renameContainer(ref: string, name: string): Promise<void> {
    return renameContainer(this.deps, ref, name);
  }

  /** docker wait: the exit code once the container stopped. */
  waitContainer(ref: string): Promise<number> {
    return waitContainer(this.deps, ref);
  }

  inspectContainer(ref: string): ContainerInspect {
    return inspectContainer(this.deps, ref);
  }

  listContainers(opts: ListOptions) {
    return listContainers(this.deps, opts);
  }

  /** A container's record by name, full id or unique prefix. */
  resolveContainer(ref: string): ContainerRecord {
    return store(this.deps).resolve(ref);
  }

  containerView(ref: string) {
    return viewContainer(this.deps, store(this.deps).resolve(ref));
  }

  logs(ref: string, opts: LogsOptions) {
    assertReadableLogs(store(this.deps).resolve(ref)); // an error before the caller starts its stream
    return readLogs(this.deps, ref, opts);
  }

  attachContainer(ref: string, stdin: boolean) {
    return attachContainer(this.deps, ref, stdin);
  }

  /** Releases a container the caller watched exit (a foreground run without a restart policy). */
  cleanupAfterExit(id: string) {
    return cleanupAfterExit(this.deps, id);
  }

  /** One health probe now, recorded: the monitor's `internal healthcheck`, or `healthcheck run` (manual: errors instead of skipping). */
  runHealthcheck(ref: string, manual: boolean) {
    return runHealthProbe(this.deps, ref, manual);
  }

  exec(opts: ExecOptions, stdio: [StdioSlot, StdioSlot, StdioSlot], onStreams?: (streams: InitStreams) => void) {
    return execContainer(this.deps, opts, stdio, onStreams);
  }

  top(ref: string, psArgs: string[]) {
    return topContainer(this.deps, ref, psArgs);
  }

  /** One sample per container named; with none named, of every running container (every one with all). */
  async stats(refs: string[], intervalMs?: number, all = false) {
    const views = refs.length
      ? refs.map((r) => viewContainer(this.deps, store(this.deps).resolve(r)))
      : await listContainers(this.deps, { all, filters: [] });
    return sampleStats(this.deps, views, intervalMs);
  }

  copy(src: CpTarget, dst: CpTarget, opts: CopyOptions = {}): Promise<void> {
    return copyFiles(this.deps, src, dst, opts);
  }

  /** lstat of a path inside a container, resolved in its root (the Engine API's archive HEAD). */
  statContainerPath(ref: string, p: string) {
    return statPath(this.deps, ref, p);
  }

  exportContainer(ref: string, out: NodeJS.WritableStream): Promise<void> {
    return exportContainer(this.deps, ref, out);
  }

  commitContainer(ref: string, opts: CommitOptions): Promise<ImageRecord> {
    return commitContainer(this.deps, ref, opts);
  }

  pruneContainers(): Promise<string[]> {
    return pruneContainers(this.deps);
  }

  /** docker diff: the container's filesystem changes (C/A/D) from its overlay upper dir. */
  diffContainer(ref: string) {
    return containerChanges(this.deps, ref);
  }

  /** SizeRw (the writable layer) and SizeRootFs (that plus the image): ps --size, inspect --size. */
  async containerSize(ref: string) {
    return containerSize(this.deps, this.resolveContainer(ref));
  }

  // ---- images ------------------------------------------------------------------------------------

  /** docker build: the Dockerfile executed step by step in the context, with the layer cache (src/engine/build). */
  buildImage(opts: Omit<BuildOptions, 'dockerfileName'>, source: BuildSource, onProgress: BuildProgress) { return buildImage(this.deps, opts, source, onProgress); }

  get images(): ImageStore {
    return this.deps.images;
  }

  /** With docker's --filter values (dangling, label, reference, before, since, until): src/engine/image-filters.ts. */
  /** docker's listing: untagged images that a build step was made on (intermediate) only with `all`. */
  async listImages(filters: readonly string[] = [], opts: { all?: boolean } = {}): Promise<ImageRecord[]> {
    let images = await this.deps.images.list();
    if (!opts.all) {
      const parents = new BuildCache(this.deps.layout).parents();
      images = images.filter((i) => i.repoTags.length > 0 || !parents.has(i.id));
    }
    return filters.length ? filterImages(images, filters, (ref) => this.deps.images.resolve(ref)) : images;
  }

  async inspectImage(ref: string) {
    return inspectImage(this.deps.layout, await this.deps.images.resolve(ref));
  }

  async imageHistory(ref: string, opts: { noTrunc: boolean; human: boolean } = { noTrunc: true, human: false }) {
    return historyRows(this.deps.layout, await this.deps.images.resolve(ref), opts);
  }

  /** With credentials: the caller's (the Engine API's X-Registry-Auth) instead of the stored ones. */
  pullImage(ref: string, opts: PullOptions & { credentials?: Credentials } = {}): Promise<PullResult> {
    const { credentials, ...rest } = opts;
    return withCredentials(ref, credentials, (authFile) => pullImage(this.deps.layout, this.deps.log, ref, { ...rest, ...(authFile ? { authFile } : {}) }));
  }

  pushImage(ref: string, opts: PushOptions & { credentials?: Credentials } = {}): Promise<PushResult> {
    const { credentials, ...rest } = opts;
    return withCredentials(ref, credentials, (authFile) => pushImage(this.deps.layout, this.deps.log, ref, { ...rest, ...(authFile ? { authFile } : {}) }));
  }

  /** docker login through the Engine API: the credentials are checked, not stored (the client keeps them). */
  async checkRegistryLogin(server: string, creds: Credentials): Promise<void> {
    const client = await RegistryClient.connect(registryFromArgument(server), { credentials: creds, log: this.deps.log });
    try {
      await client.checkLogin();
    } finally {
      client.close();
    }
  }

  tagImage(source: string, target: string): Promise<void> {
    return this.deps.images.tag(source, target);
  }

  /** docker rmi: an image a container uses goes only with force (the rule lives here, for every front). */
  removeImages(names: string[], opts: { force: boolean }) {
    return removeImages(this.deps.layout, this.deps.log, names, { force: opts.force, containers: this.containerUses() });
  }

  pruneImages(opts: { all: boolean }): Promise<RemoveResult> {
    return pruneImages(this.deps.layout, this.deps.log, { all: opts.all, containers: this.containerUses() });
  }

  async saveImages(names: string[], format: ArchiveFormat = 'docker-archive'): Promise<Readable> {
    return archiveStream(this.deps.layout, await collectImages(this.deps.layout, this.deps.log, names), format);
  }

  loadImages(source: TarSource, what: string) {
    return loadArchive(this.deps.layout, this.deps.log, source, what);
  }

  importImage(source: string | NodeJS.ReadableStream, ref: string | undefined, opts: Parameters<ImageStore['importTarball']>[2] = {}): Promise<ImageRecord> {
    return this.deps.images.importTarball(source, ref, opts);
  }

  private containerUses() {
    return new ContainerStore(this.deps.layout).list().map((c) => ({ id: c.id, imageId: c.imageId, lowerDirs: c.lowerDirs ?? [] }));
  }

  // ---- networks and volumes ----------------------------------------------------------------------

  listNetworks() {
    return listNetworks(this.deps);
  }

  inspectNetwork(ref: string) {
    return inspectNetwork(this.deps, ref);
  }

  createNetwork(opts: CreateNetworkOptions) {
    return createNetwork(this.deps, opts);
  }

  removeNetwork(ref: string): Promise<string> {
    return removeNetwork(this.deps, ref);
  }

  pruneNetworks(): Promise<string[]> {
    return pruneNetworks(this.deps);
  }

  connectNetwork(network: string, container: string, opts: ConnectOptions): Promise<void> {
    return connectNetwork(this.deps, network, container, opts);
  }

  /** docker port: the container's name and the host ports its published ports are bound to now. */
  containerPorts(ref: string) {
    return containerPorts(this.deps, ref);
  }

  disconnectNetwork(network: string, container: string): Promise<void> {
    return disconnectNetwork(this.deps, network, container);
  }

  listVolumes(filters?: VolumeFilters) {
    return listVolumes(this.deps, filters);
  }

  inspectVolume(name: string) {
    const v = listVolumes(this.deps).find((x) => x.name === name);
    return v ? inspectVolume(v) : undefined;
  }

  createVolume(name: string | undefined, labels: string[] = []) {
    return createVolume(this.deps, name, labels);
  }

  removeVolume(name: string, opts: { force: boolean }): Promise<void> {
    return removeVolume(this.deps, name, opts);
  }

  pruneVolumes(opts: { all: boolean }) {
    return pruneVolumes(this.deps, opts);
  }

  // ---- events and system ---------------------------------------------------------------------------

  /**
   * Events between since and until (ns since the epoch); with follow, new ones as they are written,
   * until the signal aborts. Filtering is the caller's (one filter implementation: events-filter).
   */
  async *events(opts: { sinceNs?: number; untilNs?: number; follow: boolean; signal?: AbortSignal }): AsyncGenerator<EngineEvent> {
    const file = eventsFile(this.deps.layout);
    let offset = 0;
    for (;;) {
      let text = '';
      try {
        const fd = fs.openSync(file, 'r');
        try {
          const size = fs.fstatSync(fd).size;
          if (size > offset) {
            const buf = Buffer.alloc(size - offset);
            fs.readSync(fd, buf, 0, buf.length, offset);
            const cut = buf.lastIndexOf(0x0a) + 1;
            text = buf.subarray(0, cut).toString('utf8');
            offset += cut;
          }
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        // no events yet
      }
      for (const e of parseEvents(text)) {
        if (opts.sinceNs !== undefined && e.timeNano < opts.sinceNs) continue;
        if (opts.untilNs !== undefined && e.timeNano > opts.untilNs) return;
        yield e;
      }
      if (!opts.follow || opts.signal?.aborted || (opts.untilNs !== undefined && Date.now() * 1e6 > opts.untilNs)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  diskUsage() {
    return diskUsage(this.deps);
  }

  resetSystem() {
    return resetSystem(this.deps);
  }

  /** docker info's facts (GET /info's body) for every front. */
  async info(opts: InfoOptions) {
    return systemInfo(this.deps, opts, await this.listContainers({ all: true, filters: [] }), (await this.listImages([], { all: true })).length);
  }

  /** docker system prune: containers, networks, (volumes,) images, in docker's order. */
  pruneSystem(opts: { all: boolean; volumes: boolean }) {
    return pruneSystem(this.deps, {
      containers: () => this.pruneContainers(),
      networks: () => this.pruneNetworks(),
      volumes: () => this.pruneVolumes({ all: false }),
      images: (all) => this.pruneImages({ all }),
    }, opts);
  }
}

/** Runs fn with the credentials in a private auth file of their own (0600 in a 0700 temp dir), removed after. */
async function withCredentials<T>(ref: string, creds: Credentials | undefined, fn: (authFile?: string) => Promise<T>): Promise<T> {
  if (!creds) return fn();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-auth-'));
  try {
    const file = path.join(dir, 'auth.json');
    storeCredentials(parseReference(ref).domain, creds, file);
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
