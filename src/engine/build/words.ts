// Dockerfile word handling for the executor: quote removal and $VAR / ${VAR} / ${VAR:-x} / ${VAR:+x}
// substitution in one pass, as docker's shell-lexer does for ENV, LABEL, ARG, COPY, WORKDIR, ... (RUN is left to
// the shell). Single quotes are literal; the escape character escapes the next one (outside single quotes).

export type Lookup = (name: string) => string | undefined;

/** Splits text into words (whitespace outside quotes separates them), removing quotes and expanding variables. */
export function splitWords(text: string, lookup: Lookup, escape = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const s = text;
  const readVar = (): string => {
    // at s[i] === '$'
    i++;
    if (s[i] === '{') {
      const end = s.indexOf('}', i);
      if (end < 0) return '${' + s.slice(i + 1);
      const body = s.slice(i + 1, end);
      i = end + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])(.*))?$/s.exec(body);
      if (!m) return '';
      const v = lookup(m[1]);
      if (m[2] === '-') return v === undefined || v === '' ? expandWord(m[3] ?? '', lookup, escape) : v;
      if (m[2] === '+') return v === undefined || v === '' ? '' : expandWord(m[3] ?? '', lookup, escape);
      return v ?? '';
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) return '$';
    i += m[0].length;
    return lookup(m[0]) ?? '';
  };
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === escape && i + 1 < s.length) {
      cur += s[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      const stop = end < 0 ? s.length : end;
      cur += s.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === escape && i + 1 < s.length && (s[i + 1] === '"' || s[i + 1] === '$' || s[i + 1] === escape)) {
          cur += s[i + 1];
          i += 2;
        } else if (s[i] === '$') cur += readVar();
        else cur += s[i++];
      }
      i++;
    } else if (c === '$') cur += readVar();
    else {
      cur += c;
      i++;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** One word: like splitWords but whitespace is kept. */
export function expandWord(text: string, lookup: Lookup, escape = '\\'): string {
  const ws: string[] = [];
  // protect whitespace outside quotes by quoting each run of it
  const parts = text.split(/(\s+)/);
  for (const p of parts) ws.push(/^\s+$/.test(p) ? `'${p}'` : p);
  return splitWords(ws.join(''), lookup, escape).join('');
}

/** `K=V K2="v 2"` or the legacy `K V with spaces` form of ENV and LABEL. */
export function keyValues(text: string, lookup: Lookup, escape = '\\', keyword = 'ENV'): [string, string][] {
  const words = splitWords(text, lookup, escape);
  if (words.length && !words[0].includes('=')) {
    const [k, ...rest] = text.trim().split(/\s+/);
    if (!rest.length) throw new Error(`${keyword} must have two arguments`);
    return [[k, expandWord(text.trim().slice(k.length).trim(), lookup, escape)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new Error(`${keyword} names can not be blank or missing '=': ${w}`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
