// mydocker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]: the container's changes as a new image; prints its id.
import { list, str } from '../argv';
import type { CommandDefinition } from '../command';
import { engineFor } from '../engine-deps';
import { InvalidArgumentError } from '../../errors/errors';
import type { CommitOptions } from '../../engine/commit';
import { parseChanges, splitChanges } from '../../image/changes';

export const command: CommandDefinition<CommitOptions & { container: string }> = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  summary: "Create a new image from a container's changes",
  options: [
    { name: 'author', short: 'a', type: 'string', value: 'string', description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', type: 'list', value: 'list', description: 'Apply Dockerfile instruction to the created image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL)' },
    { name: 'message', short: 'm', type: 'string', value: 'string', description: 'Commit message' },
    { name: 'pause', short: 'p', type: 'bool', description: 'Pause container during commit (default true; --pause=false to read it live)' },
  ],
  toOptions(args) {
    const [container, ref, ...extra] = args.positionals;
    if (!container || extra.length) {
      throw new InvalidArgumentError('"mydocker commit" requires at least 1 and at most 2 arguments', { hint: "see 'mydocker commit --help'" });
    }
    const changes = splitChanges(list(args, 'change'));
    parseChanges(changes); // a bad instruction fails before anything is read
    const author = str(args, 'author');
    const message = str(args, 'message');
    return {
      container, changes, pause: args.options.get('pause') !== false,
      ...(ref !== undefined ? { ref } : {}), ...(author !== undefined ? { author } : {}), ...(message !== undefined ? { message } : {}),
    };
  },
  async run(opts, ctx) {
    const image = await engineFor(ctx).commitContainer(opts.container, opts);
    ctx.io.stdout.write(`${image.id}\n`);
    return 0;
  },
};
