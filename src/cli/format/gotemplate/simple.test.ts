import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { executeTemplate, parseTemplate } from './index';
import { compileSimple, runSimple } from './simple';

const data = {
  ID: 'abc', Names: 'web', Size: 0, Up: true, Env: ['A=1'], Labels: { b: '2', a: '1' }, Nil: null,
  State: { Status: 'running', Pid: 7 }, Method: () => 'called',
};

test('plain field templates give what the engine gives, or step aside', () => {
  const cases: [string, boolean][] = [
    ['{{.ID}}\t{{.Names}}', true],
    ['x {{ .State.Status }} {{.State.Pid}} {{.Size}} {{.Up}} {{.Env}} {{.Labels}} {{.State}} y', true],
    ['{{.Labels.a}} {{.Labels.none}} {{.Labels.none.deeper}} {{.Nil}} {{.Nil.x}}', true],
    ['no actions at all', true],
    ['{{.Missing}}', false], // the engine's error
    ['{{.ID.X}}', false],
    ['{{.Env.X}}', false],
    ['{{.Method}}', false],
    ['{{.State.Nope}}', false],
    ['{{json .Labels}}', false],
    ['{{- .ID}}', false],
    ['{{.ID -}} x', false],
    ['{{/* c */}}{{.ID}}', false],
    ['{{{.ID}}', false],
    ['{{.}}', false],
    ['{{$.ID}}', false],
  ];
  for (const [t, simple] of cases) {
    const s = compileSimple(t, false);
    const fast = s && runSimple(s, data);
    assert.equal(fast !== undefined, simple, t);
    if (fast !== undefined) assert.equal(fast, executeTemplate(parseTemplate(t), data), t);
  }
});

test('typed \\t and \\n are unescaped in the text; headers come from headerOf', () => {
  const s = compileSimple('{{.ID}}\\t{{.State.Status}}\\n', true);
  assert.ok(s);
  assert.equal(runSimple(s, data), 'abc\trunning\n');
  assert.equal(runSimple(s, {}, (f) => f.toUpperCase()), '.ID\t.STATE.STATUS\n');
});
