import type { CommandDefinition } from '../command';
import { versionLine } from '../main';

export const command: CommandDefinition<Record<string, never>> = {
  name: 'version',
  usage: '',
  summary: 'Show the mydocker version information',
  options: [],
  toOptions: () => ({}),
  async run(_opts, ctx) {
    ctx.io.stdout.write(versionLine());
    return 0;
  },
};
