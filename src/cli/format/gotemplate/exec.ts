// The evaluator of a parsed Go template over JSON-like data, following text/template's exec.go:
// pipelines pass their value as the last argument of the next command, variables live until the
// {{end}} of the structure that declared them, range walks slices, maps (keys sorted) and ints,
// and errors say where: `template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"`.
import type { ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, PipeNode, TemplateNode, VariableNode } from './ast';
import { nodeString } from './ast';
import { formatV } from './fmt';
import type { FuncMap, GoFunc, ParamType } from './funcs';
import { lineOf, TemplateError, type Tree } from './parse';
import { kindOf, sortedKeys, truth, typeName, type Obj } from './values';

export interface ExecOptions {
  funcs: FuncMap;
  /** For table headers: a field chain (".Names") evaluates to its column title instead of a value. */
  headerOf?: (field: string) => string;
}

/** "No value passed along the pipeline", distinct from a missing (undefined) value. */
const MISSING = Symbol('missing');
type Final = unknown;

const MAX_DEPTH = 1000;

class Break {}
class Continue {}

/** Runs the template; what was written before an error stays in `out` for callers that want it. */
export function execute(tree: Tree, data: unknown, opts: ExecOptions, out: string[] = []): string {
  new State(tree, opts, data, out).walkList(data, tree.root);
  return out.join('');
}

type At = Node | ArgNode | CommandNode;

class State {
  private vars: { name: string; value: unknown }[];
  private node: At | undefined;
  private name = '';
  private depth = 0;

  constructor(private readonly tree: Tree, private readonly opts: ExecOptions, data: unknown, private readonly out: string[]) {
    this.vars = [{ name: '$', value: data }];
  }

  private fail(msg: string): never {
    const n = this.node;
    if (!n) throw new TemplateError(`template: ${this.name}: ${msg}`);
    const before = this.tree.text.slice(0, n.pos);
    const col = n.pos - (before.lastIndexOf('\n') + 1);
    let context = nodeString(n);
    if (context.length > 20) context = `${context.slice(0, 20)}...`;
    throw new TemplateError(`template: :${lineOf(this.tree.text, n.pos)}:${col}: executing ${JSON.stringify(this.name)} at <${context}>: ${msg}`);
  }

  walkList(dot: unknown, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: unknown, n: Node): void {
    switch (n.kind) {
      case 'text':
        this.out.push(n.text);
        return;
      case 'action': {
        // declarations print nothing; their variables live until the enclosing {{end}}
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.print(n, v);
        return;
      }
      case 'if':
      case 'with': return this.walkIfOrWith(dot, n);
      case 'range': return this.walkRange(dot, n);
      case 'template': return this.walkTemplate(dot, n);
      case 'break': throw new Break();
      case 'continue': throw new Continue();
    }
  }

  private print(n: Node, v: unknown): void {
    this.node = n;
    if (typeof v === 'function') this.fail(`can't print ${nodeString(n)} of type func`);
    this.out.push(v === undefined ? '<no value>' : formatV(v));
  }

  private walkIfOrWith(dot: unknown, n: BranchNode): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, n.pipe);
    if (truth(v)) this.walkList(n.kind === 'with' ? v : dot, n.list);
    else if (n.elseList) this.walkList(dot, n.elseList);
    this.vars.length = mark;
  }

  private walkRange(dot: unknown, n: BranchNode): void {
    this.node = n;
    const outer = this.vars.length;
    const val = this.evalPipeline(dot, n.pipe);
    const mark = this.vars.length;
    const decl = n.pipe.decl;
    const one = (index: unknown, elem: unknown): void => {
      if (n.pipe.isAssign) {
        if (decl.length > 1) {
          this.setVar(decl[0].ident[0], index);
          this.setVar(decl[1].ident[0], elem);
        } else if (decl.length === 1) this.setVar(decl[0].ident[0], elem);
      } else {
        if (decl.length > 0) this.vars[this.vars.length - 1].value = elem;
        if (decl.length > 1) this.vars[this.vars.length - 2].value = index;
      }
      try {
        this.walkList(elem, n.list);
      } catch (err) {
        if (!(err instanceof Continue)) throw err;
      } finally {
        this.vars.length = mark;
      }
    };
    let ran = false;
    try {
      switch (kindOf(val)) {
        case 'slice':
          (val as unknown[]).forEach((e, i) => {
            ran = true;
            one(i, e);
          });
          break;
        case 'map':
        case 'struct': {
          const o = val as Obj;
          for (const k of sortedKeys(o)) {
            ran = true;
            one(k, o[k]);
          }
          break;
        }
        case 'int':
          if (decl.length > 1) this.fail(`can't use ${formatV(val)} to iterate over more than one variable`);
          for (let i = 0; i < Number(val); i++) {
            ran = true;
            one(i, i);
          }
          break;
        case 'invalid':
        case 'nil':
          break;
        default:
          this.fail(`range can't iterate over ${formatV(val)}`);
      }
    } catch (err) {
      if (!(err instanceof Break)) throw err;
      ran = true;
    }
    if (!ran && n.elseList) this.walkList(dot, n.elseList);
    this.vars.length = outer;
  }

  private walkTemplate(dot: unknown, n: TemplateNode): void {
    this.node = n;
    const body = this.tree.defs.get(n.name);
    if (!body) this.fail(`template ${JSON.stringify(n.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = n.pipe ? this.evalPipeline(dot, n.pipe) : undefined;
    // no dynamic scoping: the template sees only $ (its dot)
    const saved = { vars: this.vars, name: this.name };
    this.vars = [{ name: '$', value: newDot }];
    this.name = n.name;
    this.depth++;
    try {
      this.walkList(newDot, body);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.name = saved.name;
    }
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    return this.fail(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd.args, final);
      case 'variable': return this.evalVariableNode(dot, first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      default:
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
      case 'number':
      case 'string': return first.value;
      case 'dot': return dot;
      case 'nil': return this.fail('nil is not a command');
    }
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[], final: Final): unknown {
    this.node = field;
    if (this.opts.headerOf) return this.opts.headerOf(`.${field.ident.join('.')}`);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: ArgNode[], final: Final): unknown {
    this.node = chain;
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, 'any', chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: ArgNode[], final: Final): unknown {
    this.node = v;
    if (this.opts.headerOf && v.ident[0] === '$' && v.ident.length > 1) return this.opts.headerOf(`.${v.ident.slice(1).join('.')}`);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: At, ident: string[], args: ArgNode[], final: Final): unknown {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = this.evalField(dot, ident[i], node, [], MISSING, r);
    return this.evalField(dot, ident[ident.length - 1], node, args, final, r);
  }

  private evalField(dot: unknown, name: string, node: At, args: ArgNode[], final: Final, receiver: unknown): unknown {
    const hasArgs = args.length > 1 || final !== MISSING;
    const k = kindOf(receiver);
    // null is most often a nil map or slice in docker's typed objects (Labels, Env): no value, not an error
    if (k === 'invalid' || k === 'nil') return undefined;
    if (k !== 'map' && k !== 'struct') this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
    const o = receiver as Obj;
    const found = Object.prototype.hasOwnProperty.call(o, name);
    const value = found ? o[name] : undefined;
    // a function in the data is a method: called with the command's arguments
    if (typeof value === 'function') return this.evalCall(dot, { params: ['any'], variadic: true, fn: value.bind(o) }, node, name, args, final);
    if (hasArgs) this.fail(k === 'struct' ? `${name} has arguments but cannot be invoked as function` : `${name} is not a method but has arguments`);
    if (!found && k === 'struct') this.fail(`map has no entry for key ${JSON.stringify(name)}`);
    return value;
  }

  private evalFunction(dot: unknown, node: IdentifierNode, args: ArgNode[], final: Final): unknown {
    this.node = node;
    const fn = this.opts.funcs[node.name];
    if (!fn) return this.fail(`${JSON.stringify(node.name)} is not a defined function`);
    return this.evalCall(dot, fn, node, node.name, args, final);
  }

  /** args[0] is the function's own node, the rest its arguments; `final` comes from the pipeline. */
  private evalCall(dot: unknown, fn: GoFunc, node: At, name: string, args: ArgNode[], final: Final): unknown {
    const given = args.slice(1);
    const numIn = given.length + (final === MISSING ? 0 : 1);
    const fixed = fn.variadic ? fn.params.length - 1 : fn.params.length;
    if (fn.variadic ? numIn < fixed : numIn !== fixed) {
      this.fail(`wrong number of args for ${name}: want ${fn.variadic ? 'at least ' : ''}${fixed} got ${fn.variadic ? given.length : numIn}`);
    }
    const typeAt = (i: number): ParamType => fn.params[Math.min(i, fn.params.length - 1)];
    let argv: unknown[];
    if (fn.lazy) {
      argv = given.map((a, i) => () => this.evalArg(dot, typeAt(i), a));
      if (final !== MISSING) argv.push(() => final);
    } else {
      argv = given.map((a, i) => this.evalArg(dot, typeAt(i), a));
      if (final !== MISSING) argv.push(this.validate(final, typeAt(given.length)));
    }
    try {
      return fn.fn(...argv);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      this.node = node;
      return this.fail(`error calling ${name}: ${(err as Error).message}`);
    }
  }

  private evalArg(dot: unknown, type: ParamType, n: ArgNode): unknown {
    this.node = n;
    switch (n.kind) {
      case 'dot': return this.validate(dot, type);
      case 'nil': return type === 'any' || type === 'strings' ? null : this.fail(`cannot assign nil to ${type}`);
      case 'field': return this.validate(this.evalFieldNode(dot, n, [n], MISSING), type);
      case 'variable': return this.validate(this.evalVariableNode(dot, n, [n], MISSING), type);
      case 'pipe': return this.validate(this.evalPipeline(dot, n), type);
      case 'identifier': return this.validate(this.evalFunction(dot, n, [n], MISSING), type);
      case 'chain': return this.validate(this.evalChainNode(dot, n, [n], MISSING), type);
      default:
    }
    if (type === 'any') return n.value;
    if (type === 'string' && n.kind === 'string') return n.value;
    if (type === 'int' && n.kind === 'number' && Number.isInteger(n.value)) return n.value;
    if (type === 'strings') return this.fail(`can't handle ${nodeString(n)} for arg of type []string`);
    return this.fail(`expected ${type === 'int' ? 'integer' : type}; found ${nodeString(n)}`);
  }

  /** Go's validateType: a computed value must fit the parameter. */
  private validate(v: unknown, type: ParamType): unknown {
    const want = type === 'strings' ? '[]string' : type;
    switch (type) {
      case 'any': return v;
      case 'strings':
        if (v === undefined || v === null) return [];
        if (Array.isArray(v)) return v.map((e) => (typeof e === 'string' ? e : formatV(e)));
        break;
      case 'string':
        if (typeof v === 'string') return v;
        break;
      case 'int':
        if (kindOf(v) === 'int') return Number(v);
        break;
    }
    return this.fail(v === undefined ? `invalid value; expected ${want}` : `wrong type for value; expected ${want}; got ${typeName(v)}`);
  }
}
