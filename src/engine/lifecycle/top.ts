// docker top: the host's ps, limited to the container's processes (its cgroup's members).
import { spawnSync } from 'node:child_process';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors/errors';
import { runtimeContainer, store, viewContainer, type EngineDeps } from './context';
import { containerPids as runtimePids } from '../../runtime/ops/ps';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** Host pids of every process in the container (from its cgroup). */
export function containerPids(deps: EngineDeps, ref: string): number[] {
  const record = store(deps).resolve(ref);
  const view = viewContainer(deps, record);
  if (!view.state || (view.derived.status !== 'running' && view.derived.status !== 'paused')) {
    throw new FailedPreconditionError(`container ${record.name} is not running`);
  }
  return runtimePids(runtimeContainer(deps, record.id), deps.log);
}

export function parsePs(output: string, pids: Set<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim());
  if (!lines.length) throw new InvalidArgumentError('ps printed nothing');
  const Titles = lines[0].trim().split(/\s+/);
  const pidCol = Titles.indexOf('PID');
  if (pidCol < 0) throw new InvalidArgumentError(`couldn't find PID field in ps output`);
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    // the last column (the command) keeps its spaces
    const row = [...fields.slice(0, Titles.length - 1), fields.slice(Titles.length - 1).join(' ')];
    if (pids.has(Number(row[pidCol]))) Processes.push(row);
  }
  return { Titles, Processes };
}

export function topContainer(deps: EngineDeps, ref: string, psArgs: string[]): TopResult {
  const pids = new Set(containerPids(deps, ref));
  const res = spawnSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8' });
  if (res.status !== 0) throw new InvalidArgumentError(`ps failed: ${(res.stderr || '').trim().split('\n')[0]}`);
  return parsePs(res.stdout, pids);
}
