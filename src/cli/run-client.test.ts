import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from './argv';
import { RUN_OPTIONS } from './run-options';
import { attachedStreams, checkPlatform, hostPlatform, normalizePlatform, parseLabelFile, runClientOptions } from './run-client';

const parse = (argv: string[]) => parseArgs(argv, RUN_OPTIONS, { command: 'run', stopAtPositional: true });

describe('parseLabelFile', () => {
  test("docker's format: comments and blank lines skipped, leading blanks trimmed, KEY alone kept", () => {
    assert.deepEqual(parseLabelFile('# c\n\n  a=1\nb\r\nc=x=y\n\t# indented comment\n', 'f'), ['a=1', 'b', 'c=x=y']);
  });
  test('a key with whitespace is refused, naming the file', () => {
    assert.throws(() => parseLabelFile('bad key=1\n', 'labels.txt'), (e: Error & { hint?: string }) => /variable 'bad key' contains whitespaces/.test(e.message));
  });
  test('invalid UTF-8 names the line', () => {
    assert.throws(() => parseLabelFile(Buffer.from([0x61, 0x3d, 0x0a, 0x62, 0x3d, 0xff, 0x0a]).toString('utf8'), 'f'), /invalid utf8 bytes at line 2/);
  });
});

describe('runClientOptions', () => {
  test('defaults: sig-proxy on, no pull policy, no attach list', () => {
    const o = runClientOptions(parse(['busybox']));
    assert.equal(o.sigProxy, true);
    assert.equal(o.pull, undefined);
    assert.equal(o.attach, undefined);
    assert.equal(o.quiet, false);
  });
  test('--sig-proxy=false, -q, --pull never, -a in any case, --detach-keys parsed', () => {
    const o = runClientOptions(parse(['--sig-proxy=false', '-q', '--pull', 'never', '-a', 'STDERR', '--detach-keys', 'ctrl-a,x', 'busybox']));
    assert.equal(o.sigProxy, false);
    assert.equal(o.quiet, true);
    assert.equal(o.pull, 'never');
    assert.deepEqual(o.attach, ['stderr']);
    assert.deepEqual([...o.detachKeys!], [1, 0x78]);
  });
  test('refusals: a bad pull policy, an unknown stream, -a with -d', () => {
    assert.throws(() => runClientOptions(parse(['--pull', 'maybe', 'x'])), /invalid pull option: 'maybe'/);
    assert.throws(() => runClientOptions(parse(['-a', 'stdlog', 'x'])), /valid streams are STDIN, STDOUT and STDERR/);
    assert.throws(() => runClientOptions(parse(['-d', '-a', 'stdout', 'x'])), /cannot specify both --attach and --detach/);
  });
});

describe('attachedStreams', () => {
  test("docker's Attach* rules", () => {
    assert.deepEqual(attachedStreams(parse(['x'])), { stdin: false, stdout: true, stderr: true });
    assert.deepEqual(attachedStreams(parse(['-i', 'x'])), { stdin: true, stdout: true, stderr: true });
    assert.deepEqual(attachedStreams(parse(['-a', 'stderr', 'x'])), { stdin: false, stdout: false, stderr: true });
    assert.deepEqual(attachedStreams(parse(['-d', '-i', 'x'])), { stdin: false, stdout: false, stderr: false });
  });
});

describe('platform', () => {
  test('spellings normalized; only the host platform passes', () => {
    assert.equal(normalizePlatform('Linux/x86_64'), 'linux/amd64');
    assert.equal(normalizePlatform('linux/aarch64'), 'linux/arm64');
    assert.equal(normalizePlatform('linux'), hostPlatform());
    assert.equal(checkPlatform(hostPlatform()), hostPlatform());
    assert.throws(() => checkPlatform('linux/s390x'), /linux\/s390x does not match the host platform/);
    assert.throws(() => normalizePlatform('linux/amd64/v2/x'), /invalid platform/);
  });
});
