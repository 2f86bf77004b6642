// docker run = create + start, then either print the id (-d) or stay attached until the
// container exits, release it (and remove it with --rm) and return its exit code.
import { AttachClient } from '../../monitor/attach-client';
import type { ExitInfo } from '../../monitor/attach-protocol';
import type { RuntimeState } from '../../runtime/state';
import type { RunOptions } from '../container-config';
import type { ContainerRecord } from '../container-store';
import { cleanupAfterExit } from './cleanup';
import { containerPaths, lockContainer, store, viewContainer, type EngineDeps } from './context';
import { createContainer } from './create';
import { removeStopped } from './teardown';
import { startContainer } from './start';

/** What the front does while attached: wire the terminal; resolves when the exit arrives or the user detaches. */
export type AttachHandler = (client: AttachClient, state: RuntimeState, record: ContainerRecord) => Promise<{ detached: boolean }>;

export interface RunResult {
  id: string;
  detached: boolean;
  exit?: ExitInfo;
  /** The memory limit in bytes, if any (for the OOM message). */
  memoryLimit?: number;
}

/** Starts a container (locked), connecting an attach client before it may run, so no output is lost. */
export async function startAttached(
  deps: EngineDeps, record: ContainerRecord, opts: { stdin: boolean; consoleSize?: { rows: number; cols: number } },
): Promise<{ client: AttachClient; state: RuntimeState }> {
  let client: AttachClient | undefined;
  // With a restart policy the monitor's exit command must run (to restart); otherwise we clean up.
  const cleansUp = record.hostConfig.RestartPolicy.Name === 'no';
  const state = await lockContainer(deps, record.id, () =>
    startContainer(deps, record, {
      consoleSize: opts.consoleSize,
      beforeGo: async () => {
        client = await AttachClient.connect(containerPaths(deps.layout, record.id).attachSocket, { stdin: opts.stdin, cleansUp });
      },
    }),
  );
  return { client: client!, state };
}

export async function runContainer(opts: RunOptions, deps: EngineDeps, attach?: AttachHandler): Promise<RunResult> {
  const record = await createContainer(opts, deps);
  try {
    if (opts.detach || !attach) {
      await lockContainer(deps, record.id, () => startContainer(deps, record, { consoleSize: opts.consoleSize }));
      return { id: record.id, detached: true };
    }
    const { client, state } = await startAttached(deps, record, { stdin: opts.interactive, consoleSize: opts.consoleSize });
    const { detached } = await attach(client, state, record);
    if (detached) return { id: record.id, detached: true };
    const exit = await client.exit;
    if (record.hostConfig.RestartPolicy.Name === 'no') await cleanupAfterExit(deps, record.id);
    return { id: record.id, detached: false, exit, memoryLimit: record.limits.resources.memory?.limit };
  } catch (err) {
    // docker keeps a container whose command could not be executed (exit 126/127); what it held
    // is released, and with --rm (or when nothing ever started) the container goes too.
    await cleanupAfterExit(deps, record.id).catch(() => undefined);
    await lockContainer(deps, record.id, async () => {
      const r = store(deps).load(record.id);
      if (r && (opts.rm || !viewContainer(deps, r).started)) await removeStopped(deps, viewContainer(deps, r));
    }).catch(() => undefined);
    throw err;
  }
}
