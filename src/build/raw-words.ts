// Splits an instruction's text into words WITHOUT removing quotes or escapes or expanding anything: what docker's
// parser does for ENV/LABEL/ARG lists, FROM, EXPOSE and heredoc detection. Expansion happens later (expand.ts).

/** Words separated by unquoted, unescaped whitespace; an unterminated quote runs to the end. */
export function rawWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === '' && (c === ' ' || c === '\t' || c === '\n' || c === '\r')) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    cur += c;
    if (c === escape && quote !== "'" && i + 1 < text.length) {
      cur += text[++i];
    } else if (quote === '' && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = '';
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Removes quotes and escapes from a raw word without expanding (flag values, heredoc names). */
export function unquote(word: string, escape: string): { text: string; quoted: boolean } {
  let text = '';
  let quoted = false;
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === escape && quote !== "'" && i + 1 < word.length) {
      text += word[++i];
      quoted = true;
    } else if (quote === '' && (c === '"' || c === "'")) {
      quote = c;
      quoted = true;
    } else if (c === quote) {
      quote = '';
    } else {
      text += c;
    }
  }
  return { text, quoted };
}
