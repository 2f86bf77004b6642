import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatRows, renderTemplate } from './template';

const obj = { State: { Status: 'running', ExitCode: 0 }, Name: '/web', Labels: { app: 'x' }, Names: ['a', 'b'] };

test('fields, nested fields, json, index, join, pipes', () => {
  assert.equal(renderTemplate('{{.State.Status}} {{.State.ExitCode}}', obj), 'running 0');
  assert.equal(renderTemplate('{{json .State}}', obj), '{"Status":"running","ExitCode":0}');
  assert.equal(renderTemplate('{{index .Labels "app"}}', obj), 'x');
  assert.equal(renderTemplate('{{join .Names ","}}', obj), 'a,b');
  assert.equal(renderTemplate('{{.Name | upper}}', obj), '/WEB');
  assert.equal(renderTemplate('{{.Missing}}', obj), '<no value>');
  assert.throws(() => renderTemplate('{{nope .X}}', obj), /function "nope" not defined/);
});

test('table, plain template and json output', () => {
  const rows = [{ ID: 'abc', Names: 'web' }, { ID: 'def', Names: 'db' }];
  const headers = { '.ID': 'CONTAINER ID', '.Names': 'NAMES' };
  assert.equal(formatRows(rows, undefined, 'table {{.ID}}\t{{.Names}}', headers), 'CONTAINER ID   NAMES\nabc            web\ndef            db\n');
  assert.equal(formatRows(rows, '{{.ID}}:{{.Names}}', '', headers), 'abc:web\ndef:db\n');
  assert.equal(formatRows(rows, 'json', '', headers), '{"ID":"abc","Names":"web"}\n{"ID":"def","Names":"db"}\n');
  assert.equal(formatRows(rows, 'table {{.Names}}\\t{{.ID}}', '', headers), 'NAMES     CONTAINER ID\nweb       abc\ndb        def\n');
});
