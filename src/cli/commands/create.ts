import type { CommandDefinition } from '../command';
import { engineFor } from '../engine-deps';
import { RUN_OPTIONS } from '../run-options';
import { checkCidFile, prepareImage, toRunCommandSpec, writeCidFile, type RunCommandSpec } from '../run-client-spec';

export const command: CommandDefinition<RunCommandSpec> = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create a new container',
  stopAtPositional: true,
  options: RUN_OPTIONS,
  toOptions: toRunCommandSpec,
  async run({ client, ...spec }, ctx) {
    checkCidFile(client.cidfile);
    const engine = engineFor(ctx);
    await prepareImage(engine, spec.config.Image, client, ctx.io);
    const record = await engine.createContainer(spec);
    writeCidFile(client.cidfile, record.id);
    ctx.io.stdout.write(`${record.id}\n`);
    return 0;
  },
};
