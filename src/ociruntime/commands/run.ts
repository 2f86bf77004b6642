import { flag, type ParsedArgs } from '../../cli/argv';
import { createContainer } from '../../runtime/ops/create';
import { readSpec, runBundle } from '../../runtime/ops/run';
import { startContainer } from '../../runtime/ops/start';
import type { RuntimeCommand } from '../command';
import { cgroupfsPath, seccompCacheDir } from '../context';
import { CREATE_OPTIONS, createFlags, type CreateFlags } from './create';
import * as path from 'node:path';

export const command: RuntimeCommand<CreateFlags & { detach: boolean }> = {
  name: 'run',
  usage: '[OPTIONS] CONTAINER-ID',
  summary: 'create and start a container; without --detach, wait for it and delete it',
  options: [...CREATE_OPTIONS, { name: 'detach', short: 'd', type: 'bool', description: 'return once the container runs' }, { name: 'keep', type: 'bool', description: 'accepted (runc: keep the container after it exits)' }],
  toOptions: (args: ParsedArgs) => ({ ...createFlags(args), detach: flag(args, 'detach') }),
  async run(f, ctx) {
    const spec = cgroupfsPath(readSpec(f.bundle), ctx, f.id);
    const common = { id: f.id, root: ctx.root, bundleDir: f.bundle, log: ctx.log, seccompCacheDir: seccompCacheDir(ctx), pidFile: f.pidFile, noPivot: f.noPivot, noNewKeyring: f.noNewKeyring };
    if (f.detach) {
      const { container } = await createContainer({ ...common, consoleSocket: f.consoleSocket && path.resolve(f.consoleSocket), preserveFds: f.preserveFds }, spec);
      await startContainer(container, ctx.log);
      return 0;
    }
    const tty = spec.process?.terminal === true;
    const result = await runBundle({ ...common, stdio: ['inherit', 'inherit', 'inherit'], stdinRelay: tty, forwardSignals: !tty, preserveFds: f.preserveFds }, spec);
    if (result.error && result.status.code !== 0) process.stderr.write(`${result.error.message}\n`);
    return result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
  },
};
