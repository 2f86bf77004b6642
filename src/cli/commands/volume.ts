// mydocker volume create|ls|inspect|rm|prune: docker's volume group and output shapes.
import { confirm } from '../confirm';
import { flag, list, str } from '../argv';
import type { AnyCommand, CommandDefinition } from '../command';
import { commandGroup, inlineVerb, lazyVerb } from '../command-group';
import { engineFor } from '../engine-deps';
import { reportError } from '../main';
import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { humanSize } from '../../image/display';
import { formatRows, renderFormat } from '../format/template';
import { parseVolumeFilters } from '../../engine/volumes';

const create: CommandDefinition<{ name?: string; labels: string[] }> = {
  name: 'volume create',
  usage: '[OPTIONS] [VOLUME]',
  summary: 'Create a volume (a random name when none is given); an existing volume of that name is returned as is',
  options: [
    { name: 'label', type: 'list', description: 'Set metadata for a volume' },
    { name: 'driver', short: 'd', type: 'string', description: 'Specify volume driver name (only "local")' },
    { name: 'opt', short: 'o', type: 'list', description: 'Set driver specific options (none supported)' },
    { name: 'name', type: 'string', description: 'Specify volume name', hidden: true },
  ],
  toOptions(args) {
    const driver = str(args, 'driver');
    if (driver !== undefined && driver !== 'local') throw new InvalidArgumentError(`volume driver ${JSON.stringify(driver)} is not supported: only "local"`);
    if (list(args, 'opt').length) throw new InvalidArgumentError('driver options (-o) are not supported: local volumes are directories under the store');
    const named = str(args, 'name');
    if (args.positionals.length > 1 || (named !== undefined && args.positionals.length)) {
      throw new InvalidArgumentError('"mydocker volume create" accepts at most 1 argument');
    }
    const name = args.positionals[0] ?? named;
    return { labels: list(args, 'label'), ...(name !== undefined ? { name } : {}) };
  },
  async run(opts, ctx) {
    const v = await engineFor(ctx).createVolume(opts.name, opts.labels);
    ctx.io.stdout.write(`${v.name}\n`);
    return 0;
  },
};

const HEADERS = { '.Driver': 'DRIVER', '.Name': 'VOLUME NAME', '.Mountpoint': 'MOUNTPOINT', '.Labels': 'LABELS', '.Scope': 'SCOPE', '.Links': 'LINKS', '.Size': 'SIZE' };

const ls: CommandDefinition<{ quiet: boolean; filters: string[]; format?: string }> = {
  name: 'volume ls',
  usage: '[OPTIONS]',
  summary: 'List volumes',
  options: [
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display volume names' },
    { name: 'filter', short: 'f', type: 'list', description: "Provide filter values (e.g. 'dangling=true', 'name=x', 'label=k=v')" },
    { name: 'format', type: 'string', description: "Format output using a template, 'table' or 'json'" },
  ],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker volume ls" accepts no arguments');
    parseVolumeFilters(list(args, 'filter'));
    const format = str(args, 'format');
    return { quiet: flag(args, 'quiet'), filters: list(args, 'filter'), ...(format !== undefined ? { format } : {}) };
  },
  async run(opts, ctx) {
    const volumes = engineFor(ctx).listVolumes(parseVolumeFilters(opts.filters));
    if (opts.quiet) {
      ctx.io.stdout.write(volumes.map((v) => `${v.name}\n`).join(''));
      return 0;
    }
    const rows = volumes.map((v) => ({
      Driver: 'local', Name: v.name, Mountpoint: v.mountpoint, Scope: 'local', Links: 'N/A', Size: 'N/A',
      Labels: Object.entries(v.labels).map(([k, x]) => `${k}=${x}`).join(','),
    }));
    ctx.io.stdout.write(formatRows(rows, opts.format, 'table {{.Driver}}\t{{.Name}}', HEADERS));
    return 0;
  },
};

const inspect: CommandDefinition<{ names: string[]; format?: string }> = {
  name: 'volume inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  summary: 'Display detailed information on one or more volumes',
  options: [{ name: 'format', short: 'f', type: 'string', description: "Format output using a template like '{{.Mountpoint}}'" }],
  toOptions(args) {
    if (!args.positionals.length) throw new InvalidArgumentError('"mydocker volume inspect" requires at least 1 argument');
    const format = str(args, 'format');
    return { names: args.positionals, ...(format !== undefined ? { format } : {}) };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    const found = [];
    let code = 0;
    for (const name of opts.names) {
      try {
        const v = engine.inspectVolume(name);
        if (!v) throw new NotFoundError(`no such volume: ${name}`);
        found.push(v);
      } catch (err) {
        code = reportError(err, 'volume inspect', ctx.io.stderr);
      }
    }
    if (opts.format !== undefined) ctx.io.stdout.write(found.map((v) => `${renderFormat(opts.format ?? '', v)}\n`).join(''));
    else ctx.io.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
    return code;
  },
};

const rm: CommandDefinition<{ names: string[]; force: boolean }> = {
  name: 'volume rm',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  summary: 'Remove one or more volumes (refused while a container uses one; -f: also when only stopped containers do)',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'Also remove volumes only stopped containers use; no error for missing ones' }],
  toOptions(args) {
    if (!args.positionals.length) throw new InvalidArgumentError('"mydocker volume rm" requires at least 1 argument');
    return { names: args.positionals, force: flag(args, 'force') };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    let code = 0;
    for (const name of opts.names) {
      try {
        await engine.removeVolume(name, { force: opts.force });
        ctx.io.stdout.write(`${name}\n`);
      } catch (err) {
        if (opts.force && err instanceof NotFoundError) continue;
        code = reportError(err, 'volume rm', ctx.io.stderr);
      }
    }
    return code;
  },
};

const prune: CommandDefinition<{ all: boolean; force: boolean }> = {
  name: 'volume prune',
  usage: '[OPTIONS]',
  summary: 'Remove unused anonymous volumes (with -a, every unused volume)',
  options: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker volume prune" accepts no arguments');
    return { all: flag(args, 'all'), force: flag(args, 'force') };
  },
  async run(opts, ctx) {
    if (!opts.force) {
      if (!(await confirm(ctx, `This will remove ${opts.all ? 'all' : 'anonymous'} local volumes not used by at least one container.`))) return 0;
    }
    const result = await engineFor(ctx).pruneVolumes({ all: opts.all });
    if (result.deleted.length) ctx.io.stdout.write(`Deleted Volumes:\n${result.deleted.map((n) => `${n}\n`).join('')}\n`);
    ctx.io.stdout.write(`Total reclaimed space: ${humanSize(result.reclaimed)}\n`);
    return 0;
  },
};

export const command = commandGroup('volume', 'Manage volumes', {
  create: lazyVerb('Create a volume', async () => ({ command: create as AnyCommand })),
  inspect: inlineVerb(inspect as AnyCommand),
  ls: inlineVerb(ls as AnyCommand, ['list']),
  prune: lazyVerb('Remove unused local volumes', async () => ({ command: prune as AnyCommand })),
  rm: inlineVerb(rm as AnyCommand, ['remove']),
});
