// What every lifecycle operation shares: dependencies, the paths of one container, its lock,
// and the facts its status is derived from.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntimeContainer } from '../../runtime/container';
import type { ImageStore } from '../../image/store';
import type { Logger } from '../../log/log';
import type { ExitInfo } from '../../monitor/attach-protocol';
import { loadState, processAlive, type RuntimeState } from '../../runtime/state';
import { readJsonIfExists } from '../../store/atomic';
import type { Layout } from '../../store/layout';
import { withLock } from '../../store/lock';
import { bootId } from '../../sys/boot-id';
import { ContainerStore, type ContainerRecord } from '../container-store';
import { comparableTime, deriveStatus, type DerivedStatus } from '../container-status';
import { recordEvent } from '../events';
import { healthOf } from '../health/health-store';
import type { Health } from '../health/health-state';

export interface EngineDeps {
  layout: Layout;
  log: Logger;
  images: ImageStore;
  /** docker prints "WARNING: …" lines for flags it accepts with a caveat. */
  warn?: (message: string) => void;
}

export interface ContainerPaths {
  dir: string;
  rootfs: string;
  upper: string;
  work: string;
  exitFile: string;
  startedFile: string;
  restartFile: string;
  manualStopFile: string;
  logFile: string;
  stateDir: string;
  attachSocket: string;
}

export function containerPaths(layout: Layout, id: string): ContainerPaths {
  // dir is normalized already; plain concatenation, not path.join: ps builds this for every container
  const dir = layout.containerDir(id);
  return {
    dir,
    rootfs: `${dir}/rootfs`,
    upper: `${dir}/upper`,
    work: `${dir}/work`,
    exitFile: `${dir}/exit.json`,
    startedFile: `${dir}/started.json`,
    restartFile: `${dir}/restart.json`,
    manualStopFile: `${dir}/stopped-by-user`,
    logFile: `${dir}/${id}-json.log`,
    stateDir: layout.runtimeStateDir(id),
    // unix socket paths must stay under 108 bytes: a short directory and half the id
    attachSocket: path.join(layout.runroot, 's', `${id.slice(0, 32)}.sock`),
  };
}

export interface StartedRecord {
  startedAt: string;
  restartCount: number;
}

export interface RestartRecord {
  /** The process waiting out the back-off, and its start time. */
  pid: number;
  pidStartTime: string;
  since: string;
  exitCode: number;
}

export interface ContainerView {
  record: ContainerRecord;
  paths: ContainerPaths;
  state?: RuntimeState;
  exit?: ExitInfo;
  started?: StartedRecord;
  derived: DerivedStatus;
  /** docker's State.Health: containers with a health check, once started (src/engine/health/). */
  health?: Health;
}

/** The exit file describes the latest start (not a run before it). */
export function exitIsCurrent(view: Pick<ContainerView, 'exit' | 'started'>): boolean {
  if (!view.exit) return false;
  return !view.started || comparableTime(view.exit.finishedAt) >= comparableTime(view.started.startedAt);
}

export function lockContainer<T>(deps: EngineDeps, id: string, fn: () => Promise<T> | T): Promise<T> {
  return withLock(deps.layout, `container-${id}`, fn);
}

/** The container as the OCI runtime core sees it (its state under <runroot>/runtime/<id>). */
export function runtimeContainer(deps: EngineDeps, id: string): RuntimeContainer {
  return new RuntimeContainer(deps.layout.runtimeDir, id);
}

/** Reads every fact about a container and derives its status (no locks, no changes). */
export function viewContainer(deps: EngineDeps, record: ContainerRecord): ContainerView {
  const paths = containerPaths(deps.layout, record.id);
  const state = loadState(paths.stateDir);
  const exit = readJsonIfExists<ExitInfo>(paths.exitFile);
  const started = readJsonIfExists<StartedRecord>(paths.startedFile);
  const restart = readJsonIfExists<RestartRecord>(paths.restartFile);
  // the runtime's own status: created, running, paused or stopped (creating while a start is under way)
  const status = state ? runtimeContainer(deps, record.id).status(deps.log, state) : 'stopped';
  const initAlive = status === 'running' || status === 'paused' || status === 'created';
  const frozen = status === 'paused';
  const derived = deriveStatus({
    state, exit, startedAt: started?.startedAt, bootId: bootId(), initAlive,
    monitorAlive: !!state && processAlive(state.monitorPid, state.monitorStartTime),
    frozen, restarting: !!restart && processAlive(restart.pid, restart.pidStartTime),
  });
  const health = healthOf(paths.dir, record.config.Healthcheck, started?.startedAt);
  return { record, paths, state, exit, started, derived, ...(health ? { health } : {}) };
}

export function store(deps: EngineDeps): ContainerStore {
  return new ContainerStore(deps.layout);
}

export function event(deps: EngineDeps, record: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
  recordEvent(deps.layout, {
    type: 'container', action, id: record.id,
    attributes: { name: record.name, image: record.image, ...record.config.Labels, ...extra },
  });
}

/** Waits until fn() is true or the time is up; returns the last answer. */
export async function pollUntil(fn: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fn()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function removeFileIfExists(file: string): void {
  fs.rmSync(file, { force: true });
}
