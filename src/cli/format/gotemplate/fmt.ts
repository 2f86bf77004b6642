// Go's fmt as templates use it: %v printing of values (slices [a b], maps map[k:v] in key order,
// structs {v1 v2}), Sprint/Sprintln spacing rules and Sprintf with Go's verbs, flags, width and
// precision, including its in-band errors (%!d(string=x), %!s(MISSING), %!(EXTRA ...)).
import { isPrint } from './unicode';
import { kindOf, sortedKeys, typeName, type Obj } from './values';

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width?: number; prec?: number }

const PLAIN: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };

/** %v of a value, as fmt.Sprint prints one operand. */
export function formatV(v: unknown): string {
  return formatValue(v, 'v', PLAIN);
}

export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, n) => {
    if (n > 0 && typeof a !== 'string' && typeof args[n - 1] !== 'string') out += ' ';
    out += formatV(a);
  });
  return out;
}

export function sprintln(args: unknown[]): string {
  return `${args.map(formatV).join(' ')}\n`;
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...PLAIN };
    for (; i < format.length && '-+# 0'.includes(format[i]); i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else spec.zero = true;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' && Number.isInteger(a) ? a : NaN;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    if (format[i] === '.') {
      i++;
      spec.prec = num() ?? 0;
    }
    if (Number.isNaN(spec.width) || Number.isNaN(spec.prec)) {
      out += Number.isNaN(spec.width) ? '%!(BADWIDTH)' : '%!(BADPREC)';
      spec.width = spec.prec = undefined;
    }
    if (spec.width !== undefined && spec.width < 0) [spec.minus, spec.width] = [true, -spec.width];
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (argi >= args.length) out += `%!${verb}(MISSING)`;
    else out += formatValue(args[argi++], verb, spec);
  }
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => `${typeName(a)}=${formatV(a)}`).join(', ')})`;
  return out;
}

function formatValue(v: unknown, verb: string, spec: Spec): string {
  const k = kindOf(v);
  if (k === 'slice') return `[${(v as unknown[]).map((e) => formatValue(e, verb, spec)).join(' ')}]`;
  if (k === 'map') {
    const o = v as Obj;
    return `map[${sortedKeys(o).map((key) => `${formatValue(key, verb, spec)}:${formatValue(o[key], verb, spec)}`).join(' ')}]`;
  }
  if (k === 'struct') {
    const o = v as Obj;
    const names = verb === 'v' && spec.plus;
    const inner = names ? { ...spec, plus: false } : spec;
    return `{${Object.keys(o).map((key) => `${names ? `${key}:` : ''}${formatValue(o[key], verb, inner)}`).join(' ')}}`;
  }
  const s = formatScalar(v, verb, spec);
  if (s === undefined) return k === 'nil' || k === 'invalid' ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(v)}=${formatV(v)})`;
  return pad(s, spec, k === 'int' || k === 'float');
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  if (s.length >= w) return s;
  if (spec.minus) return s.padEnd(w);
  if (spec.zero && numeric && /^[+\- ]/.test(s)) return s[0] + s.slice(1).padStart(w - 1, '0');
  return s.padStart(w, spec.zero ? '0' : ' ');
}

function formatScalar(v: unknown, verb: string, spec: Spec): string | undefined {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil': return verb === 'v' ? '<nil>' : undefined;
    case 'bool': return verb === 'v' || verb === 't' ? String(v) : undefined;
    case 'string': return formatString(v as string, verb, spec);
    case 'int': return formatInt(Number(v), verb, spec);
    case 'float': return formatFloat(v as number, verb, spec);
    default: return undefined;
  }
}

function formatString(s: string, verb: string, spec: Spec): string | undefined {
  const cut = spec.prec === undefined ? s : [...s].slice(0, spec.prec).join('');
  switch (verb) {
    case 'v':
    case 's': return cut;
    case 'q': return spec.sharp && [...cut].every((c) => c !== '`' && (isPrint(c) || c === '\t')) ? `\`${cut}\`` : goQuote(cut, '"', spec.plus);
    case 'x':
    case 'X': {
      const hex = Buffer.from(cut, 'utf8').toString('hex');
      return (spec.sharp ? '0x' : '') + (verb === 'X' ? hex.toUpperCase() : hex);
    }
    default: return undefined;
  }
}

function sign(n: number, spec: Spec): string {
  return n < 0 ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
}

function formatInt(n: number, verb: string, spec: Spec): string | undefined {
  const abs = Math.abs(n);
  const digits = (radix: number) => (Number.isSafeInteger(abs) ? abs.toString(radix) : BigInt(abs).toString(radix));
  switch (verb) {
    case 'v':
    case 'd':
    case 's': return sign(n, spec) + digits(10);
    case 'b': return sign(n, spec) + digits(2);
    case 'o': return sign(n, spec) + (spec.sharp ? '0' : '') + digits(8);
    case 'O': return `${sign(n, spec)}0o${digits(8)}`;
    case 'x': return sign(n, spec) + (spec.sharp ? '0x' : '') + digits(16);
    case 'X': return sign(n, spec) + (spec.sharp ? '0X' : '') + digits(16).toUpperCase();
    case 'c': return validRune(n) ? String.fromCodePoint(n) : '\ufffd';
    case 'q': return goQuote(validRune(n) ? String.fromCodePoint(n) : '\ufffd', "'", spec.plus);
    case 'U': return `U+${digits(16).toUpperCase().padStart(4, '0')}`;
    default: return formatFloat(n, verb, spec);
  }
}

const validRune = (n: number): boolean => n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n < 0xe000);

function formatFloat(n: number, verb: string, spec: Spec): string | undefined {
  let body: string;
  const abs = Math.abs(n);
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
    case 's': body = gFormat(abs, verb === 'v' || verb === 's' ? undefined : spec.prec); break;
    case 'e':
    case 'E': body = goExp(goRound(abs, spec.prec ?? 6, 'e')); break;
    case 'f':
    case 'F': body = goRound(abs, spec.prec ?? 6, 'f'); break;
    default: return undefined;
  }
  if (verb === 'G' || verb === 'E') body = body.toUpperCase();
  return sign(n, spec) + body;
}

/** JS exponent "1.5e+0" in Go's form "1.5e+00". */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %g: shortest digits (or prec significant ones), exponent form when exp < -4 or >= precision (6 when shortest). */
function gFormat(abs: number, prec: number | undefined): string {
  const shortest = prec === undefined;
  const p = shortest ? undefined : Math.max(prec, 1);
  const [mant, e] = (p === undefined ? abs.toExponential() : goRound(abs, p - 1, 'e')).split('e');
  const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
  const exp = Number(e);
  const nd = m.replace('.', '').length;
  let eprec = shortest ? 6 : (p as number);
  if (!shortest && eprec > nd && nd >= exp + 1) eprec = nd;
  if (exp < -4 || exp >= eprec) return goExp(`${m}e${e.startsWith('-') ? e : `+${e.replace('+', '')}`}`);
  return goRound(abs, Math.max(nd - exp - 1, 0), 'f');
}

/**
 * toFixed/toExponential, but an exact tie rounds to even as Go's strconv does (JS rounds it up):
 * %.1f of 2.25 is 2.2 in Go.
 */
function goRound(x: number, digits: number, kind: 'f' | 'e'): string {
  const js = kind === 'f' ? x.toFixed(digits) : x.toExponential(digits);
  const extra = Math.min(100, digits + 30);
  const [mant, exp] = (kind === 'f' ? x.toFixed(extra) : x.toExponential(extra)).split('e');
  const dot = mant.indexOf('.');
  if (extra <= digits || dot < 0 || !/^50*$/.test(mant.slice(dot + 1 + digits))) return js;
  const kept = mant.slice(0, digits === 0 ? dot : dot + 1 + digits);
  if (Number(kept[kept.length - 1]) % 2 === 1) return js;
  return exp === undefined ? kept : `${kept}e${exp}`;
}

/** strconv.Quote (and QuoteRune with "'"); `ascii` escapes everything beyond ASCII as %+q does. */
export function goQuote(s: string, q: '"' | "'" = '"', ascii = false): string {
  const ESC: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  let out = q;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (isPrint(ch) && !(ascii && cp >= 0x80)) out += ch;
    else if (ESC[ch]) out += ESC[ch];
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp < 0xe000) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + q;
}
