// Runtime state of one container: facts only (pid and its start time, bundle, cgroup dirs we
// made). Status is derived from these plus live probes, never stored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { Hook } from './spec';

export interface RuntimeState {
  schemaVersion: 1;
  id: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a live init from a recycled pid. */
  pidStartTime: string;
  bundle: string;
  cgroupsPath: string;
  /** cgroup directories this runtime created, outermost first. */
  createdCgroups: string[];
  created: string;
  /** Remove the cgroup's parent too when it is left empty (the engine's own parent). */
  pruneCgroupParent?: boolean;
  /** The kernel boot this state belongs to: state from an earlier boot is stale. */
  bootId?: string;
  /** The container's monitor (native/src/monitor.c), when it has one. */
  monitorPid?: number;
  monitorStartTime?: string;
  annotations?: Record<string, string>;
  /** The bundle's root filesystem, absolute (runc state prints it). */
  rootfs?: string;
  /** Hooks that run after the container is deleted: the bundle may be gone by then. */
  poststop?: Hook[];
}

export function stateFile(dir: string): string {
  return path.join(dir, 'state.json');
}

/**
 * Atomic (a killed writer leaves the old file or the new one) but not fsync'd: the state lives under
 * the runroot (a tmpfs on most hosts; a new boot id discards it anyway) and it describes processes
 * that a power loss ends. The fsync cost ~1 ms on every start (docs/library.md).
 */
export function saveState(dir: string, state: RuntimeState): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeJsonAtomic(stateFile(dir), state, { durable: false });
}

/** A file a power loss left empty or torn (a runroot on a disk) describes nothing that still runs. */
export function loadState(dir: string): RuntimeState | undefined {
  try {
    return readJsonIfExists<RuntimeState>(stateFile(dir));
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * Start time of a process in clock ticks since boot, or undefined if it is gone. A zombie counts
 * as gone: an orphan re-parented to a PID 1 that never reaps stays a zombie forever.
 */
export function pidStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: fields resume after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
    return rest[19];
  } catch {
    return undefined;
  }
}

/** A pid is the same process only if its start time matches: pids are recycled. */
export function processAlive(pid: number | undefined, startTime: string | undefined): boolean {
  if (!pid || !startTime) return false;
  return pidStartTime(pid) === startTime;
}

export function removeState(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
