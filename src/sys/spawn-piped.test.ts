import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWaitStatus, runPiped } from './spawn-piped';

describe('runPiped', () => {
  it('passes stdin, argv and exactly the environment given; returns stdout, stderr and the exit code', async () => {
    const r = await runPiped('/bin/sh', ['sh', '-c', 'cat; echo "$FOO ${HOME:-nohome} $0" >&2; exit 7', 'zero'], { FOO: 'bar', SKIP: undefined }, 'in put', 10_000);
    assert.equal(r.stdout.toString(), 'in put');
    assert.equal(r.stderr.toString(), 'bar nohome zero\n');
    assert.equal(r.code, 7);
    assert.equal(r.signal, null);
  });

  it('kills a helper that runs past its time, and reports the signal', async () => {
    const r = await runPiped('/bin/sleep', ['sleep', '30'], {}, '', 200);
    assert.equal(r.code, null);
    assert.equal(r.signal, 'SIGKILL');
  });

  it('a helper that never reads its input, and one that keeps running after closing its output', async () => {
    const big = 'x'.repeat(1 << 20);
    assert.equal((await runPiped('/bin/true', ['true'], {}, big, 10_000)).code, 0);
    const r = await runPiped('/bin/sh', ['sh', '-c', 'exec >&- 2>&-; sleep 0.3; exit 4'], {}, '', 10_000);
    assert.equal(r.code, 4);
  });

  it('rejects a program that does not exist', async () => {
    await assert.rejects(runPiped('/nonexistent', ['x'], {}, '', 1000), /No such file/);
  });

  it('decodes wait statuses', () => {
    assert.deepEqual(decodeWaitStatus(0), { code: 0, signal: null });
    assert.deepEqual(decodeWaitStatus(3 << 8), { code: 3, signal: null });
    assert.deepEqual(decodeWaitStatus(9), { code: null, signal: 'SIGKILL' });
  });
});
