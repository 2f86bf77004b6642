// --format as docker's Go templates, end to end on a real container: range/if/json over inspect,
// table headers in ps, and docker's one-line "template parsing error" (exit 125).
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useSandbox, type Result } from '../helpers/sandbox';

const sb = useSandbox('format', (s) => {
  s.ok(['run', '-d', '--name', 'fmt1', '--network', 'bridge', '--label', 'tier=front', '--label', 'app=web', '-e', 'A=1', 'busybox', 'sleep', '300']);
  s.ok(['create', '--name', 'fmt2', 'busybox', 'true']);
});

const out = (args: string[]): string => sb.ok(args).stdout;

describe('--format over real containers', () => {
  // the sandbox's leftover check runs before its cleanup: the containers go when this suite ends
  after(() => {
    sb.ok(['rm', '-f', 'fmt1', 'fmt2']);
  });

  function oneLineError(r: Result, re: RegExp): void {
    assert.equal(r.code, 125, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, re);
  }

  test('range over the networks map prints the address the container really has', () => {
    const ip = out(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'fmt1']).trim();
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    const inside = out(['exec', 'fmt1', 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
    assert.match(inside, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
    assert.equal(out(['inspect', '-f', '{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}}{{end}}', 'fmt1']).trim(), `bridge=${ip}`);
  });

  test('json, range over a map in key order, index, join and Go printing of slices and maps', () => {
    assert.equal(out(['inspect', '-f', '{{json .Config.Labels}}', 'fmt1']), '{"app":"web","tier":"front"}\n');
    assert.equal(out(['inspect', '-f', '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', 'fmt1']), 'app=web;tier=front;\n');
    assert.equal(out(['inspect', '-f', '{{index .Config.Labels "tier"}}|{{index .Config.Labels "none"}}|{{.Config.Labels.none}}', 'fmt1']), 'front||<no value>\n');
    assert.equal(out(['inspect', '-f', '{{join .Config.Cmd " "}} {{.Config.Cmd}} {{.Config.Labels}}', 'fmt1']), 'sleep 300 [sleep 300] map[app:web tier:front]\n');
    assert.match(out(['inspect', '-f', '{{.Config.Env}}', 'fmt1']), /^\[(\S+ )*A=1( \S+)*\]\n$/);
    assert.equal(out(['inspect', '-f', '{{printf "%-6s|%5.1f|%q" .State.Status 2.25 .Name}}', 'fmt1']), 'running|  2.2|"/fmt1"\n');
  });

  test('if/else on eq, with, and a pipeline', () => {
    const tpl = '{{if eq .State.Status "running"}}up{{else}}down{{end}}';
    assert.equal(out(['inspect', '-f', tpl, 'fmt1', 'fmt2']), 'up\ndown\n');
    assert.equal(out(['inspect', '-f', '{{with .State}}{{.Running}} {{gt .Pid 0}}{{end}} {{.Name | upper}}', 'fmt1']), 'true true /FMT1\n');
  });

  test('ps: a table format prints the header from the field names and aligned rows', () => {
    const lines = out(['ps', '--filter', 'name=fmt1', '--format', 'table {{.Names}}\t{{.Status}}']).split('\n');
    assert.match(lines[0], /^NAMES {3,}STATUS$/);
    assert.match(lines[1], /^fmt1 {3,}Up /);
    assert.equal(lines[0].indexOf('STATUS'), lines[1].indexOf('Up'));
    assert.equal(lines.length, 3);
    const all = out(['ps', '-a', '--filter', 'name=fmt', '--format', 'table {{upper .Names}}\\t{{.State}}']).split('\n');
    assert.match(all[0], /^NAMES {3,}STATE$/);
    assert.deepEqual(all.slice(1, -1).map((l) => l.split(/\s+/)).sort(), [['FMT1', 'running'], ['FMT2', 'created']]);
    assert.equal(out(['ps', '-a', '--filter', 'name=fmt2', '--format', '{{if eq .State "created"}}{{.Names}} never ran{{end}}']), 'fmt2 never ran\n');
  });

  test('template errors: one line, docker\'s words, exit 125, nothing printed', () => {
    oneLineError(sb.run(['inspect', '-f', '{{.Name', 'fmt1']), /template parsing error: template: :1: unclosed action/);
    oneLineError(sb.run(['inspect', '-f', '{{range .Mounts}}', 'fmt1']), /template parsing error: template: :1: unexpected EOF/);
    oneLineError(sb.run(['inspect', '-f', '{{nope .Name}}', 'fmt1']), /function "nope" not defined/);
    oneLineError(sb.run(['inspect', '-f', '{{.Nope}}', 'fmt1']), /^mydocker [a-z ]+: template: :1:2: executing "" at <\.Nope>: map has no entry for key "Nope"/);
    oneLineError(sb.run(['ps', '--format', '{{.Names}', '-a']), /template parsing error: template: :1: bad character U\+007D '\}'/);
  });
});
