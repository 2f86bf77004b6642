// Go's text/template language over JSON-like data: parse once, execute per object.
import type { Node } from './ast';
import { execute, type ExecOptions } from './exec';
import { BUILTINS, DOCKER_FUNCS, type FuncMap } from './funcs';
import { parse, type Tree } from './parse';

export { TemplateError } from './parse';
export { BUILTINS, DOCKER_FUNCS, HEADER_FUNCS, type FuncMap, type GoFunc } from './funcs';
export type { Tree } from './parse';

/** Every function docker's CLI gives its templates. */
export const DEFAULT_FUNCS: FuncMap = { ...BUILTINS, ...DOCKER_FUNCS };

export interface ParseOptions {
  funcs?: FuncMap;
  /** docker lets `\t` and `\n` be typed literally in --format: turn them into tabs and newlines in the text. */
  unescapeText?: boolean;
}

export function parseTemplate(text: string, opts: ParseOptions = {}): Tree {
  const funcs = opts.funcs ?? DEFAULT_FUNCS;
  const tree = parse(text, (name) => Object.prototype.hasOwnProperty.call(funcs, name));
  if (opts.unescapeText) {
    unescapeList(tree.root);
    for (const list of tree.defs.values()) unescapeList(list);
  }
  return tree;
}

function unescapeList(list: Node[]): void {
  for (const n of list) {
    if (n.kind === 'text') n.text = n.text.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
    else if (n.kind === 'if' || n.kind === 'range' || n.kind === 'with') {
      unescapeList(n.list);
      if (n.elseList) unescapeList(n.elseList);
    }
  }
}

/** Throws TemplateError (Go's message, one line) at the first execution error. */
export function executeTemplate(tree: Tree, data: unknown, opts: Partial<ExecOptions> = {}, out: string[] = []): string {
  return execute(tree, data, { funcs: opts.funcs ?? DEFAULT_FUNCS, ...(opts.headerOf ? { headerOf: opts.headerOf } : {}) }, out);
}
