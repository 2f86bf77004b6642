// mydocker system df [-v] [--format]: docker's disk usage table (TYPE TOTAL ACTIVE SIZE RECLAIMABLE), and with -v
// the per-image, per-container and per-volume sections.
import { flag, str } from '../argv';
import type { AnyCommand, CommandDefinition } from '../command';
import { commandGroup, inlineVerb, lazyVerb } from '../command-group';
import { confirm } from '../confirm';
import { engineFor } from '../engine-deps';
import { commandText } from '../format/containers';
import { statusText } from '../../format/container-status';
import { ago, humanSize, renderTable } from '../../format/words';
import { InvalidArgumentError } from '../../errors/errors';
import { splitRepoTag } from '../../image/display';
import type { DiskUsage, UsageSummary } from '../../engine/system-df';

/** docker: "1.2MB (40%)" when there is anything at all, the bare size otherwise. */
export function reclaimableText(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.floor((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

export function summaryRows(summary: UsageSummary[]): Record<string, string>[] {
  return summary.map((s) => ({
    Type: s.type, TotalCount: String(s.total), Active: String(s.active), Size: humanSize(s.size),
    Reclaimable: s.type === 'Build Cache' ? humanSize(s.reclaimable) : reclaimableText(s.reclaimable, s.size),
  }));
}

export function renderSummary(summary: UsageSummary[]): string {
  const rows = summaryRows(summary);
  return renderTable([['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], ...rows.map((r) => [r.Type, r.TotalCount, r.Active, r.Size, r.Reclaimable])]);
}

export function renderVerbose(du: DiskUsage, now = Date.now()): string {
  const images = du.images.flatMap((img) => {
    const tags = img.repoTags.length ? img.repoTags.map(splitRepoTag) : [['<none>', '<none>'] as [string, string]];
    return tags.map(([repo, tag]) => [
      repo, tag, img.id.slice(7, 19), ago(img.created, now), humanSize(img.size), humanSize(img.sharedSize), humanSize(img.uniqueSize), String(img.containers),
    ]);
  });
  const containers = du.containers.map((c) => [
    c.view.record.id.slice(0, 12), c.view.record.image, commandText(c.view, false), String(c.localVolumes), humanSize(c.size),
    ago(c.view.record.created, now), statusText(c.view, now), c.view.record.name,
  ]);
  const volumes = du.volumes.map((v) => [v.name, String(v.links), humanSize(v.size)]);
  return [
    'Images space usage:\n\n',
    renderTable([['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS'], ...images]),
    '\nContainers space usage:\n\n',
    renderTable([['CONTAINER ID', 'IMAGE', 'COMMAND', 'LOCAL VOLUMES', 'SIZE', 'CREATED', 'STATUS', 'NAMES'], ...containers]),
    '\nLocal Volumes space usage:\n\n',
    renderTable([['VOLUME NAME', 'LINKS', 'SIZE'], ...volumes]),
    '\nBuild cache usage: 0B\n\n',
    renderTable([['CACHE ID', 'CACHE TYPE', 'SIZE', 'CREATED', 'LAST USED', 'USAGE', 'SHARED']]),
  ].join('');
}

const df: CommandDefinition<{ verbose: boolean; format?: string }> = {
  name: 'system df',
  usage: '[OPTIONS]',
  summary: 'Show disk usage of images, containers (writable layers and logs) and volumes',
  options: [
    { name: 'verbose', short: 'v', type: 'bool', description: 'Show detailed information on space usage' },
    { name: 'format', type: 'string', description: "'json' for one JSON object per line" },
  ],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker system df" accepts no arguments');
    const format = str(args, 'format');
    if (format !== undefined && format !== 'json' && format !== 'table') throw new InvalidArgumentError(`unsupported --format ${JSON.stringify(format)}: use table or json`);
    return { verbose: flag(args, 'verbose'), ...(format !== undefined ? { format } : {}) };
  },
  async run(opts, ctx) {
    const du = await engineFor(ctx).diskUsage();
    if (opts.format === 'json') ctx.io.stdout.write(summaryRows(du.summary).map((r) => `${JSON.stringify(r)}\n`).join(''));
    else ctx.io.stdout.write(opts.verbose ? renderVerbose(du) : renderSummary(du.summary));
    return 0;
  },
};

/** go-units HumanSize (4 significant digits), which docker's prune totals use. */
export function humanSize4(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const s = v.toPrecision(4);
  return `${s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s}${units[i]}`;
}

export function pruneWarning(opts: { all: boolean; volumes: boolean }): string {
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (opts.volumes) items.push('all anonymous volumes not used by at least one container');
  items.push(opts.all ? 'all images without at least one container associated to them' : 'all dangling images');
  return `This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}`;
}

const prune: CommandDefinition<{ all: boolean; force: boolean; volumes: boolean }> = {
  name: 'system prune',
  usage: '[OPTIONS]',
  summary: 'Remove unused data',
  options: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused images not just dangling ones' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
    { name: 'volumes', type: 'bool', description: 'Prune anonymous volumes' },
  ],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker system prune" accepts no arguments');
    return { all: flag(args, 'all'), force: flag(args, 'force'), volumes: flag(args, 'volumes') };
  },
  async run(opts, ctx) {
    if (!opts.force && !(await confirm(ctx, pruneWarning(opts)))) return 0;
    const r = await engineFor(ctx).pruneSystem(opts);
    const section = (title: string, lines: string[]) => (lines.length ? `${title}:\n${lines.map((l) => `${l}\n`).join('')}\n` : '');
    ctx.io.stdout.write(
      section('Deleted Containers', r.containers) + section('Deleted Networks', r.networks) + section('Deleted Volumes', r.volumes)
      + section('Deleted Images', r.images.map((e) => `${e.kind}: ${e.value}`)) + `Total reclaimed space: ${humanSize4(r.reclaimed)}\n`,
    );
    return 0;
  },
};

export const command = commandGroup('system', 'Manage mydocker', {
  df: lazyVerb('Show mydocker disk usage', async () => ({ command: df as AnyCommand })),
  events: lazyVerb('Get real time events from the engine', () => import('./events')),
  info: lazyVerb('Display system-wide information', () => import('./info')),
  prune: inlineVerb(prune as AnyCommand),
  reset: lazyVerb('Remove all containers, networks, volumes, images and state', () => import('./system-reset')),
  service: lazyVerb('Serve the Docker Engine API over a unix socket or TCP', () => import('./system-service')),
});
