import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { matchesAll, matchesLabel, parseFilters } from './filters';

const labels = { 'com.docker.compose.project': 'app', 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'False' };
const match = (filters: string[]) => matchesAll(parseFilters(filters, ['label', 'name']), (k, v) => (k === 'label' ? matchesLabel(labels, v) : v === 'web'));

test('label=KEY is presence, label=KEY=VALUE equality', () => {
  assert.equal(matchesLabel(labels, 'com.docker.compose.project'), true);
  assert.equal(matchesLabel(labels, 'com.docker.compose.project=app'), true);
  assert.equal(matchesLabel(labels, 'com.docker.compose.project=other'), false);
  assert.equal(matchesLabel(labels, 'missing'), false);
});

test('every label filter must match (docker-compose lists one service with three), other repeated keys are OR\'ed', () => {
  assert.equal(match(['label=com.docker.compose.project=app', 'label=com.docker.compose.service=web', 'label=com.docker.compose.oneoff=False']), true);
  assert.equal(match(['label=com.docker.compose.project=app', 'label=com.docker.compose.service=redis']), false);
  assert.equal(match(['name=db', 'name=web']), true);
  assert.equal(match(['name=web', 'label=com.docker.compose.oneoff=True']), false);
});

test('an unknown filter key is refused', () => {
  assert.throws(() => parseFilters(['colour=red'], ['label']), /invalid filter 'colour=red'/);
});
