import type { CommandDefinition } from '../command';
import type { ContainerSpec } from '../../engine/container-spec';
import { engineFor } from '../engine-deps';
import { RUN_OPTIONS, toContainerSpec } from '../run-options';

export const command: CommandDefinition<ContainerSpec> = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create a new container',
  stopAtPositional: true,
  options: RUN_OPTIONS,
  toOptions: toContainerSpec,
  async run(spec, ctx) {
    const record = await engineFor(ctx).createContainer(spec);
    ctx.io.stdout.write(`${record.id}\n`);
    return 0;
  },
};
