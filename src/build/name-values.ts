// ENV, LABEL and ARG arguments as name/value pairs, expanded: the parser keeps the raw text (ast.ts), the executor
// calls this with the variables in scope at that step. Split as docker does: raw words first, each at its first '=',
// then key and value are expanded separately, so a '=' or space coming from a variable never splits anything.
import type { Instruction } from './ast';
import { expandWord, type VarLookup } from './expand';
import { rawWords } from './raw-words';

export interface NameValue {
  name: string;
  /** undefined for `ARG name` without a default. */
  value?: string;
}

export function nameValues(ins: Instruction, lookup: VarLookup, escape: string): NameValue[] {
  const words = rawWords(ins.text, escape);
  const expand = (s: string): string => expandWord(s, lookup, escape);
  if (ins.keyword !== 'ARG' && words.length > 0 && !words[0].includes('=')) {
    // legacy `ENV name value with spaces`: everything after the first word is the value
    const rest = ins.text.trimStart().slice(words[0].length).trim();
    return [{ name: expand(words[0]), value: expand(rest) }];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return { name: expand(w) };
    return { name: expand(w.slice(0, eq)), value: expand(w.slice(eq + 1)) };
  });
}
