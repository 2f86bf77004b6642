import type { ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { copyFiles, parseCpArg, type CpTarget } from '../../engine/lifecycle/cp';
import { engineDeps } from '../engine-deps';

export const command: CommandDefinition<{ src: CpTarget; dst: CpTarget }> = {
  name: 'cp',
  usage: 'CONTAINER:SRC_PATH DEST_PATH | SRC_PATH CONTAINER:DEST_PATH',
  summary: 'Copy files/folders between a container and the local filesystem',
  options: [],
  toOptions(args: ParsedArgs) {
    if (args.positionals.length !== 2) throw new InvalidArgumentError('"cp" requires exactly 2 arguments');
    const src = parseCpArg(args.positionals[0]);
    const dst = parseCpArg(args.positionals[1]);
    if (!src.container && !dst.container) throw new InvalidArgumentError('must specify at least one container source');
    return { src, dst };
  },
  async run(opts, ctx) {
    await copyFiles(engineDeps(ctx), opts.src, opts.dst);
    return 0;
  },
};
