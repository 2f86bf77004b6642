// -t and -i on a real pseudo-terminal, driven like a user (test/helpers/pty-run.py),
// including the book's two commands exactly as it types them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useSandbox } from '../helpers/sandbox';

const sb = useSandbox('tty');

test('the seed: `mydocker run -ti /bin/sh` gives a shell that is PID 1, and ps -ef shows nothing of the host', () => {
  const r = sb.runPty(['run', '-ti', '/bin/sh'], [
    { expect: '# ' },
    { send: 'ps -ef\r' },
    { expect: 'ps -ef\\r?\\n(.|\\r|\\n)*# ' },
    { send: 'exit\r' },
  ]);
  assert.equal(r.code, 0, r.stdout);
  const rows = r.stdout.split(/\r?\n/).filter((l) => /^\s*\d+\s+\S+\s/.test(l));
  assert.equal(rows.length, 2, `expected exactly sh and ps:\n${r.stdout}`);
  assert.match(rows[0], /^\s*1\s+root\s.*\/bin\/sh\s*$/);
  assert.match(rows[1], /\bps\b/); // busybox shows its forked applet as "{ps} /bin/sh"
});

test('the seed: `mydocker run -ti /bin/ls` lists the container root and exits', () => {
  const r = sb.runPty(['run', '-ti', '/bin/ls'], []);
  assert.equal(r.code, 0, r.stdout);
  for (const d of ['bin', 'dev', 'etc', 'proc', 'sys', 'tmp']) assert.match(r.stdout, new RegExp(`\\b${d}\\b`));
  assert.doesNotMatch(r.stdout, /node_modules|package\.json/, 'the host directory leaked in');
});

test('-t gives a terminal with the caller window size, and follows resizes (SIGWINCH)', () => {
  const r = sb.runPty(['run', '--rm', '-ti', 'busybox', 'sh', '-c', 'tty; stty size; trap "stty size; exit 0" WINCH; echo waiting; while true; do sleep 0.05; done'],
    [{ expect: 'waiting' }, { resize: [40, 132] }, { expect: '40 132' }], { rows: 30, cols: 100 });
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /\/dev\/pts\/0/);
  assert.match(r.stdout, /30 100/);
  assert.match(r.stdout, /40 132/);
});

test('-t without -i: output through the terminal, stdin not read', () => {
  const r = sb.runPty(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'test -t 1 && echo is-a-tty'], []);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /is-a-tty/);
});

test('ctrl-C on -ti goes to the container as a terminal interrupt', () => {
  const r = sb.runPty(['run', '--rm', '-ti', 'busybox', 'sh', '-c', 'trap "echo interrupted; exit 3" INT; echo waiting; while true; do sleep 0.05; done'],
    [{ expect: 'waiting' }, { send: '\x03' }, { expect: 'interrupted' }]);
  assert.equal(r.code, 3, r.stdout);
});

test('the exit code of an interactive shell passes through', () => {
  const r = sb.runPty(['run', '--rm', '-it', 'busybox', 'sh'], [{ expect: '# ' }, { send: 'exit 5\r' }]);
  assert.equal(r.code, 5, r.stdout);
});

test('-it with a pipe on stdin is refused: the input device is not a TTY', () => {
  const r = sb.run(['run', '--rm', '-it', 'busybox', 'true'], { input: '' });
  assert.equal(r.code, 125);
  assert.match(r.stderr, /the input device is not a TTY/);
});
