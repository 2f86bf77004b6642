// --format as docker's CLI takes it: "json", "table {{.A}}\t{{.B}}", or any Go text/template
// ({{range}}, {{if}}, pipelines, printf, json, join, ...; see gotemplate/ and docs/cli-format.md).
// Errors are docker's one line ("template parsing error: template: :1: ..." when parsing), exit 125.
import { InvalidArgumentError } from '../../errors/errors';
import { renderTable } from '../../format/words';
import { DEFAULT_FUNCS, HEADER_FUNCS, TemplateError, executeTemplate, parseTemplate, type Tree } from './gotemplate';
import { compileSimple, runSimple, type SimpleTemplate } from './gotemplate/simple';

type Value = unknown;

const HEADER_FUNC_MAP = { ...DEFAULT_FUNCS, ...HEADER_FUNCS };

function templateError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    // docker's CLI prefixes only parse errors; an execution error ("executing ... at <.X>") is printed as Go made it
    if (err instanceof TemplateError) throw new InvalidArgumentError(/: executing "/.test(err.message) ? err.message : `template parsing error: ${err.message}`);
    throw err;
  }
}

/** A template as parsed once: plain-field templates take the fast path until one needs the engine. */
interface Compiled {
  text: string;
  unescapeText: boolean;
  simple?: SimpleTemplate;
  tree?: Tree;
}

// inspect renders one template per object: parse it once
const cache = new Map<string, Compiled>();

function compile(text: string, unescapeText: boolean): Compiled {
  const key = `${unescapeText ? 1 : 0}${text}`;
  let c = cache.get(key);
  if (!c) {
    c = { text, unescapeText, simple: compileSimple(text, unescapeText) };
    if (!c.simple) c.tree = treeOf(c);
    if (cache.size > 16) cache.clear();
    cache.set(key, c);
  }
  return c;
}

function treeOf(c: Compiled): Tree {
  c.tree ??= templateError(() => parseTemplate(c.text, { unescapeText: c.unescapeText }));
  return c.tree;
}

function run(c: Compiled, obj: Value): string {
  const fast = c.simple && runSimple(c.simple, obj);
  return fast ?? templateError(() => executeTemplate(treeOf(c), obj));
}

/** One value through a template exactly as written. */
export function renderTemplate(template: string, obj: Value): string {
  return run(compile(template, false), obj);
}

/** One value through a --format template as the user typed it (\t and \n allowed literally). */
export function renderFormat(format: string, value: Value): string {
  return run(compile(format, true), value);
}

/**
 * The header row of a table: the template run with each field replaced by its column title, and
 * docker's header functions (json, upper, ... pass the title through). Like docker, a template
 * that fails on titles gives what it printed so far.
 */
function headerLine(c: Compiled, headers: Record<string, string>): string {
  const headerOf = (field: string): string => headers[field] ?? field.slice(1).toUpperCase();
  if (c.simple) return runSimple(c.simple, {}, headerOf) ?? '';
  const out: string[] = [];
  try {
    executeTemplate(treeOf(c), {}, { funcs: HEADER_FUNC_MAP, headerOf }, out);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
  }
  return out.join('');
}

/**
 * Renders rows for a listing command. `headers` maps a field name (".ID") to its column title
 * ("CONTAINER ID"); `defaultTable` is the template used without --format.
 */
export function formatRows(rows: Value[], format: string | undefined, defaultTable: string, headers: Record<string, string>): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  const chosen = format === undefined || format === '' || format === 'table' ? defaultTable : format;
  const table = chosen.startsWith('table');
  const compiled = compile((table ? chosen.slice('table'.length) : chosen).replace(/^ +| +$/g, ''), true);
  const lines = rows.map((r) => `${run(compiled, r)}\n`);
  if (!table) return lines.join('');
  const text = `${headerLine(compiled, headers)}\n${lines.join('')}`;
  return renderTable(text.slice(0, -1).split('\n').map((l) => l.split('\t')));
}
