// docker rm: a stopped container's record, name, directory (upper layer, logs) and runtime state.
import { ConflictError } from '../../errors/errors';
import { can } from '../container-status';
import { event, lockContainer, store, viewContainer, type EngineDeps } from './context';
import { handleExitLocked, killAndWait, removeStopped } from './teardown';
import * as fs from 'node:fs';

export interface RemoveOptions {
  force: boolean;
  volumes: boolean;
}

export async function removeContainer(deps: EngineDeps, ref: string, opts: RemoveOptions): Promise<string> {
  const record = store(deps).resolve(ref);
  await lockContainer(deps, record.id, async () => {
    let view = viewContainer(deps, record);
    if (!can.removeWithoutForce(view.derived.status)) {
      if (!opts.force) {
        throw new ConflictError(`cannot remove container "${record.name}": container is ${view.derived.status}`, {
          hint: 'stop the container before attempting removal or force remove',
        });
      }
      fs.writeFileSync(view.paths.manualStopFile, ''); // no restart policy may bring it back
      event(deps, record, 'kill', { signal: '9' });
      await killAndWait(deps, view, 'SIGKILL', 10_000);
      await handleExitLocked(deps, viewContainer(deps, record));
      if (!store(deps).load(record.id)) return; // it was a --rm container: gone already
      view = viewContainer(deps, record);
    }
    await removeStopped(deps, view, opts.volumes);
  });
  return record.name;
}
