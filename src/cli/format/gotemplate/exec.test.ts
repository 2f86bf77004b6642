import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { executeTemplate, parseTemplate, TemplateError } from './index';

const data = {
  Id: 'abc123',
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 42, ExitCode: 0, Health: null },
  Config: { Env: ['A=1', 'B=2'], Labels: { 'com.example.b': 'two', 'com.example.a': 'one' }, Cmd: ['sh', '-c', 'x'], Tty: false },
  NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' }, alpha: { IPAddress: '10.0.0.2' } } },
  Empty: { Labels: {}, List: [], Str: '', Zero: 0 },
  Mounts: [{ Source: '/a', Destination: '/x' }, { Source: '/b', Destination: '/y' }],
};

const render = (t: string, d: unknown = data): string => executeTemplate(parseTemplate(t), d);

test('fields, variables, literals and printing', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['{{.Id}} {{.State.Status}} {{.State.Pid}} {{.State.Running}}', 'abc123 running 42 true'],
    ['{{.Config.Env}}', '[A=1 B=2]'],
    ['{{.Config.Labels}}', 'map[com.example.a:one com.example.b:two]'],
    ['{{.State}}', '{running true 42 0 <nil>}'],
    ['{{.Empty.Labels}} {{.Empty.List}}', 'map[] []'],
    ['{{.Config.Labels.missing}}', '<no value>'],
    ['{{.State.Health}}', '<nil>'],
    ['{{$.Id}} {{with .State}}{{$.Name}}:{{.Status}}{{end}}', 'abc123 /web:running'],
    ['{{$x := .State}}{{$x.Pid}}', '42'],
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
    ['{{"dq\\t"}}{{`raw\\t`}}{{\'a\'}} {{1.5}} {{0x10}} {{1e3}} {{true}}', 'dq\traw\\t97 1.5 16 1000 true'],
    ['{{(index .Mounts 1).Source}}', '/b'],
    ['{{.}}', '{abc123 /web {running true 42 0 <nil>} {[A=1 B=2] map[com.example.a:one com.example.b:two] [sh -c x] false} {map[alpha:{10.0.0.2} bridge:{172.17.0.2}]} {map[] []  0} [{/a /x} {/b /y}]}'],
    ['a {{- " b " -}} c', 'a b c'],
    ['a{{/* comment */}}b', 'ab'],
    ['{{.Id | printf "%s!"}} {{"x" | printf "%s-%s" "y"}}', 'abc123! y-x'],
    ['{{join .Config.Cmd " "}}', 'sh -c x'],
  ];
  for (const [t, want] of cases) assert.equal(render(t), want, t);
});

test('if, with, range and their else branches', () => {
  const cases: [string, string][] = [
    ['{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', '10.0.0.2 172.17.0.2 '],
    ['{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}};{{end}}', 'alpha=10.0.0.2;bridge=172.17.0.2;'],
    ['{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}', '0:A=1 1:B=2 '],
    ['{{range $e := .Config.Env}}{{$e}}{{end}}', 'A=1B=2'],
    ['{{range .Mounts}}{{.Source}}->{{.Destination}} {{end}}', '/a->/x /b->/y '],
    ['{{range .Empty.List}}x{{else}}none{{end}}', 'none'],
    ['{{range .Config.Labels.missing}}x{{else}}none{{end}}', 'none'],
    ['{{range .State.Health}}x{{else}}nil{{end}}', 'nil'],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{range $i, $e := .Config.Cmd}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}', 'shx'],
    ['{{range .Config.Cmd}}{{if eq . "-c"}}{{break}}{{end}}{{.}}{{end}}', 'sh'],
    ['{{$v := 0}}{{range .Config.Env}}{{$v = .}}{{end}}{{$v}}', 'B=2'],
    ['{{if eq .State.Status "running"}}up{{else}}down{{end}}', 'up'],
    ['{{if .State.ExitCode}}bad{{else if .State.Running}}run{{else}}other{{end}}', 'run'],
    ['{{if and .State.Running (gt .State.Pid 0)}}yes{{end}}', 'yes'],
    ['{{if or .Empty.Str .Empty.Zero .Empty.List .Empty.Labels}}t{{else}}all false{{end}}', 'all false'],
    ['{{if not .Config.Tty}}no tty{{end}}', 'no tty'],
    ['{{with .Config.Labels}}{{index . "com.example.a"}}{{end}}', 'one'],
    ['{{with .Empty.Str}}x{{else with .Id}}{{.}}{{end}}', 'abc123'],
    ['{{with .Config.Labels.none}}x{{else}}no label{{end}}', 'no label'],
    ['{{define "net"}}[{{.IPAddress}}]{{end}}{{range .NetworkSettings.Networks}}{{template "net" .}}{{end}}', '[10.0.0.2][172.17.0.2]'],
    ['{{block "b" .Name}}<{{.}}>{{end}}', '</web>'],
    ['{{template "x"}}{{define "x"}}{{.}}{{end}}', '<no value>'],
  ];
  for (const [t, want] of cases) assert.equal(render(t), want, t);
});

test('builtin and docker functions', () => {
  const cases: [string, string][] = [
    ['{{len .Config.Env}} {{len .Config.Labels}} {{len "héllo"}}', '2 2 6'],
    ['{{index .Config.Env 0}} {{index .Config.Labels "com.example.b"}} {{index .Mounts 0 "Source"}}', 'A=1 two /a'],
    ['[{{index .Config.Labels "none"}}] [{{index .Empty.Labels "none"}}]', '[] []'],
    ['{{slice .Config.Cmd 1}} {{slice .Config.Cmd 1 2}} {{slice "abcdef" 2 4}}', '[-c x] [-c] cd'],
    ['{{print "a" "b" 1 2 "c"}}|{{println 1 "x"}}|', 'ab1 2c|1 x\n|'],
    ['{{printf "%-6s|%5d|%x|%q|%v" "ab" 42 255 "hi" .Config.Env}}', 'ab    |   42|ff|"hi"|[A=1 B=2]'],
    ['{{eq 1 1}} {{eq "a" "b" "a"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', 'true true true true true true false'],
    ['{{eq .Config.Labels.none "x"}}', 'false'],
    ['{{and 1 0 2}} {{and 1 2}} {{or 0 "" "z"}} {{or 0 ""}} {{not 0}}', '0 2 z  true'],
    ['{{html "<a href=\'x\'>&</a>"}}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
    ['{{js "it\'s <b> \\"q\\" a=b"}}', 'it\\\'s \\u003Cb\\u003E \\"q\\" a\\u003Db'],
    ['{{urlquery "a b&c=d/é"}}', 'a+b%26c%3Dd%2F%C3%A9'],
    ['{{json .Config.Labels}}', '{"com.example.a":"one","com.example.b":"two"}'],
    ['{{json .State}}', '{"Status":"running","Running":true,"Pid":42,"ExitCode":0,"Health":null}'],
    ['{{json .Config.Env}} {{json .Config.Labels.none}} {{json "<&>"}}', '["A=1","B=2"] null "<&>"'],
    ['{{join .Config.Env ","}} {{split "a:b:c" ":"}} {{len (split "a:b" ":")}}', 'A=1,B=2 [a b c] 2'],
    ['{{upper .State.Status}} {{lower "MiXed"}} {{title "hello wide-world"}}', 'RUNNING mixed Hello Wide-World'],
    ['[{{pad "x" 2 1}}][{{pad "" 2 1}}] {{truncate "abcdef" 3}} {{truncate "ab" 3}}', '[  x ][] abc ab'],
    ['{{truncate .Id 3 | upper}}', 'ABC'],
  ];
  for (const [t, want] of cases) assert.equal(render(t), want, t);
});

test('execution errors name the place, as Go does', () => {
  const cases: [string, string][] = [
    ['{{.Foo}}', 'template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"'],
    ['x\n {{.State.Nope}}', 'template: :2:9: executing "" at <.State.Nope>: map has no entry for key "Nope"'],
    ['{{.Id.X}}', 'template: :1:5: executing "" at <.Id.X>: can\'t evaluate field X in type string'],
    ['{{.Id 1}}', 'template: :1:2: executing "" at <.Id>: Id has arguments but cannot be invoked as function'],
    ['{{index .Config.Env 5}}', 'template: :1:2: executing "" at <index>: error calling index: index out of range: 5'],
    ['{{index .Config.Env "a"}}', 'template: :1:2: executing "" at <index>: error calling index: cannot index slice/array with type string'],
    ['{{len 3}}', 'template: :1:2: executing "" at <len>: error calling len: len of type int'],
    ['{{len}}', 'template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 0'],
    ['{{index}}', 'template: :1:2: executing "" at <index>: wrong number of args for index: want at least 1 got 0'],
    ['{{lt 1 "a"}}', 'template: :1:2: executing "" at <lt>: error calling lt: incompatible types for comparison'],
    ['{{eq .Config.Env .Config.Env}}', 'template: :1:2: executing "" at <eq>: error calling eq: non-comparable types []interface {}, []interface {}'],
    ['{{upper 3}}', 'template: :1:8: executing "" at <3>: expected string; found 3'],
    ['{{upper .State.Pid}}', 'template: :1:14: executing "" at <.State.Pid>: wrong type for value; expected string; got int'],
    ['{{upper .Config.Labels.x}}', 'template: :1:15: executing "" at <.Config.Labels.x>: invalid value; expected string'],
    ['{{range .Id}}{{end}}', 'template: :1:8: executing "" at <.Id>: range can\'t iterate over abc123'],
    ['{{template "nope"}}', 'template: :1:2: executing "" at <{{template "nope"}}>: template "nope" not defined'],
    ['{{define "t"}}{{.Zip}}{{end}}{{template "t" .State}}', 'template: :1:16: executing "t" at <.Zip>: map has no entry for key "Zip"'],
    ['{{"a" 1}}', 'template: :1:2: executing "" at <"a">: can\'t give argument to non-function "a"'],
    ['{{nil}}', 'template: :1:2: executing "" at <nil>: nil is not a command'],
    ['{{printf "%s" .Config.Cmd | index .Config.Env}}', 'template: :1:28: executing "" at <index>: error calling index: cannot index slice/array with type string'],
    ['{{.State.Status.Nope.Deeper.Still}}', 'template: :1:8: executing "" at <.State.Status.Nope.D...>: can\'t evaluate field Nope in type string'],
    ['{{.Config.Cmd | join " "}}', 'template: :1:21: executing "" at <" ">: can\'t handle " " for arg of type []string'],
    ['{{.Id | truncate 3}}', 'template: :1:17: executing "" at <3>: expected string; found 3'],
  ];
  for (const [t, msg] of cases) {
    assert.throws(() => render(t), (err: unknown) => (err instanceof TemplateError && err.message === msg) || assert.fail(`${t}: got ${(err as Error).message}\n  want ${msg}`));
  }
});

test('a missing key inside a map gives <no value>, further fields too; so does a field of null (a nil map)', () => {
  assert.equal(render('{{.Config.Labels.a.b}}'), '<no value>');
  assert.equal(render('{{.State.Health.Status}} {{len .State.Health}}'), '<no value> 0');
});

test('header mode: fields become column titles, the pass-through functions leave them alone', () => {
  const tree = parseTemplate('{{.ID}}\t{{upper .Names}}\t{{json .Labels}}\t{{pad .Size 1 1}}|{{$.ID}}');
  const out = executeTemplate(tree, {}, { headerOf: (f) => ({ '.ID': 'CONTAINER ID', '.Names': 'NAMES' } as Record<string, string>)[f] ?? f.slice(1).toUpperCase(), funcs: { ...require('./funcs').BUILTINS, ...require('./funcs').DOCKER_FUNCS, ...require('./funcs').HEADER_FUNCS } });
  assert.equal(out, 'CONTAINER ID\tNAMES\tLABELS\t SIZE |CONTAINER ID');
});

test('unescapeText turns typed \\t and \\n into tabs and newlines in the text only', () => {
  const tree = parseTemplate('{{.A}}\\t{{if true}}x\\n{{end}}{{printf "%s\\n" "q"}}', { unescapeText: true });
  assert.equal(executeTemplate(tree, { A: 1 }), '1\tx\nq\n');
});
