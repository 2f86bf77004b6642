import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { detailsPrefix } from './log-details';

test("--details: sorted attributes, query-escaped as Go's url.QueryEscape, then a space; just a space without any", () => {
  assert.equal(detailsPrefix(undefined), ' ');
  assert.equal(detailsPrefix({}), ' ');
  assert.equal(detailsPrefix({ z: '1', a: 'b c', 'k/e': "it's" }), "a=b+c,k%2Fe=it%27s,z=1 ");
});
