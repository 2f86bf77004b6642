// A container's health, docker's rules (daemon/health.go) as pure functions: how one probe result
// moves the status, when the next probe runs, and what a start resets. Kept on disk per container
// in health.json (src/engine/health/health-store.ts), tagged with the start it belongs to.
import { MAX_LOG_ENTRIES, type Probe } from './health-config';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** docker's HealthcheckResult. ExitCode -1: the probe could not run or timed out. */
export interface HealthResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** docker's State.Health. */
export interface Health {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthResult[];
}

export interface HealthRecord extends Health {
  schemaVersion: 1;
  /** The container start these results belong to (started.json's startedAt). */
  startedAt: string;
}

/**
 * The health of the current start. A start resets the status to "starting" and the streak to 0
 * and keeps the log (docker's initHealthMonitor); no write is needed for that: a record of an
 * earlier start reads as reset.
 */
export function currentHealth(record: HealthRecord | undefined, startedAt: string): Health {
  if (!record) return { Status: 'starting', FailingStreak: 0, Log: [] };
  if (record.startedAt !== startedAt) return { Status: 'starting', FailingStreak: 0, Log: record.Log ?? [] };
  return { Status: record.Status, FailingStreak: record.FailingStreak, Log: record.Log ?? [] };
}

/**
 * One result applied: success → healthy and the streak cleared; a failure counts unless the
 * container is still starting within its start period; `retries` counted failures → unhealthy.
 */
export function applyResult(h: Health, result: HealthResult, probe: Pick<Probe, 'retries' | 'startPeriodMs'>, startedAt: string): Health {
  const Log = [...h.Log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const sinceStart = Date.parse(result.Start) - Date.parse(startedAt);
  if (h.Status === 'starting' && sinceStart < probe.startPeriodMs) return { ...h, Log };
  const FailingStreak = h.FailingStreak + 1;
  return { Status: FailingStreak >= probe.retries ? 'unhealthy' : h.Status, FailingStreak, Log };
}

/**
 * Milliseconds until the next probe (docker's getInterval): the interval, but within the start
 * period no later than its end, and every start interval while still starting.
 */
export function nextDelayMs(probe: Probe, sinceStartMs: number, status: HealthStatus): number {
  if (sinceStartMs >= probe.startPeriodMs) return probe.intervalMs;
  const remaining = probe.startPeriodMs - sinceStartMs;
  if (remaining < probe.intervalMs) return remaining;
  return status === 'starting' ? probe.startIntervalMs : probe.intervalMs;
}

/** docker's limitedBuffer: the first MAX bytes, "..." when more came. */
export class LimitedOutput {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;
  constructor(private readonly max: number) {}

  write(chunk: Buffer): void {
    const keep = Math.min(this.max - this.size, chunk.length);
    if (keep > 0) {
      this.chunks.push(chunk.subarray(0, keep));
      this.size += keep;
    }
    if (keep < chunk.length) this.truncated = true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8') + (this.truncated ? '...' : '');
  }
}
