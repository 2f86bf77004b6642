// Go's time.Duration text, as docker's CLI reads --health-* flags ("30s", "1m30s", "500ms") and
// prints them back ("Health check exceeded timeout (1s)"). Values are nanoseconds, the unit of
// docker's HealthConfig on the wire.
import { InvalidArgumentError } from '../../errors/errors';

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration, in nanoseconds; errors in Go's words. */
export function parseGoDuration(text: string): number {
  const invalid = () => new InvalidArgumentError(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [whole, int, frac = ''] = [m[0], m[1], m[2]];
    if (int === '' && frac === '') throw invalid(); // no digits at all (".s", "s")
    s = s.slice(whole.length);
    const unitText = /^[^\d.]*/.exec(s)![0];
    if (unitText === '') throw new InvalidArgumentError(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unit = UNITS[unitText];
    if (unit === undefined) throw new InvalidArgumentError(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`);
    s = s.slice(unitText.length);
    total += BigInt(int || '0') * unit;
    if (frac) total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid();
  return Number(negative ? -total : total);
}

/** "1.5" from 1500000000 at scale 1e9: the integer part and the fraction without trailing zeros. */
function decimal(v: bigint, scale: bigint): string {
  const frac = (v % scale).toString().padStart(scale.toString().length - 1, '0').replace(/0+$/, '');
  return `${v / scale}${frac ? `.${frac}` : ''}`;
}

/** Go's Duration.String(): "0s", "500ms", "1.5s", "1m30s", "2h0m0s". */
export function formatGoDuration(nanoseconds: number): string {
  const sign = nanoseconds < 0 ? '-' : '';
  const ns = BigInt(Math.abs(Math.trunc(nanoseconds)));
  if (ns === 0n) return '0s';
  if (ns < 1_000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${decimal(ns, 1_000n)}µs`;
  if (ns < 1_000_000_000n) return `${sign}${decimal(ns, 1_000_000n)}ms`;
  const hours = ns / UNITS.h;
  const minutes = (ns % UNITS.h) / UNITS.m;
  const seconds = decimal(ns % UNITS.m, UNITS.s) + 's';
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
