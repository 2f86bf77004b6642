import { flag, type ParsedArgs } from '../../cli/argv';
import type { RuntimeCommand } from '../command';
import { bundleOptions, CREATE_OPTIONS, createFlags, type CreateFlags } from './create';

export const command: RuntimeCommand<CreateFlags & { detach: boolean }> = {
  name: 'run',
  usage: '[OPTIONS] CONTAINER-ID',
  summary: 'create and start a container; without --detach, wait for it and delete it',
  options: [...CREATE_OPTIONS, { name: 'detach', short: 'd', type: 'bool', description: 'return once the container runs' }, { name: 'keep', type: 'bool', description: 'accepted (runc: keep the container after it exits)' }],
  toOptions: (args: ParsedArgs) => ({ ...createFlags(args), detach: flag(args, 'detach') }),
  async run(f, ctx) {
    if (f.detach) {
      await ctx.runtime.create(f.id, f.bundle, bundleOptions(f));
      await ctx.runtime.start(f.id);
      return 0;
    }
    const tty = ctx.runtime.bundleSpec(f.bundle, f.id).process?.terminal === true;
    const { consoleSocket: _attached, ...opts } = bundleOptions(f);
    const result = await ctx.runtime.runAttached(f.id, f.bundle, { ...opts, stdio: ['inherit', 'inherit', 'inherit'], stdinRelay: tty, forwardSignals: !tty });
    if (result.error && result.status.code !== 0) process.stderr.write(`${result.error.message}\n`);
    return result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
  },
};
