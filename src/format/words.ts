// docker's words for sizes, ages and tables (go-units and text/tabwriter behaviour), for every listing.

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
