// The part of Go's text/template that `--format` users write: {{.Field}}, {{.A.B}}, {{json .X}}, {{json .}},
// and "table" headers, plus \t and \n escapes. Anything else is refused with one line.
import { InvalidArgumentError } from '../errors/errors';
import { renderTable } from './display';

function lookup(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.').filter(Boolean)) {
    if (typeof v !== 'object' || v === null || !(key in v)) throw new InvalidArgumentError(`template: can't evaluate field ${key}`);
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function goString(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  return String(v);
}

/** Fills one template with a value. */
export function fillTemplate(template: string, value: unknown): string {
  const t = template.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return t.replace(/{{\s*(.*?)\s*}}/g, (_, expr: string) => {
    const m = /^(json\s+)?\.([\w.]*)$/.exec(expr);
    if (!m) throw new InvalidArgumentError(`template: unsupported expression {{${expr}}}: use {{.Field}} or {{json .Field}}`);
    const v = lookup(value, m[2]);
    return m[1] ? JSON.stringify(v) : goString(v);
  });
}

/**
 * Rows through --format: "table" (default, with headers), "json" (one object per line), or a template
 * ("table …" adds the header line).
 */
export function formatRows<R extends object>(rows: readonly R[], format: string | undefined, headers: Record<string, string>, defaultTemplate: string): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  let template = format ?? 'table';
  if (!template.startsWith('table')) return rows.map((r) => fillTemplate(template, r) + '\n').join('');
  template = template.slice(5).trim() || defaultTemplate;
  const header = fillTemplate(template, headers);
  return renderTable([header, ...rows.map((r) => fillTemplate(template, r))].map((l) => l.split('\t')));
}
