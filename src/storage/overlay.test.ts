import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { overlayOptions } from './overlay';

const dirs = { lowerDirs: ['/l/a', '/l/b:c'], upper: '/c/upper', work: '/c/work', target: '/c/rootfs' };

test('overlayOptions: the topmost lower layer first, separators escaped', () => {
  assert.equal(overlayOptions(dirs), 'lowerdir=/l/b\\:c:/l/a,upperdir=/c/upper,workdir=/c/work');
});

test('overlayOptions: volatile (an --rm container) adds the option that skips syncing the upper dir', () => {
  assert.equal(overlayOptions({ ...dirs, volatile: true }), 'lowerdir=/l/b\\:c:/l/a,upperdir=/c/upper,workdir=/c/work,volatile');
});
