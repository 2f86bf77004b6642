// The parser of Go's text/template language, following text/template/parse: actions, pipelines,
// if/else if/with/range/else/end, break/continue, define/template/block, and the checks Go makes
// at parse time (unknown functions, undefined variables, misplaced keywords). Errors read like Go's:
// "template: :1: function "nope" not defined".
import type { ArgNode, BranchNode, CommandNode, Node, PipeNode, TemplateNode, VariableNode } from './ast';
import { nodeString } from './ast';
import { lex, type Item } from './lexer';
import { parseNumber, unquote } from './literals';

export class TemplateError extends Error {}

export interface Tree {
  /** The template text, for error locations. */
  text: string;
  /** The top-level template, named "" as docker's templates are. */
  root: Node[];
  /** Templates made by {{define}} and {{block}}. */
  defs: Map<string, Node[]>;
}

/** A keyword action that ends a list: {{end}} or {{else}}. */
interface ListEnd { kind: 'end' | 'else'; pos: number }

const END_TEXT = { end: '{{end}}', else: '{{else}}' } as const;

/** Go's item.String(): how a token is named in "unexpected X in Y". */
function itemString(it: Item): string {
  if (it.type === 'eof') return 'EOF';
  if (it.type === 'keyword' || it.type === 'dot' || it.type === 'nil') return `<${it.val}>`;
  const q = JSON.stringify(it.val.length > 10 ? it.val.slice(0, 10) : it.val);
  return it.val.length > 10 ? `${q}...` : q;
}

export function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function parse(text: string, hasFunction: (name: string) => boolean): Tree {
  const items = lex(text);
  let i = 0;
  let last = items[0];
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  const defs = new Map<string, Node[]>();

  const fail = (msg: string): never => {
    throw new TemplateError(`template: :${lineOf(text, last.pos)}: ${msg}`);
  };
  const next = (): Item => {
    last = items[i];
    if (last.type === 'error') fail(last.val);
    if (last.type !== 'eof') i++;
    return last;
  };
  const peek = (): Item => items[i];
  const nextNonSpace = (): Item => {
    let it = next();
    while (it.type === 'space') it = next();
    return it;
  };
  const peekNonSpace = (): Item => {
    const it = nextNonSpace();
    if (it.type !== 'eof') i--;
    return it;
  };
  const unexpected = (it: Item, context: string): never => fail(`unexpected ${itemString(it)} in ${context}`);
  const expect = (type: Item['type'], context: string): Item => {
    const it = nextNonSpace();
    if (it.type !== type) unexpected(it, context);
    return it;
  };
  const isKeyword = (it: Item, word: string): boolean => it.type === 'keyword' && it.val === word;

  function itemList(): { list: Node[]; end: ListEnd } {
    const list: Node[] = [];
    while (peekNonSpace().type !== 'eof') {
      const n = textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return { list, end: n };
      list.push(n as Node);
    }
    return fail('unexpected EOF');
  }

  function textOrAction(): Node | ListEnd {
    const it = nextNonSpace();
    if (it.type === 'text') return { kind: 'text', pos: it.pos, text: it.val };
    if (it.type === 'leftDelim') return action();
    return unexpected(it, 'input');
  }

  function action(): Node | ListEnd {
    const it = nextNonSpace();
    if (it.type === 'keyword') {
      switch (it.val) {
        case 'block': return blockControl();
        case 'break':
        case 'continue': {
          const close = nextNonSpace();
          if (close.type !== 'rightDelim') unexpected(close, `{{${it.val}}}`);
          if (rangeDepth === 0) fail(`{{${it.val}}} outside {{range}}`);
          return { kind: it.val, pos: it.pos };
        }
        case 'else': {
          // "{{else if ..." and "{{else with ...": the else ends the list, the if/with is read next
          const p = peekNonSpace();
          if (!isKeyword(p, 'if') && !isKeyword(p, 'with')) expect('rightDelim', 'else');
          return { kind: 'else', pos: it.pos };
        }
        case 'end':
          expect('rightDelim', 'end');
          return { kind: 'end', pos: it.pos };
        case 'if':
        case 'range':
        case 'with': return control(it.val, it.pos);
        case 'template': return templateControl();
        default:
      }
    }
    if (it.type !== 'eof') i--;
    const pos = peek().pos;
    return { kind: 'action', pos, pipe: pipeline('command', 'rightDelim') };
  }

  function control(kind: BranchNode['kind'], pos: number): BranchNode {
    const saved = vars.length;
    const pipe = pipeline(kind, 'rightDelim');
    if (kind === 'range') rangeDepth++;
    const { list, end } = itemList();
    if (kind === 'range') rangeDepth--;
    const node: BranchNode = { kind, pos, pipe, list };
    if (end.kind === 'else') {
      const p = peek();
      if ((kind === 'if' || kind === 'with') && isKeyword(p, kind)) {
        next();
        node.elseList = [control(kind, p.pos)];
      } else {
        const rest = itemList();
        if (rest.end.kind !== 'end') fail(`expected end; found ${END_TEXT[rest.end.kind]}`);
        node.elseList = rest.list;
      }
    }
    vars = vars.slice(0, saved);
    return node;
  }

  function templateName(context: string): string {
    const it = nextNonSpace();
    if (it.type !== 'string' && it.type !== 'rawString') unexpected(it, context);
    return unquote(it.val) ?? fail('invalid syntax');
  }

  function templateControl(): TemplateNode {
    const pos = last.pos;
    const name = templateName('template clause');
    if (nextNonSpace().type === 'rightDelim') return { kind: 'template', pos, name };
    i--;
    return { kind: 'template', pos, name, pipe: pipeline('template clause', 'rightDelim') };
  }

  /** A body parsed as its own template: no outer variables, no enclosing range. */
  function definition(name: string, context: string): void {
    const [savedVars, savedDepth] = [vars, rangeDepth];
    [vars, rangeDepth] = [['$'], 0];
    const { list, end } = itemList();
    if (end.kind !== 'end') fail(`unexpected ${END_TEXT[end.kind]} in ${context}`);
    if (defs.has(name) && defs.get(name)?.some((n) => n.kind !== 'text' || n.text.trim() !== '')) {
      fail(`template: multiple definition of template ${JSON.stringify(name)}`);
    }
    defs.set(name, list);
    [vars, rangeDepth] = [savedVars, savedDepth];
  }

  function blockControl(): TemplateNode {
    const pos = last.pos;
    const name = templateName('block clause');
    const pipe = pipeline('block clause', 'rightDelim');
    definition(name, 'block clause');
    return { kind: 'template', pos, name, pipe };
  }

  function pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const pipe: PipeNode = { kind: 'pipe', pos: peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const start = i;
      const v = peekNonSpace();
      if (v.type !== 'variable') break;
      next();
      const after = nextNonSpace();
      const variable: VariableNode = { kind: 'variable', pos: v.pos, ident: [v.val] };
      if (after.type === 'assign' || after.type === 'declare') {
        if (after.type === 'assign' && !vars.includes(v.val)) fail(`undefined variable ${JSON.stringify(v.val)}`);
        pipe.isAssign = after.type === 'assign';
        pipe.decl.push(variable);
        vars.push(v.val);
        break;
      }
      if (after.type === 'char' && after.val === ',') {
        pipe.decl.push(variable);
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace();
          if (p.type === 'variable' || p.type === 'rightDelim' || p.type === 'rightParen') continue;
          fail('range can only initialize variables');
        }
        fail(`too many declarations in ${context}`);
      }
      i = start;
      break;
    }
    for (;;) {
      const it = nextNonSpace();
      if (it.type === end) {
        checkPipeline(pipe, context);
        return pipe;
      }
      switch (it.type) {
        case 'bool': case 'charConstant': case 'dot': case 'field': case 'identifier': case 'number':
        case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          i--;
          pipe.cmds.push(command());
          break;
        default:
          unexpected(it, context);
      }
    }
  }

  function checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, n) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].kind)) fail(`non executable command in pipeline stage ${n + 2}`);
    });
  }

  function command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const it = next();
      if (it.type === 'space') continue;
      if (it.type === 'rightDelim' || it.type === 'rightParen') i--;
      else if (it.type !== 'pipe') unexpected(it, 'operand');
      break;
    }
    if (cmd.args.length === 0) fail('empty command');
    return cmd;
  }

  function operand(): ArgNode | undefined {
    const node = term();
    if (!node || peek().type !== 'field') return node;
    const pos = peek().pos;
    const fields: string[] = [];
    while (peek().type === 'field') fields.push(next().val.slice(1));
    switch (node.kind) {
      case 'field': return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable': return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default: return { kind: 'chain', pos, node, field: fields };
    }
  }

  function term(): ArgNode | undefined {
    const it = nextNonSpace();
    switch (it.type) {
      case 'identifier':
        if (!hasFunction(it.val)) fail(`function ${JSON.stringify(it.val)} not defined`);
        return { kind: 'identifier', pos: it.pos, name: it.val };
      case 'dot': return { kind: 'dot', pos: it.pos };
      case 'nil': return { kind: 'nil', pos: it.pos };
      case 'variable':
        if (!vars.includes(it.val)) fail(`undefined variable ${JSON.stringify(it.val)}`);
        return { kind: 'variable', pos: it.pos, ident: [it.val] };
      case 'field': return { kind: 'field', pos: it.pos, ident: [it.val.slice(1)] };
      case 'bool': return { kind: 'bool', pos: it.pos, value: it.val === 'true' };
      case 'number': {
        const value = parseNumber(it.val) ?? fail(`illegal number syntax: ${JSON.stringify(it.val)}`);
        return { kind: 'number', pos: it.pos, value, text: it.val };
      }
      case 'charConstant': {
        const ch = unquote(it.val) ?? fail(`malformed character constant: ${it.val}`);
        return { kind: 'number', pos: it.pos, value: ch.codePointAt(0) ?? 0, text: it.val };
      }
      case 'leftParen': return pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: it.pos, value: unquote(it.val) ?? fail('invalid syntax'), quoted: it.val };
      default:
        if (it.type !== 'eof') i--;
        return undefined;
    }
  }

  const root: Node[] = [];
  while (peek().type !== 'eof') {
    if (peek().type === 'leftDelim') {
      const start = i;
      next();
      if (isKeyword(nextNonSpace(), 'define')) {
        const name = templateName('define clause');
        expect('rightDelim', 'define clause');
        definition(name, 'define clause');
        continue;
      }
      i = start;
    }
    const n = textOrAction();
    if (n.kind === 'end' || n.kind === 'else') fail(`unexpected ${END_TEXT[n.kind]}`);
    root.push(n as Node);
  }
  return { text, root, defs };
}
