// Go's literal syntax as templates use it: strconv.Unquote for "..", `..` and '.' and the number
// forms of strconv.ParseInt(s, 0, 64) / ParseFloat (0x, 0o, 0b, leading-0 octal, underscores).

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** The value of a quoted Go literal; undefined when it is not valid Go ("invalid syntax"). */
export function unquote(quoted: string): string | undefined {
  const q = quoted[0];
  if (quoted.length < 2 || quoted[quoted.length - 1] !== q) return undefined;
  const body = quoted.slice(1, -1);
  if (q === '`') return body.includes('`') ? undefined : body.replace(/\r/g, '');
  if (q !== '"' && q !== "'") return undefined;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q || c === '\n') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (SIMPLE[e] !== undefined) out += SIMPLE[e];
    else if (e === q) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (e !== 'x' && cp >= 0xd800 && cp < 0xe000)) return undefined;
      // \xHH is a byte; for ASCII that is the character, above it we keep Latin-1 (JS strings have no raw bytes)
      out += String.fromCodePoint(cp);
      i += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else return undefined;
  }
  if (q === "'" && [...out].length !== 1) return undefined;
  return out;
}

/** A Go number literal's value; undefined when it is not one ("illegal number syntax"). */
export function parseNumber(text: string): number | undefined {
  if (text.endsWith('i')) return undefined; // complex numbers are not supported
  const neg = text.startsWith('-');
  let s = text.replace(/^[+-]/, '');
  if (!s) return undefined;
  // underscores only between digits, or after a base prefix
  if (s.includes('_')) {
    if (!/^(0[xXbBoO]_?)?[0-9a-fA-F.pPeE+-]+(_[0-9a-fA-F.pPeE+-]+)*$/.test(s) || /_[.pPeE]|[.pPeE]_/.test(s)) return undefined;
    s = s.replace(/_/g, '');
  }
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = parseInt(s.slice(2), 16);
  else if (/^0[bB][01]+$/.test(s)) v = parseInt(s.slice(2), 2);
  else if (/^0[oO]?[0-7]+$/.test(s)) v = parseInt(s.replace(/^0[oO]?/, ''), 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) v = Number(s);
  else return undefined;
  return Number.isFinite(v) ? (neg ? -v : v) : undefined;
}
