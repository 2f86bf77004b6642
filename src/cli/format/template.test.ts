import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatRows, renderFormat, renderTemplate } from './template';
import { InvalidArgumentError } from '../../errors/errors';

const obj = { State: { Status: 'running', ExitCode: 0 }, Name: '/web', Labels: { app: 'x' }, Names: ['a', 'b'] };

test('fields, nested fields, json, index, join, pipes', () => {
  assert.equal(renderTemplate('{{.State.Status}} {{.State.ExitCode}}', obj), 'running 0');
  assert.equal(renderTemplate('{{json .State}}', obj), '{"Status":"running","ExitCode":0}');
  assert.equal(renderTemplate('{{index .Labels "app"}}', obj), 'x');
  assert.equal(renderTemplate('{{join .Names ","}}', obj), 'a,b');
  assert.equal(renderTemplate('{{.Name | upper}}', obj), '/WEB');
  // a missing map key prints <no value>; a missing field of a struct-like object is docker's error
  assert.equal(renderTemplate('{{.Labels.missing}}', obj), '<no value>');
  assert.throws(() => renderTemplate('{{.Missing}}', obj), /^InvalidArgumentError: template: :1:2: executing "" at <\.Missing>: map has no entry for key "Missing"$/);
  assert.throws(() => renderTemplate('{{nope .X}}', obj), /function "nope" not defined/);
});

test('template errors are one-line InvalidArgumentErrors (exit 125) prefixed as docker prints them', () => {
  for (const [t, msg] of [
    ['{{.Name', 'template parsing error: template: :1: unclosed action'],
    ['{{range .Names}}', 'template parsing error: template: :1: unexpected EOF'],
    ['{{index .Names 9}}', 'template: :1:2: executing "" at <index>: error calling index: index out of range: 9'],
  ]) {
    assert.throws(() => renderFormat(t, obj), (err: unknown) => err instanceof InvalidArgumentError && err.message === msg && !msg.includes('\n'));
  }
});

test('renderFormat: range, if/else, typed \\t and \\n', () => {
  const c = { NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } }, Config: { Env: ['A=1', 'B=2'] } };
  assert.equal(renderFormat('{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c), '172.17.0.2');
  assert.equal(renderFormat('{{range .Config.Env}}{{.}}\\n{{end}}', c), 'A=1\nB=2\n');
  assert.equal(renderFormat('{{printf "%s\\t%s" "a" "b"}}', c), 'a\tb');
  assert.equal(renderFormat('{{if eq (len .Config.Env) 2}}two{{else}}other{{end}}', c), 'two');
});

test('table, plain template and json output', () => {
  const rows = [{ ID: 'abc', Names: 'web' }, { ID: 'def', Names: 'db' }];
  const headers = { '.ID': 'CONTAINER ID', '.Names': 'NAMES' };
  assert.equal(formatRows(rows, undefined, 'table {{.ID}}\t{{.Names}}', headers), 'CONTAINER ID   NAMES\nabc            web\ndef            db\n');
  assert.equal(formatRows(rows, '{{.ID}}:{{.Names}}', '', headers), 'abc:web\ndef:db\n');
  assert.equal(formatRows(rows, 'json', '', headers), '{"ID":"abc","Names":"web"}\n{"ID":"def","Names":"db"}\n');
  assert.equal(formatRows(rows, 'table {{.Names}}\\t{{.ID}}', '', headers), 'NAMES     CONTAINER ID\nweb       abc\ndb        def\n');
});

test('table headers: titles go through the header functions, unknown fields are upper-cased', () => {
  const rows = [{ ID: 'abc', Names: 'web', Labels: { a: '1' } }];
  const headers = { '.ID': 'CONTAINER ID', '.Names': 'NAMES' };
  assert.equal(formatRows(rows, 'table {{upper .Names}}\\t{{json .Labels}}\\t{{truncate .ID 2 | printf "%s"}}', '', headers),
    'NAMES     LABELS      CONTAINER ID\nWEB       {"a":"1"}   ab\n');
  assert.equal(formatRows([], 'table {{.Names}}', '', headers), 'NAMES\n');
  assert.equal(formatRows(rows, 'table', 'table {{.ID}}', headers), 'CONTAINER ID\nabc\n');
  assert.equal(formatRows(rows, '', 'table {{.ID}}', headers), 'CONTAINER ID\nabc\n');
  assert.equal(formatRows(rows, '{{range $k, $v := .Labels}}{{$k}}={{$v}}{{end}}', '', headers), 'a=1\n');
});
