// The functions a template can call: Go's builtins (and, or, not, len, index, slice, print, printf,
// println, eq, ne, lt, le, gt, ge, html, js, urlquery) and docker's (json, split, join, title,
// lower, upper, pad, truncate), with docker's pass-through variants for table headers.
import { sprint, sprintf, sprintln } from './fmt';
import { isPrint } from './unicode';
import { goJson, kindOf, truth, typeName, type Obj } from './values';

/** How an argument is checked and converted before the call, as Go does from the function's signature. */
export type ParamType = 'any' | 'string' | 'int' | 'strings';

export interface GoFunc {
  params: ParamType[];
  /** The last parameter repeats (Go's ...T). */
  variadic?: boolean;
  /** and/or: arguments arrive as thunks, evaluated only as far as needed. */
  lazy?: boolean;
  fn: (...args: unknown[]) => unknown;
}

export type FuncMap = Record<string, GoFunc>;

const fail = (msg: string): never => {
  throw new Error(msg);
};

type Basic = 'bool' | 'number' | 'string';

function basic(v: unknown): Basic | undefined {
  const k = kindOf(v);
  if (k === 'int' || k === 'float') return 'number';
  return k === 'bool' || k === 'string' ? k : undefined;
}

const nilish = (v: unknown): boolean => v === undefined || v === null;

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) fail('missing argument for comparison');
  const ka = basic(a);
  return rest.some((b) => {
    const kb = basic(b);
    if (ka && kb) return ka === kb ? a === b : fail('incompatible types for comparison');
    if (nilish(a) || nilish(b)) return nilish(a) && nilish(b);
    return fail(ka || kb ? 'incompatible types for comparison' : `non-comparable types ${typeName(a)}, ${typeName(b)}`);
  });
}

function lt(a: unknown, b: unknown): boolean {
  const [ka, kb] = [basic(a), basic(b)];
  if (!ka || !kb) fail('invalid type for comparison');
  if (ka !== kb) fail('incompatible types for comparison');
  if (ka === 'bool') fail('invalid type for comparison');
  return (a as number | string) < (b as number | string);
}

/** The zero value a typed Go map would give for a missing key: "" for labels, 0, false, else nil. */
function zeroOf(o: Obj | null): unknown {
  const kinds = new Set(Object.values(o ?? {}).map(kindOf));
  if (kinds.size === 0 || (kinds.size === 1 && kinds.has('string'))) return '';
  if ([...kinds].every((k) => k === 'int' || k === 'float')) return 0;
  return kinds.size === 1 && kinds.has('bool') ? false : null;
}

function indexArg(i: unknown, len: number, what: string, cap = len): number {
  if (kindOf(i) !== 'int') fail(`cannot index ${what} with type ${typeName(i)}`);
  const n = Number(i);
  if (n < 0 || n > cap) fail(`index out of range: ${n}`);
  return n;
}

function index(item: unknown, ...idx: unknown[]): unknown {
  let v = item;
  for (const i of idx) {
    const k = kindOf(v);
    if (k === 'slice' || k === 'string') {
      const len = (v as string | unknown[]).length;
      const n = indexArg(i, len, k === 'slice' ? 'slice/array' : 'string', len - 1);
      v = k === 'string' ? Buffer.from(v as string)[n] : (v as unknown[])[n];
    } else if (k === 'map' || k === 'struct' || (k === 'nil' && typeof i === 'string')) {
      const key = typeof i === 'string' ? i : fail(`value has type ${typeName(i)}; should be string`);
      const o = v as Obj | null;
      v = o !== null && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : zeroOf(o);
    } else if (k === 'nil' || k === 'invalid') fail('index of untyped nil');
    else fail(`can't index item of type ${typeName(v)}`);
  }
  return v;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  const k = kindOf(item);
  if (k === 'nil' || k === 'invalid') fail('slice of untyped nil');
  if (k !== 'string' && k !== 'slice') fail(`can't slice item of type ${typeName(item)}`);
  if (idx.length > 3 || (k === 'string' && idx.length > 2)) fail(`too many slice indexes: ${idx.length}`);
  const len = (item as string | unknown[]).length;
  const bounds = idx.map((i) => indexArg(i, len, 'slice/array'));
  const [from = 0, to = len] = bounds;
  if (from > to) fail(`invalid slice index: ${from} > ${to}`);
  if (bounds[2] !== undefined && to > bounds[2]) fail(`invalid slice index: ${to} > ${bounds[2]}`);
  return (item as string | unknown[]).slice(from, to);
}

function len(v: unknown): number {
  switch (kindOf(v)) {
    case 'string': return Buffer.byteLength(v as string);
    case 'slice': return (v as unknown[]).length;
    case 'map':
    case 'struct': return Object.keys(v as Obj).length;
    case 'nil': return 0; // a nil map or slice
    case 'invalid': return fail('len of untyped nil');
    default: return fail(`len of type ${typeName(v)}`);
  }
}

/** html/js/urlquery take any arguments: one string as is, else fmt.Sprint of them all. */
const textOf = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

const HTML: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\ufffd' };
const JS: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"' };

function jsEscape(s: string): string {
  let out = '';
  for (const c of s) {
    if (JS[c]) out += JS[c];
    else if ('<>&='.includes(c) || !isPrint(c)) out += `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

function urlQuery(s: string): string {
  return [...Buffer.from(s)].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
    return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** strings.Title: the first letter of each word upper-cased; words split at spaces and ASCII punctuation. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    const sep = /\s/.test(prev) || (prev < '\x80' && !/[A-Za-z0-9_]/.test(prev));
    out += sep ? c.toUpperCase() : c;
    prev = c;
  }
  return out;
}

const f = (params: ParamType[], fn: (...args: never[]) => unknown, variadic = false): GoFunc =>
  ({ params, fn: fn as (...args: unknown[]) => unknown, variadic });

export const BUILTINS: FuncMap = {
  and: { params: ['any', 'any'], variadic: true, lazy: true, fn: (...thunks) => lazyLogic(thunks, false) },
  or: { params: ['any', 'any'], variadic: true, lazy: true, fn: (...thunks) => lazyLogic(thunks, true) },
  not: f(['any'], (v: unknown) => !truth(v)),
  len: f(['any'], len),
  index: f(['any', 'any'], index, true),
  slice: f(['any', 'any'], slice, true),
  print: f(['any'], (...a: unknown[]) => sprint(a), true),
  printf: f(['string', 'any'], (format: string, ...a: unknown[]) => sprintf(format, a), true),
  println: f(['any'], (...a: unknown[]) => sprintln(a), true),
  eq: f(['any', 'any'], eq, true),
  ne: f(['any', 'any'], (a: unknown, b: unknown) => !eq(a, b)),
  lt: f(['any', 'any'], lt),
  le: f(['any', 'any'], (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: f(['any', 'any'], (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b))),
  ge: f(['any', 'any'], (a: unknown, b: unknown) => !lt(a, b)),
  html: f(['any'], (...a: unknown[]) => textOf(a).replace(/["'&<>\0]/g, (c) => HTML[c]), true),
  js: f(['any'], (...a: unknown[]) => jsEscape(textOf(a)), true),
  urlquery: f(['any'], (...a: unknown[]) => urlQuery(textOf(a)), true),
};

function lazyLogic(thunks: unknown[], or: boolean): unknown {
  let v: unknown;
  for (const t of thunks) {
    v = (t as () => unknown)();
    if (truth(v) === or) return v;
  }
  return v;
}

/** docker's template functions (cli/templates). */
export const DOCKER_FUNCS: FuncMap = {
  json: f(['any'], goJson),
  split: f(['string', 'string'], (s: string, sep: string) => (sep === '' ? [...s] : s.split(sep))),
  join: f(['strings', 'string'], (a: string[], sep: string) => a.join(sep)),
  title: f(['string'], title),
  lower: f(['string'], (s: string) => s.toLowerCase()),
  upper: f(['string'], (s: string) => s.toUpperCase()),
  pad: f(['string', 'int', 'int'], (s: string, pre: number, post: number) => (s === '' ? s : ' '.repeat(Math.max(pre, 0)) + s + ' '.repeat(Math.max(post, 0)))),
  truncate: f(['string', 'int'], (s: string, n: number) => ([...s].length < n ? s : [...s].slice(0, Math.max(n, 0)).join(''))),
};

/** docker's header variants: a column title passes through json/split/join/case functions untouched (pad still pads). */
export const HEADER_FUNCS: FuncMap = {
  json: f(['string'], (s: string) => s),
  split: f(['string', 'string'], (s: string) => s),
  join: f(['string', 'string'], (s: string) => s),
  title: f(['string'], (s: string) => s),
  lower: f(['string'], (s: string) => s),
  upper: f(['string'], (s: string) => s),
  truncate: f(['string', 'int'], (s: string) => s),
};
