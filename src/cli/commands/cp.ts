import { flag, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { parseCpArg, type CopyOptions, type CpTarget } from '../../engine/lifecycle/cp';
import { engineFor } from '../engine-deps';

interface CpOptions extends CopyOptions { src: CpTarget; dst: CpTarget }

export const command: CommandDefinition<CpOptions> = {
  name: 'cp',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH | SRC_PATH CONTAINER:DEST_PATH',
  summary: 'Copy files/folders between a container and the local filesystem',
  options: [
    { name: 'archive', short: 'a', type: 'bool', description: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', type: 'bool', description: 'Always follow symbol link in SRC_PATH' },
  ],
  toOptions(args: ParsedArgs) {
    if (args.positionals.length !== 2) throw new InvalidArgumentError('"cp" requires exactly 2 arguments');
    if (args.positionals.includes('-')) throw new InvalidArgumentError('copying a tar stream from stdin or to stdout ("-") is not supported');
    const src = parseCpArg(args.positionals[0]);
    const dst = parseCpArg(args.positionals[1]);
    if (!src.container && !dst.container) throw new InvalidArgumentError('must specify at least one container source');
    return { src, dst, archive: flag(args, 'archive'), followLink: flag(args, 'follow-link') };
  },
  async run(opts, ctx) {
    await engineFor(ctx).copy(opts.src, opts.dst, { archive: opts.archive, followLink: opts.followLink });
    return 0;
  },
};
