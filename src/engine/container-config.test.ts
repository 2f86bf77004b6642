import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildContainerConfig, defaultRunOptions, mergeEnv, parseEnvFile, resolveCommand, resolveEnvEntry, validateRunOptions, type RunOptions } from './container-config';

const base: RunOptions = defaultRunOptions({ image: 'busybox' });

test('command: image Entrypoint + Cmd, run args replace Cmd, --entrypoint clears Cmd', () => {
  const image = { Entrypoint: ['/entry'], Cmd: ['default'] };
  assert.deepEqual(resolveCommand({ command: [] }, image).argv, ['/entry', 'default']);
  assert.deepEqual(resolveCommand({ command: ['a', 'b'] }, image).argv, ['/entry', 'a', 'b']);
  assert.deepEqual(resolveCommand({ command: [], entrypoint: 'sh' }, image).argv, ['sh']);
  assert.deepEqual(resolveCommand({ command: ['x'], entrypoint: '' }, image).argv, ['x']);
  assert.throws(() => resolveCommand({ command: [], entrypoint: '' }, image), /no command specified/);
  assert.throws(() => resolveCommand({ command: [] }, {}), /no command specified/);
});

test('env entries: KEY=VALUE as is, bare KEY from the caller or dropped, bad keys refused', () => {
  assert.equal(resolveEnvEntry('A=b=c', {}, '-e'), 'A=b=c');
  assert.equal(resolveEnvEntry('HOMEY', { HOMEY: 'x' }, '-e'), 'HOMEY=x');
  assert.equal(resolveEnvEntry('NOPE', {}, '-e'), undefined);
  assert.throws(() => resolveEnvEntry('=x', {}, '-e'), /invalid environment variable: =x/);
  assert.throws(() => resolveEnvEntry('A B=1', {}, '-e'), /contains whitespaces/);
});

test('env files: comments and blank lines skipped, CRLF tolerated', () => {
  assert.deepEqual(parseEnvFile('# c\r\nA=1\r\n\n  B=2\nC\n', { C: '3' }, 'f'), ['A=1', 'B=2', 'C=3']);
});

test('mergeEnv: later wins, first position kept', () => {
  assert.deepEqual(mergeEnv(['PATH=/a', 'X=1'], ['X=2', 'Y=1'], ['PATH=/b']), ['PATH=/b', 'X=2', 'Y=1']);
});

test('container config: defaults PATH, HOSTNAME, TERM with -t; image env and workdir; -w and -u win', () => {
  const { config, argv } = buildContainerConfig({ ...base, tty: true, command: ['sh'], env: [] },
    { ref: 'img', config: { Env: ['PATH=/custom', 'A=1'], WorkingDir: '/app', User: 'nobody' } }, 'host1', ['A=2']);
  assert.deepEqual(config.Env, ['PATH=/custom', 'HOSTNAME=host1', 'TERM=xterm', 'A=2']);
  assert.equal(config.WorkingDir, '/app');
  assert.equal(config.User, 'nobody');
  assert.deepEqual(argv, ['sh']);
  const c2 = buildContainerConfig({ ...base, command: ['x'], workdir: '/w', user: 'root' }, { ref: 'img', config: { WorkingDir: '/app', User: 'nobody' } }, 'h', []).config;
  assert.equal(c2.WorkingDir, '/w');
  assert.equal(c2.User, 'root');
});

test('validation before anything exists', () => {
  assert.throws(() => validateRunOptions({ ...base, name: 'a' }), /invalid container name/);
  assert.throws(() => validateRunOptions({ ...base, name: 'has space' }), /invalid container name/);
  validateRunOptions({ ...base, name: 'ok_name.1-x' });
  assert.throws(() => validateRunOptions({ ...base, workdir: 'rel' }), /needs to be an absolute path/);
  assert.throws(() => validateRunOptions({ ...base, hostname: 'bad_host' }), /invalid hostname/);
});
