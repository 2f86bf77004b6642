// The small lifecycle verbs: pause, unpause, wait, rename, prune, attach.
import { ConflictError, FailedPreconditionError } from '../../errors/errors';
import { AttachClient } from '../../monitor/attach-client';
import { can, type Status } from '../container-status';
import { validateName } from '../container-config';
import { event, lockContainer, pollUntil, runtimeContainer, store, viewContainer, type EngineDeps } from './context';
import { removeStopped } from './teardown';
import { pauseContainer, resumeContainer } from '../../runtime/ops/pause';

export async function setPaused(deps: EngineDeps, ref: string, paused: boolean): Promise<string> {
  const record = store(deps).resolve(ref);
  await lockContainer(deps, record.id, () => {
    const view = viewContainer(deps, record);
    const ok = paused ? can.pause(view.derived.status) : can.unpause(view.derived.status);
    if (!ok || !view.state) {
      throw new FailedPreconditionError(paused ? `container ${record.name} is not running` : `container ${record.name} is not paused`);
    }
    (paused ? pauseContainer : resumeContainer)(runtimeContainer(deps, record.id), deps.log);
    event(deps, record, paused ? 'pause' : 'unpause');
  });
  return record.name;
}

const WAITING: Status[] = ['running', 'paused', 'restarting'];

/** docker wait: blocks until the container stops; its exit code (0 for one never started). */
export async function waitContainer(deps: EngineDeps, ref: string): Promise<number> {
  const record = store(deps).resolve(ref);
  let view = viewContainer(deps, record);
  await pollUntil(() => !WAITING.includes((view = viewContainer(deps, record)).derived.status), 365 * 86_400_000, 50);
  return view.exit?.exitCode ?? (view.derived.status === 'dead' ? 255 : 0);
}

export async function renameContainer(deps: EngineDeps, ref: string, newName: string): Promise<void> {
  validateName(newName);
  const containers = store(deps);
  const record = containers.resolve(ref);
  await lockContainer(deps, record.id, () => {
    if (record.name === newName) throw new ConflictError(`renaming a container with the same name as its current name`);
    containers.reserveName(newName, record.id);
    const oldName = record.name;
    containers.update(record.id, (r) => (r.name = newName));
    containers.releaseName(oldName, record.id);
    event(deps, { ...record, name: newName }, 'rename', { oldName: `/${oldName}` });
  });
}

/** docker container prune: removes every stopped container; returns their ids. */
export async function pruneContainers(deps: EngineDeps): Promise<string[]> {
  const removed: string[] = [];
  for (const record of store(deps).list()) {
    await lockContainer(deps, record.id, async () => {
      const view = viewContainer(deps, record);
      if (view.derived.status === 'exited' || view.derived.status === 'created' || view.derived.status === 'dead') {
        await removeStopped(deps, view);
        removed.push(record.id);
      }
    });
  }
  return removed;
}

export async function attachContainer(deps: EngineDeps, ref: string, stdin: boolean) {
  const record = store(deps).resolve(ref);
  const view = viewContainer(deps, record);
  if (view.derived.status !== 'running' || !view.state) {
    throw new FailedPreconditionError(`you cannot attach to a stopped container, start it first`);
  }
  const client = await AttachClient.connect(view.paths.attachSocket, { stdin: stdin && record.config.OpenStdin, cleansUp: false });
  return { client, record, state: view.state };
}
