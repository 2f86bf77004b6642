// docker's image listing (the generic words for sizes, ages and tables live in src/cli/format/words.ts).

export { humanSize, humanDuration, ago, goTime, renderTable } from '../format/words';
import { humanSize, ago, goTime, renderTable } from '../format/words';

// --- mydocker images ---

export interface ImageRow {
  Repository: string;
  Tag: string;
  Digest: string;
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  VirtualSize: string;
  SharedSize: string;
  UniqueSize: string;
  Containers: string;
}

export interface ImageViewOptions {
  noTrunc?: boolean;
  now?: number;
}

interface ImageLike {
  id: string;
  repoTags: string[];
  /** "name@sha256:…": an image with digest references only is listed under those names (docker's "name <none>"). */
  repoDigests?: string[];
  manifestDigest: string;
  created: string;
  size: number;
}

/** Splits a familiar "name:tag" (the name may hold a registry port). */
export function splitRepoTag(repoTag: string): [string, string] {
  const i = repoTag.lastIndexOf(':');
  return i > repoTag.lastIndexOf('/') ? [repoTag.slice(0, i), repoTag.slice(i + 1)] : [repoTag, '<none>'];
}

/** One row per tag; an untagged image is one <none> <none> row. */
export function imageRows(images: readonly ImageLike[], opts: ImageViewOptions = {}): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const img of images) {
    const digestNames = [...new Set((img.repoDigests ?? []).map((d) => d.slice(0, d.indexOf('@'))))];
    const tags = img.repoTags.length
      ? img.repoTags.map(splitRepoTag)
      : digestNames.length
        ? digestNames.map((n): [string, string] => [n, '<none>'])
        : [['<none>', '<none>'] as [string, string]];
    for (const [repo, tag] of tags) {
      rows.push({
        Repository: repo,
        Tag: tag,
        Digest: img.manifestDigest || '<none>',
        ID: opts.noTrunc ? img.id : img.id.slice(7, 19),
        CreatedSince: ago(img.created, opts.now),
        CreatedAt: goTime(img.created),
        Size: humanSize(img.size),
        VirtualSize: humanSize(img.size),
        SharedSize: 'N/A',
        UniqueSize: 'N/A',
        Containers: 'N/A',
      });
    }
  }
  return rows;
}

/** Column titles of `images` tables, by field. */
export const IMAGE_HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', VirtualSize: 'VIRTUAL SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS',
};

/** Renders rows for --format: "table" (default), "json" (one object per line) or a {{.Field}} template. */
export function formatImageRows(rows: readonly ImageRow[], format: string | undefined, digests = false): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(sortedKeys(r)) + '\n').join('');
  let template = format ?? 'table';
  let table = false;
  if (template.startsWith('table')) {
    table = true;
    template = template.slice(5).trim() || `{{.Repository}}\t{{.Tag}}\t${digests ? '{{.Digest}}\t' : ''}{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`;
  }
  template = template.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const fill = (row: Record<string, string>) =>
    template.replace(/{{\s*(json\s+)?\.(\w*)\s*}}/g, (_, json: string | undefined, field: string) => {
      if (json) return JSON.stringify(field ? row[field] : sortedKeys(row as unknown as ImageRow));
      if (!(field in row)) throw new Error(`template: can't evaluate field ${field} in type images`);
      return row[field];
    });
  const lines = rows.map((r) => fill(r as unknown as Record<string, string>));
  if (!table) return lines.map((l) => l + '\n').join('');
  const header = fill(Object.fromEntries(Object.entries(IMAGE_HEADERS)));
  return renderTable([header, ...lines].map((l) => l.split('\t')));
}

function sortedKeys(r: ImageRow): ImageRow {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))) as unknown as ImageRow;
}
