// docker's words for sizes, ages and tables (go-units and text/tabwriter behaviour), for the image commands.
// Generic enough for ps/volume ls; could move to src/cli/format.ts when another front needs it.

/** Decimal units with 3 significant digits, like docker: "4.26MB", "1.24kB", "0B". */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${goPrecision3(v)}${units[i]}`;
}

/** Go's %.3g: 3 significant digits, trailing zeros dropped, exponent form when it rounds up to 1000. */
function goPrecision3(v: number): string {
  const s = v.toPrecision(3);
  if (s.includes('e')) {
    const [mant, exp] = s.split('e');
    const n = Number(exp);
    return `${trimZeros(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return trimZeros(s);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** "Less than a second", "About a minute", "3 hours", "2 weeks", ... (without "ago"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** "2 minutes ago" for an RFC 3339 time. */
export function ago(time: string, now = Date.now()): string {
  const t = Date.parse(time);
  if (Number.isNaN(t)) return 'N/A';
  return `${humanDuration(Math.max(0, now - t))} ago`;
}

/** Go's time.Time String() in UTC: "2024-01-02 15:04:05 +0000 UTC". */
export function goTime(time: string): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** Columns padded like docker's tabwriter (min width 10, padding 3); the last column is not padded. */
export function renderTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(widths[i] + 3, 10)))).join(''))
    .map((line) => line + '\n')
    .join('');
}

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
    const tags = img.repoTags.length ? img.repoTags.map(splitRepoTag) : [['<none>', '<none>'] as [string, string]];
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

const HEADERS: Record<string, string> = {
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
  const header = fill(Object.fromEntries(Object.entries(HEADERS)));
  return renderTable([header, ...lines].map((l) => l.split('\t')));
}

function sortedKeys(r: ImageRow): ImageRow {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))) as unknown as ImageRow;
}
