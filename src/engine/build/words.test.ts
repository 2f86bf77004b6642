import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expandWord, keyValues, splitWords } from './words';

const vars: Record<string, string> = { A: 'one', B: 'two words', E: '' };
const lookup = (n: string) => vars[n];

test('words: quotes removed, $VAR and ${VAR} expanded, single quotes literal, escapes', () => {
  assert.deepEqual(splitWords('$A "${B}" \'$A\' \\$A x${E:-dflt} ${A:+set}', lookup), ['one', 'two words', '$A', '$A', 'xdflt', 'set']);
  assert.deepEqual(splitWords('/app/$MISSING/x', lookup), ['/app//x']);
  assert.equal(expandWord('  a $A  b', lookup), '  a one  b');
});

test('ENV/LABEL forms: K=V pairs with quotes, and the legacy "K rest of line"', () => {
  assert.deepEqual(keyValues('X=1 Y="a b" Z=$A', lookup), [['X', '1'], ['Y', 'a b'], ['Z', 'one']]);
  assert.deepEqual(keyValues('MSG hello   $A world', lookup), [['MSG', 'hello   one world']]);
  assert.throws(() => keyValues('=x', lookup), /can not be blank/);
});
