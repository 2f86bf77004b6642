// The suite's own helpers: what normalization takes out, and how a mismatch is shown.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { normalize } from './normalize';
import { describeMismatch, sideBySide } from './side-by-side';

test('ids, relative times and podman\'s localhost/ are normalized; numbers are not', () => {
  const id = 'e7b9bbda1879c93885562b83598fdeafab85830eafe48987d53b6ef0aaacc6cb';
  assert.equal(normalize(`${id}\nsha256:${id}\n${id.slice(0, 12)}\n`), '<id>\n<id>\n<id>\n');
  assert.equal(normalize('a Exited (4) Less than a second ago\nb Up 3 seconds\nc Exited (0) About a minute ago'),
    'a Exited (4) <time>\nb Up <time>\nc Exited (0) <time>');
  assert.equal(normalize('localhost/df-tagged:v1\nUntagged: localhost/x:1'), 'df-tagged:v1\nUntagged: x:1');
  assert.equal(normalize('67108864 107374182400'), '67108864 107374182400');
});

test('side by side marks the rows that differ, and a missing final newline', () => {
  const out = sideBySide('mine', 'h\nh', 'theirs', 'h\nh\n').split('\n');
  assert.match(out[2], /^  h\s+\| h$/);
  assert.match(out[4], /^! \(no newline at end\)\s+\| $/);
  assert.equal(out.length, 5);
});

test('a mismatch with long lines is shown whole, one side after the other', () => {
  const long = `mydocker run: ${'x'.repeat(100)}`;
  const msg = describeMismatch('run', 'exit code', { code: 125, stdout: '', stderr: `${long}\n` }, { code: 0, stdout: '', stderr: '' },
    { mine: 'exit 125', theirs: 'exit 0' });
  assert.ok(msg.includes(long), msg);
  assert.match(msg, /! exit 125\s+\| exit 0/);
});
