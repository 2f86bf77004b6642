// The parse tree of a Go template, shaped like text/template/parse's nodes. `pos` is the offset in
// the template text, used for "template: :1:2: executing ..." locations.

export interface FieldNode { kind: 'field'; pos: number; ident: string[] }
/** `$x.A.B`: ident[0] is the variable's name with its "$". */
export interface VariableNode { kind: 'variable'; pos: number; ident: string[] }
/** `(pipeline).A.B`. */
export interface ChainNode { kind: 'chain'; pos: number; node: ArgNode; field: string[] }
export interface IdentifierNode { kind: 'identifier'; pos: number; name: string }
export interface DotNode { kind: 'dot'; pos: number }
export interface NilNode { kind: 'nil'; pos: number }
export interface BoolNode { kind: 'bool'; pos: number; value: boolean }
export interface NumberNode { kind: 'number'; pos: number; value: number; text: string }
export interface StringNode { kind: 'string'; pos: number; value: string; quoted: string }
export interface PipeNode { kind: 'pipe'; pos: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }
export interface CommandNode { kind: 'command'; pos: number; args: ArgNode[] }

export type ArgNode =
  | FieldNode | VariableNode | ChainNode | IdentifierNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | PipeNode;

export interface TextNode { kind: 'text'; pos: number; text: string }
export interface ActionNode { kind: 'action'; pos: number; pipe: PipeNode }
export interface BranchNode { kind: 'if' | 'range' | 'with'; pos: number; pipe: PipeNode; list: Node[]; elseList?: Node[] }
export interface TemplateNode { kind: 'template'; pos: number; name: string; pipe?: PipeNode }
export interface BreakNode { kind: 'break' | 'continue'; pos: number }

export type Node = TextNode | ActionNode | BranchNode | TemplateNode | BreakNode;

/** The text a node was parsed from, near enough for error messages (Go's Node.String()). */
export function nodeString(n: ArgNode | CommandNode | Node): string {
  switch (n.kind) {
    case 'field': return `.${n.ident.join('.')}`;
    case 'variable': return n.ident.join('.');
    case 'chain': return `${n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)}.${n.field.join('.')}`;
    case 'identifier': return n.name;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'pipe': {
      const decl = n.decl.length ? `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} ` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command': return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      const body = n.list.map(nodeString).join('');
      const rest = n.elseList ? `{{else}}${n.elseList.map(nodeString).join('')}` : '';
      return `{{${n.kind} ${nodeString(n.pipe)}}}${body}${rest}{{end}}`;
    }
    case 'template': return `{{template ${JSON.stringify(n.name)}${n.pipe ? ` ${nodeString(n.pipe)}` : ''}}}`;
    case 'break':
    case 'continue': return `{{${n.kind}}}`;
  }
}
