// mydocker build: the executor's entry (see builder.ts and docs/build.md). The context is a directory, or a tar
// stream (`build -`, the Engine API's POST /build) unpacked into a private temp dir removed afterwards.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { Dockerfile } from '../../build/ast';
import { parseDockerfile } from '../../build/parse';
import { extractLayer } from '../../archive/extract';
import { readFileInRoot } from '../../storage/root-fd';
import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import type { EngineDeps } from '../lifecycle/context';
import { Builder, type BuildOptions, type BuildProgress, type BuildResult } from './builder';

export type { BuildOptions, BuildProgress, BuildResult } from './builder';

export interface BuildSource {
  /** A context directory, or a tar of it. */
  context: string | Readable | undefined;
  /** Path of the Dockerfile inside the context (default "Dockerfile"; confined to it), unless its text is given. */
  dockerfile?: string;
  /** The Dockerfile itself (the CLI's -f outside the context, or -f -); dockerfile then only names it in errors. */
  dockerfileText?: string;
}

export async function buildImage(deps: EngineDeps, opts: Omit<BuildOptions, 'dockerfileName'>, source: BuildSource, progress: BuildProgress): Promise<BuildResult> {
  let tmp: string | undefined;
  try {
    let dir: string;
    if (typeof source.context === 'string') {
      const st = fs.statSync(source.context, { throwIfNoEntry: false });
      if (!st?.isDirectory()) throw new NotFoundError(`unable to prepare context: path "${source.context}" not found`, { exitCode: 1 });
      dir = fs.realpathSync(source.context);
    } else {
      fs.mkdirSync(deps.layout.tmpDir, { recursive: true });
      tmp = fs.mkdtempSync(path.join(deps.layout.tmpDir, 'build-context-'));
      if (source.context) await extractLayer(source.context, tmp, { log: deps.log });
      dir = tmp;
    }
    const name = source.dockerfile ?? 'Dockerfile';
    let text = source.dockerfileText;
    if (text === undefined) {
      // an API client names a path in its context: read inside it, symlinks resolved within the context only
      text = readFileInRoot(dir, name);
      if (text === undefined) throw new NotFoundError(`unable to prepare context: cannot find the Dockerfile ${name} in the build context`, { exitCode: 1 });
    }
    const df = parseWithExit(text);
    return await new Builder(deps, { ...opts, dockerfileName: path.basename(name) }, dir, progress, parseWithExit).build(df);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function parseWithExit(text: string): Dockerfile {
  try {
    return parseDockerfile(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message, { exitCode: 1, cause: err }); // the parser names Dockerfile:LINE
  }
}
