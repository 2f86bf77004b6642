// mydocker system df [-v] [--format]: docker's disk usage table (TYPE TOTAL ACTIVE SIZE RECLAIMABLE), and with -v
// the per-image, per-container and per-volume sections.
import { flag, str } from '../argv';
import type { AnyCommand, CommandDefinition } from '../command';
import { commandGroup } from '../command-group';
import { engineFor } from '../engine-deps';
import { commandText, statusText } from '../format/containers';
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

export const command = commandGroup('system', 'Manage mydocker', {
  df: async () => ({ command: df as AnyCommand }),
  reset: () => import('./system-reset'),
  service: () => import('./system-service'),
});
