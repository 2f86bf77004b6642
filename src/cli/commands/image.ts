// mydocker image COMMAND: the image management group (docker's `docker image …`). Most verbs are the top-level
// commands under another name; `inspect` and `prune` exist only here.
import { flag, str } from '../argv';
import { confirm } from '../confirm';
import type { AnyCommand, CommandDefinition } from '../command';
import { commandGroup, inlineVerb, lazyVerb, type Loader } from '../command-group';
import { COMMAND_SUMMARIES } from '../command-summaries';
import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { humanSize } from '../../image/display';
import { renderFormat } from '../format/template';
import { reportError } from '../main';
import { engineFor } from '../engine-deps';

const inspect: CommandDefinition<{ images: string[]; format?: string }> = {
  name: 'image inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Display detailed information on one or more images',
  options: [{ name: 'format', short: 'f', type: 'string', value: 'string', description: "Format output using a template like '{{.Id}}' or '{{json .Config}}'" }],
  toOptions(args) {
    if (args.positionals.length === 0) throw new InvalidArgumentError('"mydocker image inspect" requires at least 1 argument');
    const format = str(args, 'format');
    return { images: args.positionals, ...(format !== undefined ? { format } : {}) };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    const found = [];
    let code = 0;
    for (const name of opts.images) {
      const img = await engine.images.find(name);
      if (img) found.push(await engine.inspectImage(img.id));
      else code = reportError(new NotFoundError(`no such image: ${name}`), 'image inspect', ctx.io.stderr);
    }
    if (opts.format !== undefined) ctx.io.stdout.write(found.map((i) => `${renderFormat(opts.format ?? '', i)}\n`).join(''));
    else ctx.io.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
    return code;
  },
};

const prune: CommandDefinition<{ all: boolean; force: boolean }> = {
  name: 'image prune',
  usage: '[OPTIONS]',
  summary: 'Remove unused images (untagged ones; with -a every image no container uses)',
  options: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused images, not just dangling ones' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker image prune" accepts no arguments');
    return { all: flag(args, 'all'), force: flag(args, 'force') };
  },
  async run(opts, ctx) {
    if (!opts.force) {
      if (!(await confirm(ctx, `This will remove ${opts.all ? 'all images without at least one container associated to them' : 'all dangling images'}.`))) return 0;
    }
    const result = await engineFor(ctx).pruneImages({ all: opts.all });
    if (result.events.length) ctx.io.stdout.write(`Deleted Images:\n${result.events.map((e) => `${e.kind}: ${e.value}\n`).join('')}\n`);
    ctx.io.stdout.write(`Total reclaimed space: ${humanSize(result.reclaimed)}\n`);
    return 0;
  },
};

const same = (name: string, load: Loader, aliases: string[] = []) => lazyVerb(COMMAND_SUMMARIES[name]?.summary ?? '', load, aliases);

export const command = commandGroup('image', 'Manage images', {
  build: same('build', () => import('./build')),
  history: same('history', () => import('./history')),
  import: same('import', () => import('./import')),
  inspect: inlineVerb(inspect as AnyCommand),
  load: same('load', () => import('./load')),
  ls: lazyVerb('List images', () => import('./images'), ['list']),
  prune: lazyVerb('Remove unused images', async () => ({ command: prune as AnyCommand })),
  pull: same('pull', () => import('./pull')),
  push: same('push', () => import('./push')),
  rm: same('rmi', () => import('./rmi'), ['remove']),
  save: same('save', () => import('./save')),
  tag: same('tag', () => import('./tag')),
});
