// Where the Engine API client tests send their requests: mydocker's service (helpers/engine-service.ts), or,
// with MYDOCKER_TEST_API_TARGET=dockerd, a private dockerd (helpers/dockerd.ts) — the same tests against the
// real thing, to check the tests themselves (nerdctl's -test.target=docker). Both hold busybox without a
// pull and, on request, the chapter-7 app's images (helpers/app-images.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Dockerd } from './dockerd';
import { EngineService, serviceSkipReason } from './engine-service';
import { importAppImages, REDIS_IMAGE, FLASK_IMAGE } from './app-images';
import { runCommand } from './host';
import { MYDOCKER, type Sandbox } from './sandbox';

export type TargetKind = 'mydocker' | 'dockerd';

export const API_TARGET: TargetKind = process.env.MYDOCKER_TEST_API_TARGET === 'dockerd' ? 'dockerd' : 'mydocker';

export interface ApiTarget {
  readonly kind: TargetKind;
  /** The API's unix socket, and the same as DOCKER_HOST. */
  readonly socket: string;
  readonly host: string;
  /** Puts mydocker-test/redis and mydocker-test/flask into the engine's store. */
  loadAppImages(): void;
  /** mydocker only: the store the service works on, for the CLI and for looking at the host's networking. */
  readonly sandbox?: Sandbox;
  logTail(): string;
  /** Stops the engine and removes everything of it; returns what was still there (empty when all went). */
  stop(): Promise<string[]>;
}

export function targetSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root';
  if (API_TARGET === 'mydocker') return serviceSkipReason();
  return runCommand('sh', ['-c', 'command -v dockerd && command -v docker']).code === 0 ? false : 'dockerd or docker is not installed';
}

export async function startTarget(name: string): Promise<ApiTarget> {
  return API_TARGET === 'dockerd' ? startDockerd(name) : startService(name);
}

async function startService(name: string): Promise<ApiTarget> {
  const svc = await EngineService.start(name);
  return {
    kind: 'mydocker',
    socket: svc.socket,
    host: svc.host,
    // through the CLI while the service runs: both work on the one store
    loadAppImages: () => importAppImages(svc.sb),
    sandbox: svc.sb,
    logTail: () => svc.logTail(),
    stop: () => svc.stop(),
  };
}

async function startDockerd(name: string): Promise<ApiTarget> {
  // the extra runtime dockerd's helper registers is never asked for: containers run with dockerd's default, runc
  const d = await Dockerd.start(`api-${name}`, { runtime: '/usr/sbin/runc', runtimeName: 'runc-traced' });
  try {
    d.loadBusybox();
  } catch (e) {
    d.stop();
    throw e;
  }
  return {
    kind: 'dockerd',
    socket: d.socket,
    host: `unix://${d.socket}`,
    loadAppImages: () => {
      const store = { root: path.join(d.dir, 'app-store', 'root'), runroot: path.join(d.dir, 'app-store', 'run') };
      const archive = path.join(d.dir, 'app-images.tar');
      importAppImages(store);
      const r = runCommand(MYDOCKER, ['--root', store.root, '--runroot', store.runroot, 'save', '-o', archive, REDIS_IMAGE, FLASK_IMAGE]);
      if (r.code !== 0) throw new Error(`mydocker save failed (${r.code}): ${r.stderr}`);
      fs.rmSync(path.join(d.dir, 'app-store'), { recursive: true, force: true });
      d.ok(['load', '-q', '-i', archive], { timeoutMs: 120_000 });
      fs.rmSync(archive, { force: true });
    },
    logTail: () => d.logTail(),
    stop: async () => d.stop(),
  };
}
