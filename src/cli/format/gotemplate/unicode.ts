// Unicode classes Go's lexer and quoting use. Regex literals with \p{...} cost V8 milliseconds to
// validate when the CLI bundle is parsed, so they are built on first use, behind an ASCII fast path.

let printRe: RegExp | undefined;
let alnumRe: RegExp | undefined;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0;
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  printRe ??= new RegExp('^[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}]$', 'u');
  return printRe.test(c);
}

/** The characters of Go identifiers: letters, digits and '_'. */
export function isAlphaNumeric(c: string): boolean {
  if (c.length === 0) return false;
  if (c < '\x80') return c === '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  alnumRe ??= new RegExp('^[\\p{L}\\p{Nd}]$', 'u');
  return alnumRe.test(c);
}
