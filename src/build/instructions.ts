// One logical Dockerfile line (continuations joined) → an Instruction: keyword, leading --flags, JSON or shell form,
// heredoc markers, and the argument checks docker's parser makes before anything runs. Heredoc bodies are read by
// parse.ts, which owns the lines.
import { InvalidArgumentError } from '../errors/errors';
import type { Instruction } from './ast';
import { rawWords, unquote } from './raw-words';

/** Every error names the Dockerfile line: "Dockerfile:7: unknown instruction: RUNN". */
export function lineError(line: number, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`Dockerfile:${line}: ${message}`);
}

export interface HeredocMarker {
  name: string;
  chomp: boolean;
  literal: boolean;
}

type FlagKind = 'string' | 'bool' | 'list';

const FLAGS: Record<string, Record<string, FlagKind>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'list', network: 'string', security: 'string' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'list' },
  ADD: { chown: 'string', chmod: 'string', link: 'bool', checksum: 'string', 'keep-git-dir': 'bool', exclude: 'list' },
  HEALTHCHECK: {
    interval: 'string',
    timeout: 'string',
    'start-period': 'string',
    'start-interval': 'string',
    retries: 'string',
  },
};

export const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);
const JSON_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME']);
const HEREDOC_FORM = new Set(['RUN', 'COPY', 'ADD']);

/** Docker's rule: a JSON array of strings is the exec form; anything else (even broken JSON) is the shell form. */
export function jsonForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) return undefined;
  return value;
}

/** Leading --name[=value] words; flags keyed by name without dashes, a bare boolean flag is 'true'. */
function takeFlags(keyword: string, rest: string, escape: string, line: number): { flags: Record<string, string[]>; rest: string } {
  const flags: Record<string, string[]> = {};
  const allowed = FLAGS[keyword] ?? {};
  let r = rest;
  for (;;) {
    r = r.trimStart();
    if (!r.startsWith('--')) break;
    const word = rawWords(r, escape)[0] ?? '';
    r = r.slice(word.length);
    if (word === '--') break;
    const { text } = unquote(word.slice(2), escape);
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    const kind = allowed[name];
    if (kind === undefined) throw lineError(line, `unknown flag: --${name} for ${keyword}`);
    let value = eq < 0 ? undefined : text.slice(eq + 1);
    if (kind === 'bool') {
      value = value ?? 'true';
      if (value !== 'true' && value !== 'false') {
        throw lineError(line, `expecting boolean value for flag --${name}, not: ${value}`);
      }
    } else if (value === undefined) {
      throw lineError(line, `missing a value on flag: --${name}`);
    }
    if (flags[name] !== undefined && kind !== 'list') throw lineError(line, `duplicate flag specified: --${name}`);
    (flags[name] ??= []).push(value);
  }
  return { flags, rest: r.trim() };
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` words of a shell-form RUN/COPY/ADD, in order. */
function heredocMarkers(text: string, escape: string): HeredocMarker[] {
  const out: HeredocMarker[] = [];
  for (const word of rawWords(text, escape)) {
    // as docker: the whole rest of the word is the name (`<<EOF>f` waits for "EOF>f"); `<<<` is a here-string
    const m = /^\d*<<(-?)(.+)$/.exec(word);
    if (!m || m[2].startsWith('<')) continue;
    const { text: name, quoted } = unquote(m[2], escape);
    if (name === '' || /\s/.test(name)) continue;
    out.push({ name, chomp: m[1] === '-', literal: quoted });
  }
  return out;
}

export interface ParsedLine {
  instruction: Instruction;
  heredocs: HeredocMarker[];
}

/** Parses one joined line; `allowHeredoc` is false for an ONBUILD trigger (docker reads no bodies there). */
export function parseLine(joined: string, line: number, endLine: number, escape: string, allowHeredoc = true): ParsedLine {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(joined.trim());
  if (!m) throw lineError(line, 'empty instruction');
  const keyword = m[1].toUpperCase();
  if (!KEYWORDS.has(keyword)) throw lineError(line, `unknown instruction: ${m[1].toUpperCase()}`);
  const { flags, rest } = takeFlags(keyword, m[2], escape, line);
  const instruction: Instruction = { keyword, line, endLine, flags, text: rest, heredocs: [] };
  const json = JSON_FORM.has(keyword) ? jsonForm(rest) : undefined;
  if (json !== undefined) instruction.json = json;
  const heredocs = allowHeredoc && json === undefined && HEREDOC_FORM.has(keyword) ? heredocMarkers(rest, escape) : [];
  if (keyword === 'ONBUILD') {
    if (rest === '') throw lineError(line, 'ONBUILD requires at least one argument');
    const inner = parseLine(rest, line, endLine, escape, false).instruction;
    if (inner.keyword === 'ONBUILD') throw lineError(line, 'chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    if (inner.keyword === 'FROM' || inner.keyword === 'MAINTAINER') {
      throw lineError(line, `${inner.keyword} isn't allowed as an ONBUILD trigger`);
    }
    instruction.inner = inner;
  }
  checkArguments(instruction, heredocs.length, escape);
  return { instruction, heredocs };
}

const NAME_VALUE = new Set(['ENV', 'LABEL']);
const EXACTLY_ONE = new Set(['WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER']);

/** The arity and syntax checks docker makes at parse time. */
function checkArguments(ins: Instruction, heredocCount: number, escape: string): void {
  const { keyword: k, line, text } = ins;
  const words = rawWords(text, escape);
  if (EXACTLY_ONE.has(k) && text === '') throw lineError(line, `${k} requires exactly one argument`);
  if (NAME_VALUE.has(k)) checkNameValues(k, words, line);
  switch (k) {
    case 'FROM':
      if (words.length !== 1 && !(words.length === 3 && words[1].toLowerCase() === 'as')) {
        throw lineError(line, 'FROM requires either one or three arguments');
      }
      break;
    case 'RUN':
      if (ins.json ? ins.json.length === 0 : text === '') throw lineError(line, 'RUN requires at least one argument');
      break;
    case 'SHELL':
      if (ins.json === undefined) throw lineError(line, 'SHELL requires the arguments to be in JSON form');
      if (ins.json.length === 0) throw lineError(line, 'SHELL requires at least one argument');
      break;
    case 'COPY':
    case 'ADD': {
      const n = ins.json ? ins.json.length : words.length;
      if (n === 0) throw lineError(line, `${k} requires at least two arguments`);
      if (n === 1) {
        const what = heredocCount > 0 ? 'heredoc' : 'one';
        throw lineError(line, `${k} requires at least two arguments, but only ${what} was provided. Destination could not be determined`);
      }
      break;
    }
    case 'EXPOSE':
      if (words.length === 0) throw lineError(line, 'EXPOSE requires at least one argument');
      break;
    case 'VOLUME':
      if (ins.json ? ins.json.length === 0 : words.length === 0) throw lineError(line, 'VOLUME requires at least one argument');
      if (ins.json?.some((v) => v.trim() === '')) throw lineError(line, 'VOLUME specified can not be an empty string');
      break;
    case 'ARG':
      if (words.length === 0) throw lineError(line, 'ARG requires at least one argument');
      for (const w of words) if (w.startsWith('=')) throw lineError(line, 'ARG names can not be blank');
      break;
    case 'HEALTHCHECK':
      checkHealthcheck(ins, words);
      break;
    default:
      break;
  }
}

/** ENV/LABEL: `key=value ...`, or the legacy `key value with spaces` when the first word has no '='. */
function checkNameValues(k: string, words: string[], line: number): void {
  if (words.length === 0) throw lineError(line, `${k} requires at least one argument`);
  if (!words[0].includes('=')) {
    if (words.length < 2) throw lineError(line, `${k} must have two arguments`);
    return;
  }
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq < 0) throw lineError(line, `syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (eq === 0) throw lineError(line, `${k} names can not be blank`);
  }
}

const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;

/** `HEALTHCHECK NONE` or `HEALTHCHECK [--flags] CMD command`; `json` is the CMD's exec form when given as one. */
function checkHealthcheck(ins: Instruction, words: string[]): void {
  const { line } = ins;
  const type = (words[0] ?? '').toUpperCase();
  if (type === 'NONE') {
    if (words.length > 1 || Object.keys(ins.flags).length > 0) throw lineError(line, 'HEALTHCHECK NONE takes no arguments');
    return;
  }
  if (type !== 'CMD') {
    if (type === '') throw lineError(line, 'HEALTHCHECK requires at least one argument');
    throw lineError(line, `unknown type "${words[0]}" in HEALTHCHECK (try CMD)`);
  }
  const cmd = ins.text.slice(words[0].length).trim();
  if (cmd === '') throw lineError(line, 'missing command after HEALTHCHECK CMD');
  const json = jsonForm(cmd);
  if (json !== undefined) ins.json = json;
  for (const name of ['interval', 'timeout', 'start-period', 'start-interval']) {
    const v = ins.flags[name]?.[0];
    if (v !== undefined && v !== '0' && !GO_DURATION.test(v)) throw lineError(line, `invalid duration for --${name}: ${v}`);
    if (v !== undefined && v.startsWith('-')) throw lineError(line, `--${name} cannot be negative`);
  }
  const retries = ins.flags.retries?.[0];
  if (retries !== undefined && !/^\d+$/.test(retries)) throw lineError(line, `invalid --retries value: ${retries}`);
}
