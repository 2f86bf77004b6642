// mydocker run, in the foreground: image → container record → name → rootfs → bundle →
// runtime core → exit code. Every step pushes its undo; --rm (or a failure) removes it all.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, MydockerError } from '../errors/errors';
import type { ImageStore } from '../image/store';
import type { Logger } from '../log/log';
import { runBundle } from '../runtime/ops/run';
import type { StdioSlot } from '../runtime/nsexec';
import type { Layout } from '../store/layout';
import { writeJsonAtomic } from '../store/atomic';
import { UndoStack } from '../store/undo';
import { mountOverlay, unmountOverlay } from '../storage/overlay';
import { mkdirInRoot } from '../storage/secure-join';
import { buildContainerConfig, parseEnvFile, resolveEnvEntry, validateRunOptions, type RunOptions } from './container-config';
import { ContainerStore, newContainerId, randomName, type ContainerRecord } from './container-store';
import { writeEtcFiles } from './etc-files';
import { buildSpec } from './oci-spec';
import { resolveUserInRootfs } from './user';
import { readHostLimits } from './host-limits';
import { resolveResources, type ResolvedResources } from './resources';

export const DEFAULT_IMAGE = 'busybox';
export const DEFAULT_CGROUP_PARENT = 'mydocker';

export interface EngineDeps {
  layout: Layout;
  log: Logger;
  images: ImageStore;
  /** docker prints "WARNING: …" lines for flags it accepts with a caveat. */
  warn?: (message: string) => void;
}

export interface RunResult {
  exitCode: number;
  oomKilled: boolean;
  /** Memory limit in bytes when one was set (for the OOM message). */
  memoryLimit?: number;
  /** Set when the container's command could not be executed (exit 126/127). */
  error?: MydockerError;
  id: string;
}

function readUserEnv(opts: RunOptions): string[] {
  const env: string[] = [];
  for (const file of opts.envFiles) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    env.push(...parseEnvFile(text, process.env, file));
  }
  for (const e of opts.env) {
    const v = resolveEnvEntry(e, process.env, '-e');
    if (v !== undefined) env.push(v);
  }
  return env;
}

interface Prepared {
  record: ContainerRecord;
  dir: string;
  rootfs: string;
}

/** Creates everything a container needs on disk; on failure nothing of it stays. */
async function prepare(opts: RunOptions, limits: ResolvedResources, deps: EngineDeps, undo: UndoStack): Promise<Prepared> {
  const { layout, log, images } = deps;
  const userEnv = readUserEnv(opts);
  const image = await images.resolve(opts.image ?? DEFAULT_IMAGE);
  const id = newContainerId();
  const hostname = opts.hostname ?? id.slice(0, 12);
  const imageRef = opts.image ?? DEFAULT_IMAGE;
  const { config, hostConfig, argv } = buildContainerConfig(opts, { ref: imageRef, config: image.config }, hostname, userEnv, limits);
  const store = new ContainerStore(layout);
  const record: ContainerRecord = {
    schemaVersion: 1, id, name: opts.name ?? randomName(), created: new Date().toISOString(),
    path: argv[0], args: argv.slice(1), image: imageRef, imageId: image.id, config, hostConfig,
    lowerDirs: image.layerDirs,
  };

  const dir = store.create(record);
  undo.push('remove container directory', () => fs.rmSync(dir, { recursive: true, force: true }));
  log.step('engine', 'container-create', { id, name: record.name, image: imageRef });

  let nameFile: string;
  try {
    nameFile = store.reserveName(record.name, id);
  } catch (err) {
    // a generated name collided: retry once with a fresh one (an explicit --name conflict is the user's)
    if (opts.name !== undefined) throw err;
    record.name = `${randomName()}_${id.slice(0, 4)}`;
    writeJsonAtomic(path.join(dir, 'container.json'), record);
    nameFile = store.reserveName(record.name, id);
  }
  undo.push('release name', () => store.releaseName(record.name, id));
  log.step('engine', 'name-reserve', { name: record.name, path: nameFile });

  const rootfs = path.join(dir, 'rootfs');
  mountOverlay({ lowerDirs: image.layerDirs, upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), target: rootfs }, log);
  undo.push('unmount rootfs', () => unmountOverlay(rootfs, log));

  const user = resolveUserInRootfs(rootfs, config.User);
  if (config.WorkingDir) mkdirInRoot(rootfs, config.WorkingDir);
  const etcFiles = writeEtcFiles(dir, hostname);
  log.step('engine', 'etc-files', { dir });
  const spec = buildSpec({ config, hostConfig, argv, user, rootfs, etcFiles, cgroupsPath: `${limits.cgroupParent}/${id}`, limits });
  writeJsonAtomic(path.join(dir, 'config.json'), spec, { durable: false }); // regenerated on every start
  log.step('engine', 'bundle-write', { path: path.join(dir, 'config.json'), rootfs });
  return { record, dir, rootfs };
}

export async function runContainer(opts: RunOptions, deps: EngineDeps): Promise<RunResult> {
  validateRunOptions(opts);
  if (opts.detach) throw new InvalidArgumentError('detached containers (-d) are not supported yet');
  const limits = resolveResources(opts.resources, readHostLimits());
  for (const w of limits.warnings) deps.warn?.(w);
  const { layout, log } = deps;
  const undo = new UndoStack();
  let prepared: Prepared;
  try {
    prepared = await prepare(opts, limits, deps, undo);
  } catch (err) {
    await undo.unwind(err);
    throw err;
  }
  const { record, dir, rootfs } = prepared;
  const store = new ContainerStore(layout);
  const stdio: [StdioSlot, StdioSlot, StdioSlot] = [opts.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'];
  const startedAt = new Date().toISOString();
  try {
    const result = await runBundle({
      id: record.id, bundleDir: dir, stateDir: layout.runtimeStateDir(record.id), log, stdio,
      stdinRelay: opts.interactive && opts.tty, forwardSignals: true, pruneCgroupParent: limits.cgroupParent === `/${DEFAULT_CGROUP_PARENT}`,
    });
    const exitCode = result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
    unmountOverlay(rootfs, log);
    if (opts.rm) {
      store.remove(record);
      log.step('engine', 'container-remove', { id: record.id });
    } else {
      store.saveExit(record.id, {
        exitCode, startedAt, finishedAt: new Date().toISOString(), oomKilled: result.oomKilled, error: result.error?.message,
      });
    }
    undo.commit();
    return {
      exitCode, id: record.id, oomKilled: result.oomKilled, memoryLimit: result.memoryLimit,
      ...(result.error && exitCode !== 0 ? { error: result.error } : {}),
    };
  } catch (err) {
    // The container could not start: nothing of it may stay behind (docker keeps a "Created"
    // record here; we keep the store clean so a retry with the same --name works).
    await undo.unwind(err);
    throw err;
  }
}
