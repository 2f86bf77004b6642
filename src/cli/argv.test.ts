import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs, type OptionSpec } from './argv';

const specs: OptionSpec[] = [
  { name: 'interactive', short: 'i', type: 'bool', description: '' },
  { name: 'tty', short: 't', type: 'bool', description: '' },
  { name: 'rm', type: 'bool', description: '' },
  { name: 'name', type: 'string', description: '' },
  { name: 'env', short: 'e', type: 'list', description: '' },
  { name: 'workdir', short: 'w', type: 'string', description: '' },
];
const run = (argv: string[]) => parseArgs(argv, specs, { stopAtPositional: true, command: 'run' });

test('combined short flags: -ti and -it', () => {
  for (const f of ['-ti', '-it']) {
    const a = run([f, 'busybox']);
    assert.equal(a.options.get('tty'), true);
    assert.equal(a.options.get('interactive'), true);
    assert.deepEqual(a.positionals, ['busybox']);
  }
});

test('values: --name=x, --name x, -e A=1, -eA=1, -w/x, repeated lists keep order', () => {
  const a = run(['--name=x', '-e', 'A=1', '-eB=2', '--env', 'C=3', '-w/srv', 'img']);
  assert.equal(a.options.get('name'), 'x');
  assert.deepEqual(a.options.get('env'), ['A=1', 'B=2', 'C=3']);
  assert.equal(a.options.get('workdir'), '/srv');
  assert.equal(run(['--name', 'y', 'img']).options.get('name'), 'y');
  assert.equal(run(['-it', '-e', 'X', 'img']).options.get('interactive'), true);
});

test('options stop at the image: the rest is the command, flags included', () => {
  const a = run(['--rm', 'busybox', 'sh', '-c', 'echo --rm', '-ti']);
  assert.deepEqual(a.positionals, ['busybox', 'sh', '-c', 'echo --rm', '-ti']);
  assert.equal(a.options.get('tty'), undefined);
});

test('-- ends the options', () => {
  assert.deepEqual(run(['--rm', '--', '-notaflag', 'x']).positionals, ['-notaflag', 'x']);
});

test('bool flags take =true/=false', () => {
  assert.equal(run(['--rm=false', 'x']).options.get('rm'), false);
  assert.equal(run(['-t=true', 'x']).options.get('tty'), true);
  assert.throws(() => run(['--rm=maybe', 'x']), /invalid argument "maybe" for "--rm"/);
});

test('unknown flags and missing values are clear errors', () => {
  assert.throws(() => run(['--bogus', 'x']), /unknown flag: --bogus/);
  assert.throws(() => run(['-tZ', 'x']), /unknown flag: -Z in -tZ/);
  assert.throws(() => run(['--name']), /flag needs an argument: --name/);
  assert.throws(() => run(['-w']), /flag needs an argument: -w/);
});

test('without stopAtPositional, flags may follow positionals', () => {
  const a = parseArgs(['a', '--rm', 'b'], specs, { command: 'x' });
  assert.deepEqual(a.positionals, ['a', 'b']);
  assert.equal(a.options.get('rm'), true);
});
