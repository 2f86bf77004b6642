// health.json beside container.json: the results of the current start's probes. A file of its
// own, not a field of container.json: it changes every interval, and container.json's writer
// (ContainerStore.update) runs under the container lock, which stop/rm hold for seconds; a probe
// must neither wait behind them nor make them wait. Writers (the monitor's probe, `healthcheck
// run`) serialize on a flock of the container directory itself, so no lock file is left behind
// and a removed container cannot be re-created by a late probe.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../../store/atomic';
import { LOCK_EX, LOCK_NB, LOCK_UN, sys } from '../../sys/native';
import { probeOf, type HealthConfig } from './health-config';
import { currentHealth, type Health, type HealthRecord } from './health-state';

export function healthFile(containerDir: string): string {
  return path.join(containerDir, 'health.json');
}

export function readHealthRecord(containerDir: string): HealthRecord | undefined {
  return readJsonIfExists<HealthRecord>(healthFile(containerDir));
}

/** State.Health as inspect shows it: only for a container with a health check that has started. */
export function healthOf(containerDir: string, hc: HealthConfig | undefined | null, startedAt: string | undefined): Health | undefined {
  if (!probeOf(hc) || !startedAt) return undefined;
  return currentHealth(readHealthRecord(containerDir), startedAt);
}

export function writeHealthRecord(containerDir: string, record: HealthRecord): void {
  writeJsonAtomic(healthFile(containerDir), record, { durable: false });
}

/** Runs fn holding an exclusive flock on the container directory; undefined when the directory is gone. */
export async function withHealthLock<T>(containerDir: string, fn: () => Promise<T> | T): Promise<T | undefined> {
  let fd: number;
  try {
    fd = fs.openSync(containerDir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch {
    return undefined;
  }
  try {
    while (!sys().flock(fd, LOCK_EX | LOCK_NB)) await new Promise((r) => setTimeout(r, 25));
    try {
      return fs.existsSync(path.join(containerDir, 'container.json')) ? await fn() : undefined;
    } finally {
      sys().flock(fd, LOCK_UN);
    }
  } finally {
    fs.closeSync(fd);
  }
}
