// The lexer of Go's text/template language: text, {{ }} actions with their trim markers
// ("{{- " and " -}}" eat the whitespace around them), comments, and the tokens inside actions.
// It runs to completion before parsing; an error is the last item, as in Go's lexer.
import { isAlphaNumeric } from './unicode';

export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier' | 'keyword'
  | 'dot' | 'bool' | 'nil' | 'number' | 'charConstant' | 'string' | 'rawString' | 'pipe' | 'declare'
  | 'assign' | 'leftParen' | 'rightParen' | 'char' | 'eof' | 'error';

export interface Item {
  type: ItemType;
  /** The token's text (the message for 'error'). */
  val: string;
  /** Offset in the template text. */
  pos: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Go's %#U of a character: U+0021 '!'. */
export function goRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

class LexError extends Error {}

export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let parenDepth = 0;

  const emit = (type: ItemType, start: number, val = input.slice(start, pos)): void => {
    items.push({ type, val, pos: start });
  };
  const fail = (msg: string): never => {
    throw new LexError(msg);
  };
  // " -}}": a space, a dash, the delimiter
  const atTrimRight = (at: number): boolean => isSpace(input[at] ?? '') && input.startsWith('-}}', at + 1);
  const atRightDelim = (at: number): boolean => input.startsWith('}}', at) || atTrimRight(at);
  const atTerminator = (at: number): boolean => {
    const c = input[at];
    return c === undefined || isSpace(c) || '.,|:()'.includes(c) || atRightDelim(at);
  };

  function lexText(): void {
    while (pos < input.length) {
      const open = input.indexOf('{{', pos);
      const end = open < 0 ? input.length : open;
      let text = input.slice(pos, end);
      const trimLeft = open >= 0 && input[open + 2] === '-' && isSpace(input[open + 3] ?? '');
      if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
      if (text) items.push({ type: 'text', val: text, pos });
      if (open < 0) {
        pos = input.length;
        return;
      }
      pos = open;
      lexAction(trimLeft);
    }
  }

  function lexAction(trimLeft: boolean): void {
    const start = pos;
    pos += 2 + (trimLeft ? 2 : 0);
    if (input.startsWith('/*', pos)) {
      const close = input.indexOf('*/', pos + 2);
      if (close < 0) fail('unclosed comment');
      pos = close + 2;
      if (atTrimRight(pos)) pos = skipSpace(pos + 4);
      else if (input.startsWith('}}', pos)) pos += 2;
      else fail('comment ends before closing delimiter');
      return;
    }
    items.push({ type: 'leftDelim', val: '{{', pos: start });
    parenDepth = 0;
    for (;;) {
      if (atRightDelim(pos)) {
        if (parenDepth > 0) fail('unclosed left paren');
        const trimRight = !input.startsWith('}}', pos);
        emit('rightDelim', pos, '}}');
        pos += trimRight ? 4 : 2;
        if (trimRight) pos = skipSpace(pos);
        return;
      }
      lexInside();
    }
  }

  function skipSpace(at: number): number {
    while (isSpace(input[at] ?? 'x')) at++;
    return at;
  }

  function lexInside(): void {
    const start = pos;
    const c = input[pos];
    if (c === undefined) fail('unclosed action');
    if (isSpace(c)) {
      // stop before " -}}" so the right delimiter sees its own space
      while (isSpace(input[pos] ?? '') && !atTrimRight(pos)) pos++;
      if (pos > start) emit('space', start);
      return;
    }
    pos++;
    switch (c) {
      case '=': return emit('assign', start);
      case ':':
        if (input[pos] !== '=') fail('expected :=');
        pos++;
        return emit('declare', start);
      case '|': return emit('pipe', start);
      case '"': return lexQuote(start);
      case '`': {
        const close = input.indexOf('`', pos);
        if (close < 0) fail('unterminated raw quoted string');
        pos = close + 1;
        return emit('rawString', start);
      }
      case '$': return lexFieldOrVariable(start, 'variable');
      case "'": return lexChar(start);
      case '(':
        parenDepth++;
        return emit('leftParen', start);
      case ')':
        parenDepth--;
        if (parenDepth < 0) fail('unexpected right paren');
        return emit('rightParen', start);
      default:
    }
    if (c === '.' && !/[0-9]/.test(input[pos] ?? '')) return lexFieldOrVariable(start, 'field');
    if (c === '.' || c === '+' || c === '-' || /[0-9]/.test(c)) {
      pos = start;
      return lexNumber(start);
    }
    if (isAlphaNumeric(c)) {
      while (isAlphaNumeric(input[pos] ?? '')) pos++;
      if (!atTerminator(pos)) fail(`bad character ${goRune(input[pos])}`);
      const word = input.slice(start, pos);
      if (KEYWORDS.has(word)) return emit('keyword', start);
      if (word === 'true' || word === 'false') return emit('bool', start);
      if (word === 'nil') return emit('nil', start);
      return emit('identifier', start);
    }
    if (c.charCodeAt(0) < 0x7f && c >= ' ') return emit('char', start);
    fail(`unrecognized character in action: ${goRune(String.fromCodePoint(input.codePointAt(start) ?? 0))}`);
  }

  function lexFieldOrVariable(start: number, type: 'field' | 'variable'): void {
    if (atTerminator(pos)) return emit(type === 'field' ? 'dot' : 'variable', start);
    while (isAlphaNumeric(input[pos] ?? '')) pos++;
    if (!atTerminator(pos)) fail(`bad character ${goRune(input[pos])}`);
    emit(type, start);
  }

  function lexQuote(start: number): void {
    for (;;) {
      const c = input[pos++];
      if (c === '\\' && input[pos] !== undefined && input[pos] !== '\n') pos++;
      else if (c === undefined || c === '\n') fail('unterminated quoted string');
      else if (c === '"') break;
    }
    emit('string', start);
  }

  function lexChar(start: number): void {
    for (;;) {
      const c = input[pos++];
      if (c === '\\' && input[pos] !== undefined && input[pos] !== '\n') pos++;
      else if (c === undefined || c === '\n') fail('unterminated character constant');
      else if (c === "'") break;
    }
    emit('charConstant', start);
  }

  function lexNumber(start: number): void {
    const m = /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[bBoO][0-9_]+|[0-9_]*\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?/.exec(input.slice(pos));
    pos += m ? m[0].length : 0;
    if (pos === start || isAlphaNumeric(input[pos] ?? '') || input[pos] === '.') {
      while (isAlphaNumeric(input[pos] ?? '') || input[pos] === '.') pos++;
      fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
    }
    emit('number', start);
  }

  try {
    lexText();
    items.push({ type: 'eof', val: '', pos: input.length });
  } catch (err) {
    if (!(err instanceof LexError)) throw err;
    items.push({ type: 'error', val: err.message, pos: Math.min(pos, input.length) });
  }
  return items;
}
