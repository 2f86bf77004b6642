import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { matchesEvent, parseFilters, EVENT_FILTERS } from '../filters';
import type { EngineEvent } from '../events';

const ev = (action: string): EngineEvent => ({ type: 'container', action, id: 'abc', attributes: { name: 'web' }, time: 0, timeNano: 0 });
const match = (filter: string, action: string) => matchesEvent(ev(action), parseFilters([filter], EVENT_FILTERS));

test('event=health_status matches "health_status: X" as docker does; exact actions stay exact', () => {
  assert.equal(match('event=health_status', 'health_status: healthy'), true);
  assert.equal(match('event=health_status: unhealthy', 'health_status: unhealthy'), true);
  assert.equal(match('event=health_status: unhealthy', 'health_status: healthy'), false);
  assert.equal(match('event=health', 'health_status: healthy'), false);
  assert.equal(match('event=start', 'start'), true);
  assert.equal(match('event=die', 'health_status: healthy'), false);
});
