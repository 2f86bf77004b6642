import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { bar, createProgress } from './progress';

function sink(isTTY: boolean, columns?: number) {
  let out = '';
  const stream = { isTTY, columns, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  return { stream, text: () => out };
}

describe('progress', () => {
  it('prints plain status lines without a terminal, once per change, no byte counts', () => {
    const s = sink(false);
    const p = createProgress(s.stream);
    p.line('latest: Pulling from x');
    p.layer('aaa', 'Pulling fs layer');
    p.layer('aaa', 'Downloading', 10, 100);
    p.layer('aaa', 'Pull complete');
    p.layer('aaa', 'Pull complete');
    assert.equal(s.text(), 'latest: Pulling from x\naaa: Pulling fs layer\naaa: Pull complete\n');
  });
  it('redraws a layer line in place on a terminal', () => {
    const s = sink(true, 80);
    const p = createProgress(s.stream);
    p.layer('aaa', 'Pulling fs layer');
    p.layer('bbb', 'Pulling fs layer');
    p.layer('aaa', 'Pull complete');
    assert.equal(s.text(), 'aaa: Pulling fs layer\nbbb: Pulling fs layer\n\x1b[2A\r\x1b[2Kaaa: Pull complete\x1b[2B\r');
  });
  it('draws docker\'s bar only on wide terminals', () => {
    assert.equal(bar(50, 100), `[${'='.repeat(25)}>${' '.repeat(24)}]      50B/100B`);
    assert.equal(bar(100, 100, false), '    100B/100B');
  });
});
