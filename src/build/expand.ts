// Dockerfile variable substitution as docker's builder does it (moby/buildkit frontend/dockerfile/shell): $VAR,
// ${VAR}, ${VAR:-w} ${VAR-w} ${VAR:+w} ${VAR+w} ${VAR:?w} ${VAR?w}, ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p},
// ${VAR/p/r} ${VAR//p/r}; the escape char makes the next char literal; '...' is literal; "..." expands but keeps
// whitespace; quotes are removed.
// expandWord gives one string (WORKDIR, USER, an ENV value); expandWords splits on unquoted whitespace, and the
// result of an unquoted expansion splits too (COPY sources, EXPOSE, key=value lists).
import { InvalidArgumentError } from '../errors/errors';

export type VarLookup = (name: string) => string | undefined;

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** Collects output; in split mode unquoted whitespace ends a word, quoted (raw) text never does. */
class Words {
  readonly words: string[] = [];
  private cur = '';
  private inWord = false;
  constructor(private readonly split: boolean) {}

  add(text: string): void {
    for (const c of text) {
      if (this.split && isSpace(c)) {
        this.end();
      } else {
        this.cur += c;
        this.inWord = true;
      }
    }
  }

  /** Quoted or escaped text: whitespace in it does not split. Like docker, an empty word ("") is dropped. */
  addRaw(text: string): void {
    this.cur += text;
    this.inWord = true;
  }

  end(): void {
    if (this.inWord && this.cur !== '') this.words.push(this.cur);
    this.cur = '';
    this.inWord = false;
  }

  joined(): string {
    return this.cur;
  }
}

class Lexer {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly lookup: VarLookup,
    private readonly escape: string,
  ) {}

  /** Process until `stop` (unconsumed) or the end; quotes and escapes are handled, `$` expanded. */
  run(out: Words, stop?: string, rawEscapes = false): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i];
      if (stop !== undefined && c === stop) return;
      if (c === this.escape) {
        this.i += 1;
        // an escape char at the very end is dropped, as docker does; glob patterns keep it (raw)
        if (this.i < t.length) out.addRaw((rawEscapes ? c : '') + t[this.i++]);
      } else if (c === "'") {
        out.addRaw(this.singleQuoted());
      } else if (c === '"') {
        out.addRaw(this.doubleQuoted());
      } else if (c === '$') {
        out.add(this.dollar());
      } else {
        out.add(c);
        this.i += 1;
      }
    }
  }

  private singleQuoted(): string {
    const close = this.text.indexOf("'", this.i + 1);
    if (close < 0) throw new InvalidArgumentError('unexpected end of statement while looking for matching single-quote');
    const body = this.text.slice(this.i + 1, close);
    this.i = close + 1;
    return body;
  }

  private doubleQuoted(): string {
    const t = this.text;
    let s = '';
    this.i += 1;
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === '"') {
        this.i += 1;
        return s;
      }
      if (c === '$') {
        s += this.dollar();
        continue;
      }
      if (c === this.escape) {
        const next = t[this.i + 1];
        // only ", $ and the escape char itself can be escaped inside "..."; other escapes stay as written
        if (next === '"' || next === '$' || next === this.escape) {
          s += next;
          this.i += 2;
          continue;
        }
      }
      s += c;
      this.i += 1;
    }
    throw new InvalidArgumentError('unexpected end of statement while looking for matching double-quote');
  }

  /** A name after `$`: letters/digits/_ , or all digits, or one special parameter char; '' if none. */
  private name(): string {
    const t = this.text;
    const start = this.i;
    const c = t[this.i];
    if (c === undefined) return '';
    if (/[0-9]/.test(c)) {
      while (/[0-9]/.test(t[this.i] ?? '')) this.i += 1;
    } else if (SPECIAL.has(c)) {
      this.i += 1;
    } else {
      while (isNameChar(t[this.i])) this.i += 1;
    }
    return t.slice(start, this.i);
  }

  /** At a `$`: returns the substituted text and moves past the reference. */
  private dollar(): string {
    this.i += 1;
    if (this.text[this.i] !== '{') {
      const name = this.name();
      return name === '' ? '$' : (this.lookup(name) ?? '');
    }
    this.i += 1;
    return this.braced();
  }

  private braced(): string {
    const t = this.text;
    const first = t[this.i];
    if (first === undefined) throw new InvalidArgumentError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new InvalidArgumentError('syntax error: bad substitution');
    const name = this.name();
    const value = this.lookup(name);
    let op = t[this.i] ?? '';
    if (op === '') throw new InvalidArgumentError("syntax error: missing '}'");
    this.i += 1;
    if (op === '}') return value ?? '';
    if (op === '/') return this.replace(value ?? '');
    let colon = false;
    if (op === ':') {
      colon = true;
      op = t[this.i] ?? '';
      this.i += 1;
    }
    if (!'+-?#%'.includes(op) || op === '') {
      throw new InvalidArgumentError(`unsupported modifier (${colon ? ':' : ''}${op}) in substitution`);
    }
    let word = this.until('}', op === '#' || op === '%');
    const set = value !== undefined && !(colon && value === '');
    switch (op) {
      case '-':
        return set ? (value as string) : word;
      case '+':
        return set ? word : '';
      case '?':
        if (value === undefined) throw new InvalidArgumentError(`${name}: ${word || 'is not allowed to be unset'}`);
        if (!set) throw new InvalidArgumentError(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      default: {
        // # and % drop the shortest match, ## and %% the longest
        const greedy = word.startsWith(op);
        if (greedy) word = word.slice(1);
        return op === '#' ? removePrefix(value ?? '', word, greedy) : removeSuffix(value ?? '', word, greedy);
      }
    }
  }

  /** ${name/pattern/replacement} (first match) and ${name//pattern/replacement} (all). */
  private replace(value: string): string {
    const all = this.text[this.i] === '/';
    if (all) this.i += 1;
    const pattern = this.until('/', true);
    const replacement = this.until('}', true);
    const re = new RegExp(globSource(pattern, true), all ? 'gs' : 's');
    return value.replace(re, () => replacement);
  }

  /** Text up to `stop` (consumed), itself expanded; raw keeps escape chars for glob patterns. */
  private until(stop: string, raw: boolean): string {
    const out = new Words(false);
    this.run(out, stop, raw);
    if (this.text[this.i] !== stop) throw new InvalidArgumentError(`syntax error: missing '${stop}'`);
    this.i += 1;
    return out.joined();
  }
}

const SPECIAL = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Shell glob (* ? and literal chars) to an anchored-free regexp source. */
function globSource(pattern: string, greedy: boolean): string {
  let s = '';
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i];
    // a backslash makes the next char literal (docker's pattern syntax uses '\\' whatever the escape char)
    if (c === '\\' && i + 1 < pattern.length) c = `\\${pattern[++i]}`;
    if (c.length === 2) s += c[1].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') s += greedy ? '.*' : '.*?';
    else if (c === '?') s += '.';
    else s += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return s;
}

function removePrefix(value: string, pattern: string, longest: boolean): string {
  const m = new RegExp(`^${globSource(pattern, longest)}`, 's').exec(value);
  return m ? value.slice(m[0].length) : value;
}

function removeSuffix(value: string, pattern: string, longest: boolean): string {
  // try every start position: the leftmost match is the longest suffix, the rightmost the shortest
  const re = new RegExp(`^${globSource(pattern, true)}$`, 's');
  if (longest) {
    for (let i = 0; i <= value.length; i++) if (re.test(value.slice(i))) return value.slice(0, i);
  } else {
    for (let i = value.length; i >= 0; i--) if (re.test(value.slice(i))) return value.slice(0, i);
  }
  return value;
}

/** One word: quotes removed, variables substituted, whitespace kept. Throws InvalidArgumentError on bad syntax. */
export function expandWord(text: string, lookup: VarLookup, escape = '\\'): string {
  const out = new Words(false);
  new Lexer(text, lookup, escape).run(out);
  return out.joined();
}

/** Whitespace-separated words, quotes removed and variables substituted (unquoted results split). */
export function expandWords(text: string, lookup: VarLookup, escape = '\\'): string[] {
  const out = new Words(true);
  new Lexer(text, lookup, escape).run(out);
  out.end();
  return out.words;
}
