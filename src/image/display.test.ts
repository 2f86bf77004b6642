import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { ago, formatImageRows, humanDuration, humanSize, imageRows, renderTable, splitRepoTag } from './display';

describe('docker-style display', () => {
  it('formats sizes like docker', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(1240), '1.24kB');
    assert.equal(humanSize(4_261_000), '4.26MB');
    assert.equal(humanSize(77_800_000), '77.8MB');
    assert.equal(humanSize(1_000_000), '1MB');
    assert.equal(humanSize(999_999), '1e+03kB');
    assert.equal(humanSize(1.5e9), '1.5GB');
  });

  it('formats durations like docker', () => {
    const s = 1000;
    assert.equal(humanDuration(500), 'Less than a second');
    assert.equal(humanDuration(s), '1 second');
    assert.equal(humanDuration(45 * s), '45 seconds');
    assert.equal(humanDuration(90 * s), 'About a minute');
    assert.equal(humanDuration(120 * s), '2 minutes');
    assert.equal(humanDuration(3600 * s), 'About an hour');
    assert.equal(humanDuration(5 * 3600 * s), '5 hours');
    assert.equal(humanDuration(3 * 86400 * s), '3 days');
    assert.equal(humanDuration(20 * 86400 * s), '2 weeks');
    assert.equal(humanDuration(90 * 86400 * s), '3 months');
    assert.equal(humanDuration(800 * 86400 * s), '2 years');
    assert.equal(ago('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:02:00Z')), '2 minutes ago');
  });

  it('pads tables like tabwriter (min 10, padding 3, last column free)', () => {
    assert.equal(renderTable([['REPOSITORY', 'TAG', 'SIZE'], ['busybox', 'latest', '4.26MB']]), 'REPOSITORY   TAG       SIZE\nbusybox      latest    4.26MB\n');
  });

  it('lists one row per tag and <none> for untagged images', () => {
    const img = { id: 'sha256:' + 'ab'.repeat(32), repoTags: ['busybox:latest', 'localhost:5000/x:1'], manifestDigest: 'sha256:' + 'cd'.repeat(32), created: '2024-01-01T00:00:00Z', size: 4_261_000 };
    const rows = imageRows([img, { ...img, repoTags: [] }], { now: Date.parse('2024-01-01T00:02:00Z') });
    assert.deepEqual(rows.map((r) => [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size]), [
      ['busybox', 'latest', 'abababababab', '2 minutes ago', '4.26MB'],
      ['localhost:5000/x', '1', 'abababababab', '2 minutes ago', '4.26MB'],
      ['<none>', '<none>', 'abababababab', '2 minutes ago', '4.26MB'],
    ]);
    assert.equal(formatImageRows(rows.slice(0, 1), undefined), 'REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\nbusybox      latest    abababababab   2 minutes ago   4.26MB\n');
    assert.equal(formatImageRows(rows.slice(0, 1), '{{.Repository}}:{{.Tag}}\\t{{ .Size }}'), 'busybox:latest\t4.26MB\n');
    assert.equal(JSON.parse(formatImageRows(rows.slice(0, 1), 'json')).CreatedAt, '2024-01-01 00:00:00 +0000 UTC');
    assert.match(formatImageRows(rows.slice(0, 1), undefined, true), /^REPOSITORY +TAG +DIGEST +IMAGE ID/);
    assert.throws(() => formatImageRows(rows, '{{.Nope}}'), /can't evaluate field Nope/);
    assert.deepEqual(splitRepoTag('localhost:5000/x'), ['localhost:5000/x', '<none>']);
  });
});
