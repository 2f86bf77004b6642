// The common case without the machinery: text and {{.A.B}} field actions only, as every default
// table and most --format strings are. It gives up (undefined) on anything else, and on anything
// that would be an error, so the full engine stays the one source of results and messages; it only
// saves compiling the lexer, parser and evaluator on the start-up path of `ps`.
import { formatV } from './fmt';
import { isStructLike, type Obj } from './values';

export interface SimpleTemplate {
  /** texts.length === fields.length + 1: text, field, text, ..., text. */
  texts: string[];
  fields: string[][];
}

const ACTION = /\{\{ *\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*) *\}\}/g;

export function compileSimple(text: string, unescapeText: boolean): SimpleTemplate | undefined {
  const texts: string[] = [];
  const fields: string[][] = [];
  let last = 0;
  for (const m of text.matchAll(ACTION)) {
    texts.push(text.slice(last, m.index));
    fields.push(m[1].split('.'));
    last = (m.index ?? 0) + m[0].length;
  }
  texts.push(text.slice(last));
  // "{{" left in the text is an action of another kind; "{{{.A}}" is not a field action in Go
  if (texts.some((t, i) => t.includes('{{') || (i < fields.length && t.endsWith('{')))) return undefined;
  return { texts: unescapeText ? texts.map((t) => t.replace(/\\t/g, '\t').replace(/\\n/g, '\n')) : texts, fields };
}

const GIVE_UP = Symbol('give up');

function lookup(data: unknown, path: string[]): unknown {
  let v = data;
  for (const key of path) {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return GIVE_UP;
    const o = v as Obj;
    if (Object.prototype.hasOwnProperty.call(o, key)) v = o[key];
    else if (isStructLike(o)) return GIVE_UP;
    else v = undefined;
    if (typeof v === 'function') return GIVE_UP;
  }
  return v;
}

/** The output, or undefined when the full engine must run. */
export function runSimple(t: SimpleTemplate, data: unknown, headerOf?: (field: string) => string): string | undefined {
  let out = t.texts[0];
  for (let i = 0; i < t.fields.length; i++) {
    if (headerOf) out += headerOf(`.${t.fields[i].join('.')}`);
    else {
      const v = lookup(data, t.fields[i]);
      if (v === GIVE_UP) return undefined;
      out += v === undefined ? '<no value>' : typeof v === 'string' ? v : formatV(v);
    }
    out += t.texts[i + 1];
  }
  return out;
}
