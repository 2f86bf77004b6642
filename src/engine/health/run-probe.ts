// One health probe, as dockerd runs it: the check exec'd in the running container (its
// namespaces, cgroup, user, capabilities, seccomp: the engine's exec path), stdout and stderr
// together cut at 4096 bytes, killed at the timeout; then the result applied to health.json
// under the health lock, with a "health_status: X" event when the status changes.
import * as path from 'node:path';
import { FailedPreconditionError } from '../../errors/errors';
import type { MonitorOptions } from '../../monitor/spawn';
import { findPackageRoot } from '../../sys/native';
import type { ContainerRecord } from '../container-store';
import { execContainer } from '../lifecycle/exec';
import { event, store, viewContainer, type EngineDeps } from '../lifecycle/context';
import { formatGoDuration } from './duration';
import { MAX_OUTPUT_BYTES, probeOf, type Probe } from './health-config';
import { applyResult, currentHealth, LimitedOutput, nextDelayMs, type HealthResult, type HealthStatus } from './health-state';
import { readHealthRecord, withHealthLock, writeHealthRecord } from './health-store';

export interface ProbeOutcome {
  /** The result, when a probe ran and counted (undefined: skipped, or the container stopped meanwhile). */
  result?: HealthResult;
  status?: HealthStatus;
  /** When the monitor should probe next. */
  nextDelayMs: number;
}

/** Output still arriving after the check exited (a child it left holds the pipe) is waited for this long. */
const DRAIN_MS = 250;

async function execProbe(deps: EngineDeps, id: string, probe: Probe): Promise<HealthResult> {
  const start = new Date();
  const out = new LimitedOutput(MAX_OUTPUT_BYTES);
  const ends: Promise<void>[] = [];
  const streams: { destroy(): void }[] = [];
  let pid: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), probe.timeoutMs)));
  const exec = execContainer(deps, {
    ref: id, cmd: probe.argv, interactive: false, tty: false, detach: false, env: [], privileged: false, onPid: (p) => (pid = p),
  }, ['ignore', 'pipe', 'pipe'], (s) => {
    for (const r of [s.stdout, s.stderr]) {
      if (!r) continue;
      r.on('data', (chunk: Buffer) => out.write(chunk));
      ends.push(new Promise((resolve) => r.once('close', () => resolve())));
      streams.push(r);
    }
  });
  try {
    const first = await Promise.race([exec, timedOut]);
    if (first === 'timeout') {
      // the check leads its own session: its process group is the check and what it started
      if (pid !== undefined) for (const target of [-pid, pid]) try { process.kill(target, 'SIGKILL'); } catch { /* gone already */ }
      await Promise.race([exec.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
      const text = out.text();
      const limit = formatGoDuration(probe.timeoutMs * 1e6);
      return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: -1, Output: `Health check exceeded timeout (${limit})${text ? `: ${text}` : ''}` };
    }
    await Promise.race([Promise.all(ends), new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
    const status = first!.status;
    const code = status.signal !== undefined ? 128 + status.signal : status.code;
    const text = out.text() || (first!.error ? first!.error.message : '');
    return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: code, Output: text };
  } catch (err) {
    // dockerd records a probe that could not run as a failure with its error
    return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: -1, Output: (err as Error).message };
  } finally {
    clearTimeout(timer);
    for (const s of streams) s.destroy();
  }
}

/**
 * Runs the container's health check once and records it. `manual` (healthcheck run): errors when
 * there is nothing to probe; the monitor's run just skips (a paused container is not probed).
 */
export async function runHealthProbe(deps: EngineDeps, ref: string, manual: boolean): Promise<ProbeOutcome> {
  const record = store(deps).resolve(ref);
  const probe = probeOf(record.config.Healthcheck);
  if (!probe) {
    if (manual) throw new FailedPreconditionError(`container ${record.name} has no defined healthcheck`);
    return { nextDelayMs: 0 };
  }
  const view = viewContainer(deps, record);
  const startedAt = view.started?.startedAt;
  if (view.derived.status !== 'running' || view.derived.reason === 'exiting' || !startedAt) {
    if (manual) throw new FailedPreconditionError(`container ${record.name} is not running`, { hint: view.derived.status === 'paused' ? 'unpause it first' : undefined });
    return { nextDelayMs: probe.intervalMs };
  }
  const result = await execProbe(deps, record.id, probe);
  const outcome = await withHealthLock(view.paths.dir, () => {
    // a result that outlived its start (the container stopped or restarted meanwhile) is dropped, as dockerd does
    const now = viewContainer(deps, record);
    if (now.derived.status !== 'running' || now.derived.reason === 'exiting' || now.started?.startedAt !== startedAt) return undefined;
    const before = currentHealth(readHealthRecord(view.paths.dir), startedAt);
    const after = applyResult(before, result, probe, startedAt);
    writeHealthRecord(view.paths.dir, { schemaVersion: 1, startedAt, ...after });
    if (after.Status !== before.Status) event(deps, record, `health_status: ${after.Status}`);
    return after.Status;
  }).catch(() => undefined); // removed meanwhile (rm -f): nothing to record
  const sinceStart = Date.now() - Date.parse(startedAt);
  return { result: outcome ? result : undefined, status: outcome, nextDelayMs: nextDelayMs(probe, sinceStart, outcome ?? 'starting') };
}

/**
 * What a start hands the container's monitor: the command that probes once (`mydocker internal
 * healthcheck ID`) and when it first runs. Undefined without a health check: no timer at all.
 */
export function healthMonitorOptions(deps: EngineDeps, record: ContainerRecord): MonitorOptions['health'] {
  const probe = probeOf(record.config.Healthcheck);
  if (!probe) return undefined;
  const cli = path.join(findPackageRoot(), 'bin', 'mydocker');
  const command = [process.execPath, '--', cli, '--root', deps.layout.root, '--runroot', deps.layout.runroot, 'internal', 'healthcheck', record.id];
  return { command, firstDelayMs: nextDelayMs(probe, 0, 'starting'), intervalMs: probe.intervalMs };
}
