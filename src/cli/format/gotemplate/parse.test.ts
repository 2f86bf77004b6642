import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parse, TemplateError } from './parse';
import { nodeString } from './ast';

const known = new Set(['printf', 'len', 'index', 'eq', 'json']);
const p = (s: string) => parse(s, (n) => known.has(n));

test('the tree prints back as the template it came from', () => {
  const cases: [string, string][] = [
    ['{{.A.B}}', '{{.A.B}}'],
    ['{{$x := index .M "k" | printf "%s"}}{{$x}}', '{{$x := index .M "k" | printf "%s"}}{{$x}}'],
    ['{{(len .).X}}', '{{(len .).X}}'],
    ['{{if .A}}a{{else if .B}}b{{else}}c{{end}}', '{{if .A}}a{{else}}{{if .B}}b{{else}}c{{end}}{{end}}'],
    ['{{range $i, $v := .L}}{{$i}}{{break}}{{end}}', '{{range $i, $v := .L}}{{$i}}{{break}}{{end}}'],
    ['{{with $.X}}{{.}}{{else with .Y}}y{{end}}', '{{with $.X}}{{.}}{{else}}{{with .Y}}y{{end}}{{end}}'],
    ['{{template "t" .}}', '{{template "t" .}}'],
  ];
  for (const [input, want] of cases) assert.equal(p(input).root.map(nodeString).join(''), want, input);
});

test('define and block make named templates', () => {
  const t = p('{{define "a"}}A{{.}}{{end}}x{{block "b" .}}B{{end}}');
  assert.deepEqual([...t.defs.keys()], ['a', 'b']);
  assert.equal(t.root.map(nodeString).join(''), 'x{{template "b" .}}');
});

test('parse errors read like Go, with the line', () => {
  const cases: [string, string][] = [
    ['{{.X', 'template: :1: unclosed action'],
    ['{{nope .X}}', 'template: :1: function "nope" not defined'],
    ['{{$y}}', 'template: :1: undefined variable "$y"'],
    ['{{$y = 1}}', 'template: :1: undefined variable "$y"'],
    ['{{if .X}}{{$v := 1}}{{end}}{{$v}}', 'template: :1: undefined variable "$v"'],
    ['{{end}}', 'template: :1: unexpected {{end}}'],
    ['{{else}}', 'template: :1: unexpected {{else}}'],
    ['{{if .X}}', 'template: :1: unexpected EOF'],
    ['a\nb\n{{range .X}}', 'template: :3: unexpected EOF'],
    ['{{if}}{{end}}', 'template: :1: missing value for if'],
    ['{{}}', 'template: :1: missing value for command'],
    ['{{|}}', 'template: :1: unexpected "|" in command'],
    ['{{(.X}}', 'template: :1: unclosed left paren'],
    ['{{.X "a"b}}', 'template: :1: unexpected "b" in operand'],
    ['{{.X | "a"}}', 'template: :1: non executable command in pipeline stage 2'],
    ['{{break}}', 'template: :1: {{break}} outside {{range}}'],
    ['{{range .X}}{{define "a"}}{{end}}{{end}}', 'template: :1: unexpected <define> in command'],
    ['{{range .X}}{{else}}{{else}}{{end}}', 'template: :1: expected end; found {{else}}'],
    ['{{"a".X}}', 'template: :1: unexpected . after term "\\"a\\""'],
    ['{{3.X}}', 'template: :1: bad number syntax: "3.X"'],
    ['{{1_}}', 'template: :1: illegal number syntax: "1_"'],
    ['{{"\\q"}}', 'template: :1: invalid syntax'],
    ['{{template .X}}', 'template: :1: unexpected ".X" in template clause'],
    ['{{range $a, $b, $c := .}}{{end}}', 'template: :1: too many declarations in range'],
    ['{{$a, $b := .}}', 'template: :1: too many declarations in command'],
    ['{{.X .Y}', "template: :1: bad character U+007D '}'"],
    ['{{.X (.Y}}', 'template: :1: unclosed left paren'],
    ['{{with .X}}{{else if .Y}}{{end}}', 'template: :1: unexpected <if> in input'],
    ['{{define "a"}}1{{end}}{{define "a"}}2{{end}}', 'template: :1: template: multiple definition of template "a"'],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => p(input), (err: unknown) => err instanceof TemplateError && err.message === msg ? true : assert.fail(`${input}: got ${(err as Error).message}, want ${msg}`));
  }
});
