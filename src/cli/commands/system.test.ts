import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { reclaimableText, renderSummary } from './system';

describe('system df words', () => {
  it('shows a percentage only when there is a size', () => {
    assert.equal(reclaimableText(0, 0), '0B');
    assert.equal(reclaimableText(1_980_000, 3_970_000), '1.98MB (49%)');
    assert.equal(reclaimableText(5000, 5000), '5kB (100%)');
  });

  it("renders docker's table", () => {
    const out = renderSummary([
      { type: 'Images', total: 2, active: 1, size: 4_260_000, reclaimable: 0 },
      { type: 'Containers', total: 0, active: 0, size: 0, reclaimable: 0 },
      { type: 'Local Volumes', total: 1, active: 0, size: 12, reclaimable: 12 },
      { type: 'Build Cache', total: 0, active: 0, size: 0, reclaimable: 0 },
    ]);
    assert.equal(out, [
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
      'Images          2         1         4.26MB    0B (0%)',
      'Containers      0         0         0B        0B',
      'Local Volumes   1         0         12B       12B (100%)',
      'Build Cache     0         0         0B        0B',
      '',
    ].join('\n'));
  });
});
