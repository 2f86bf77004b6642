// --format as docker's CLI takes it: "json", "table {{.A}}\t{{.B}}", or a Go-like template:
// {{.Field.Sub}}, {{json .X}}, {{index .Labels "k"}}, {{join .X ","}}, {{upper .X}}, {{lower .X}}.
// A subset of text/template: enough for what people pass to ps, inspect, images, volume ls.
import { InvalidArgumentError } from '../../errors/errors';
import { renderTable } from '../../format/words';

type Value = unknown;

function lookup(obj: Value, path: string): Value {
  if (path === '.') return obj;
  let cur: Value = obj;
  for (const key of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, Value>)[key];
  }
  return cur;
}

function show(v: Value): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'object') return Array.isArray(v) ? `[${v.map(show).join(' ')}]` : JSON.stringify(v);
  return String(v);
}

function tokens(expr: string): string[] {
  return [...expr.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? JSON.stringify(JSON.parse(`"${m[1]}"`)) : m[2]));
}

function arg(token: string, obj: Value): Value {
  if (token.startsWith('"')) return JSON.parse(token);
  if (token.startsWith('.')) return lookup(obj, token);
  throw new InvalidArgumentError(`template: unexpected ${JSON.stringify(token)}`);
}

function evaluate(expr: string, obj: Value): string {
  // "X | json" pipes the value into a function, as Go templates allow
  const [head, ...pipes] = expr.split('|').map((p) => p.trim());
  const t = tokens(head);
  let value: Value;
  const fn = t[0];
  switch (fn) {
    case 'json': value = JSON.stringify(arg(t[1] ?? '.', obj)); break;
    case 'upper': value = show(arg(t[1], obj)).toUpperCase(); break;
    case 'lower': value = show(arg(t[1], obj)).toLowerCase(); break;
    case 'index': {
      const base = arg(t[1], obj);
      const key = arg(t[2], obj);
      value = base && typeof base === 'object' ? (base as Record<string, Value>)[String(key)] : undefined;
      break;
    }
    case 'join': {
      const list = arg(t[1], obj);
      value = Array.isArray(list) ? list.map(show).join(String(arg(t[2], obj))) : show(list);
      break;
    }
    default:
      if (t.length !== 1) throw new InvalidArgumentError(`template: function "${fn}" not defined`);
      value = arg(fn, obj);
  }
  for (const p of pipes) {
    if (p === 'json') value = JSON.stringify(value);
    else if (p === 'upper') value = show(value).toUpperCase();
    else if (p === 'lower') value = show(value).toLowerCase();
    else throw new InvalidArgumentError(`template: function "${p}" not defined`);
  }
  return typeof value === 'string' ? value : show(value);
}

export function renderTemplate(template: string, obj: Value): string {
  return template.replace(/{{-?\s*(.*?)\s*-?}}/g, (_, expr: string) => evaluate(expr, obj));
}

/** docker lets \t and \n be typed literally in --format. */
function unescape(format: string): string {
  return format.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

/** One value through a --format template as the user typed it (\t and \n allowed literally). */
export function renderFormat(format: string, value: Value): string {
  return renderTemplate(unescape(format), value);
}

/**
 * Renders rows for a listing command. `headers` maps a field name (".ID") to its column title
 * ("CONTAINER ID"); `defaultTable` is the template used without --format.
 */
export function formatRows(rows: Value[], format: string | undefined, defaultTable: string, headers: Record<string, string>): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  const f = unescape(format === undefined || format === 'table' ? defaultTable : format);
  if (!f.startsWith('table')) return rows.map((r) => renderTemplate(f, r) + '\n').join('');
  const body = f.replace(/^table\s*/, '');
  const header = body.replace(/{{\s*(\.[\w.]+)\s*}}/g, (_, field: string) => headers[field] ?? field.slice(1).toUpperCase());
  const lines = [header, ...rows.map((r) => renderTemplate(body, r))];
  return renderTable(lines.map((l) => l.split('\t')));
}
