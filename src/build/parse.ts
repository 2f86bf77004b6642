// Dockerfile text → Dockerfile (ast.ts). Steps: parser directives at the very top, then logical lines (escape char
// at line end continues; comment and blank lines inside a continuation are dropped), heredoc bodies after the line
// that names them, then stage splitting. Errors are InvalidArgumentError "Dockerfile:<line>: <message>".
import type { Dockerfile, Heredoc, Instruction, Stage } from './ast';
import { lineError, parseLine, type HeredocMarker } from './instructions';
import { rawWords } from './raw-words';
import { InvalidArgumentError } from '../errors/errors';

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

interface Directives {
  escape: string;
  syntax?: string;
  /** Index of the first line after the directives. */
  next: number;
}

/** Directives stop at the first line that is not a known directive (an unknown one is a comment and ends them). */
function readDirectives(lines: string[]): Directives {
  const seen = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) break;
    const key = m[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(key)) break;
    if (seen.has(key)) throw lineError(i + 1, `only one ${key} parser directive can be used`);
    if (key === 'escape' && m[2] !== '\\' && m[2] !== '`') {
      throw lineError(i + 1, `invalid escape token '${m[2]}' does not match \` or \\`);
    }
    seen.set(key, m[2]);
  }
  const d: Directives = { escape: seen.get('escape') ?? '\\', next: i };
  const syntax = seen.get('syntax');
  if (syntax !== undefined) d.syntax = syntax;
  return d;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads one heredoc body starting at lines[i]; returns the body and the index after the terminator. */
function readHeredoc(lines: string[], i: number, marker: HeredocMarker, line: number): { heredoc: Heredoc; next: number } {
  const body: string[] = [];
  for (let j = i; j < lines.length; j++) {
    const l = marker.chomp ? lines[j].replace(/^\t+/, '') : lines[j];
    if (l === marker.name) {
      const content = body.length === 0 ? '' : body.join('\n') + '\n';
      return { heredoc: { name: marker.name, content, literal: marker.literal }, next: j + 1 };
    }
    body.push(l);
  }
  throw lineError(line, `unterminated heredoc ${marker.name}`);
}

/** All instructions in order, with heredoc bodies attached. */
function readInstructions(lines: string[], start: number, escape: string): Instruction[] {
  const continuation = new RegExp(`${escapeRegExp(escape)}[ \\t]*$`);
  const isComment = (l: string): boolean => l.trimStart().startsWith('#');
  const out: Instruction[] = [];
  let i = start;
  while (i < lines.length) {
    const first = lines[i++];
    if (first.trim() === '' || isComment(first)) continue;
    const line = i;
    let joined = first.trimStart();
    let more = continuation.test(joined);
    joined = joined.replace(continuation, '');
    while (more && i < lines.length) {
      const next = lines[i++];
      if (isComment(next) || next.trim() === '') continue;
      more = continuation.test(next);
      joined += next.replace(continuation, '');
    }
    if (joined.trim() === '') continue;
    const parsed = parseLine(joined, line, i, escape);
    for (const marker of parsed.heredocs) {
      const { heredoc, next } = readHeredoc(lines, i, marker, line);
      parsed.instruction.heredocs.push(heredoc);
      i = next;
    }
    parsed.instruction.endLine = Math.max(line, i);
    out.push(parsed.instruction);
  }
  return out;
}

/** Fills a stage from its FROM line: base reference and the validated, lower-cased `AS` name. */
function newStage(from: Instruction, index: number, escape: string, names: Set<string>): Stage {
  const words = rawWords(from.text, escape);
  const stage: Stage = { from, baseRef: words[0], index, instructions: [] };
  if (words.length === 3) {
    const name = words[2].toLowerCase();
    if (!STAGE_NAME.test(name)) {
      throw lineError(from.line, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
    }
    if (names.has(name)) throw lineError(from.line, `duplicate stage name "${name}"`);
    names.add(name);
    stage.name = name;
  }
  return stage;
}

/** Parses a Dockerfile; throws InvalidArgumentError naming the line for anything docker's parser refuses. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives = readDirectives(lines);
  const { escape } = directives;
  const result: Dockerfile = { escape, globalArgs: [], stages: [] };
  if (directives.syntax !== undefined) result.syntax = directives.syntax;
  const names = new Set<string>();
  let stage: Stage | undefined;
  for (const ins of readInstructions(lines, directives.next, escape)) {
    if (ins.keyword === 'FROM') {
      stage = newStage(ins, result.stages.length, escape, names);
      result.stages.push(stage);
    } else if (stage !== undefined) {
      stage.instructions.push(ins);
    } else if (ins.keyword === 'ARG') {
      result.globalArgs.push(ins);
    } else {
      throw lineError(ins.line, `no build stage in current context: ${ins.keyword} before the first FROM`);
    }
  }
  if (result.stages.length === 0) {
    throw new InvalidArgumentError('Dockerfile: the Dockerfile has no FROM instruction (no build stage)');
  }
  return result;
}
