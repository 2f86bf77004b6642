// RUN: a real container from the current step's image (its Env, User, WorkingDir, the build's network), output
// streamed to the progress sink; exit 0 → its overlay upper dir becomes the step's layer (as commit does);
// otherwise the container goes and the build fails naming the Dockerfile line. The container is always removed.
import { tarStream } from '../../archive/tar-writer';
import { InvalidArgumentError } from '../../errors/errors';
import type { ImageConfig, ImageRecord } from '../../image/store';
import { ENGINE_MOUNTPOINTS } from '../commit';
import type { ContainerSpec } from '../container-spec';
import { specToRunOptions } from '../container-spec';
import { containerIds, treeEntries } from '../export';
import { store, viewContainer, type EngineDeps } from '../lifecycle/context';
import { removeContainer } from '../lifecycle/remove';
import { runContainer } from '../lifecycle/run';
import { killContainer } from '../lifecycle/stop';
import * as fs from 'node:fs';

export interface RunStep {
  image: ImageRecord;
  config: ImageConfig;
  argv: string[];
  /** Build args visible to this RUN only (not kept in the image). */
  extraEnv: string[];
  network: string;
  /** For the error: "Dockerfile:LINE" and the instruction as written. */
  where: string;
  shown: string;
  output: (data: Buffer) => void;
  /** The build was cancelled (Ctrl-C, the API client went away): the RUN container is killed, then removed. */
  signal?: AbortSignal;
}

/** Runs the step; resolves with the new layer's diffID. */
export async function runStep(deps: EngineDeps, step: RunStep): Promise<{ diffId: string }> {
  const env = [...(step.config.Env ?? [])];
  for (const e of step.extraEnv) {
    const k = e.slice(0, e.indexOf('='));
    if (!env.some((x) => x.startsWith(`${k}=`))) env.push(e);
  }
  const spec: ContainerSpec = {
    config: {
      Image: step.image.id, Entrypoint: [''], Cmd: step.argv, Env: env, WorkingDir: step.config.WorkingDir ?? '',
      User: step.config.User ?? '', AttachStdout: true, AttachStderr: true, Labels: { 'mydocker.build': 'true' },
    },
    hostConfig: { NetworkMode: step.network },
  };
  let id: string | undefined;
  try {
    const result = await runContainer(specToRunOptions(spec), deps, async (client, _state, record) => {
      id = record.id;
      client.onOutput((_s, data) => step.output(data));
      const cancel = () => void killContainer(deps, record.id).catch(() => undefined);
      if (step.signal?.aborted) cancel();
      else step.signal?.addEventListener('abort', cancel, { once: true });
      return { detached: false };
    });
    id = result.id;
    const code = result.exit?.exitCode ?? -1;
    if (step.signal?.aborted) throw new InvalidArgumentError(`${step.where}: the build was cancelled during ${step.shown}`, { exitCode: 1 });
    if (code !== 0) {
      throw new InvalidArgumentError(`${step.where}: ${step.shown} returned a non-zero code: ${code}`, { exitCode: 1 });
    }
    const record = store(deps).resolve(id);
    const upper = viewContainer(deps, record).paths.upper;
    const entries = fs.existsSync(upper) ? treeEntries(upper, { overlayUpper: true, exclude: ENGINE_MOUNTPOINTS, log: deps.log, ids: containerIds(record) }) : [];
    const layer = await deps.images.addLayer(tarStream(entries));
    return { diffId: layer.diffId };
  } finally {
    if (id) await removeContainer(deps, id, { force: true, volumes: true }).catch((err) => deps.log.debug('build', 'removing the RUN container failed', { id, err: String(err) }));
  }
}
