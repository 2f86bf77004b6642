import type { CommandDefinition } from '../command';
import type { RunOptions } from '../../engine/container-config';
import { createContainer } from '../../engine/lifecycle/create';
import { engineDeps } from '../engine-deps';
import { RUN_OPTIONS, toRunOptions } from '../run-options';

export const command: CommandDefinition<RunOptions> = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create a new container',
  stopAtPositional: true,
  options: RUN_OPTIONS,
  toOptions: toRunOptions,
  async run(opts, ctx) {
    const record = await createContainer(opts, engineDeps(ctx));
    ctx.io.stdout.write(`${record.id}\n`);
    return 0;
  },
};
