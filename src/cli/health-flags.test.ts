// --health-* from the command line and Config.Healthcheck from an API body reach the container's
// Config the same way (docker's field, nanoseconds), merged with the image's HEALTHCHECK.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from './argv';
import { RUN_OPTIONS, toContainerSpec } from './run-options';
import { specToRunOptions } from '../engine/container-spec';
import { buildContainerConfig, validateRunOptions } from '../engine/container-config';
import { createSpec } from '../api/convert/create-body';

const spec = (argv: string[]) => toContainerSpec(parseArgs(argv, RUN_OPTIONS, { stopAtPositional: true, command: 'run' }));

test('run --health-* becomes Config.Healthcheck and the container\'s Config', () => {
  const s = spec(['--health-cmd', 'curl -f localhost', '--health-interval', '1s', '--health-retries', '2', 'img', 'sleep', '9']);
  assert.deepEqual(s.config.Healthcheck, { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 1e9, Retries: 2 });
  const o = specToRunOptions(s);
  validateRunOptions(o);
  const { config } = buildContainerConfig(o, { ref: 'img', config: { Healthcheck: { Test: ['CMD', '/check'], Timeout: 3e9 } } }, 'h', []);
  assert.deepEqual(config.Healthcheck, { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 1e9, Retries: 2, Timeout: 3e9 });
});

test('no flag: the image\'s HEALTHCHECK; --no-healthcheck: NONE; neither: no Healthcheck at all', () => {
  const image = { ref: 'img', config: { Healthcheck: { Test: ['CMD', '/check'], Interval: 5e9 } } };
  assert.equal(spec(['img']).config.Healthcheck, undefined);
  assert.deepEqual(buildContainerConfig(specToRunOptions(spec(['img', 'x'])), image, 'h', []).config.Healthcheck, image.config.Healthcheck);
  assert.deepEqual(buildContainerConfig(specToRunOptions(spec(['--no-healthcheck', 'img', 'x'])), image, 'h', []).config.Healthcheck?.Test, ['NONE']);
  assert.equal('Healthcheck' in buildContainerConfig(specToRunOptions(spec(['img', 'x'])), { ref: 'img', config: {} }, 'h', []).config, false);
});

test('flag errors come before anything else', () => {
  assert.throws(() => spec(['--health-interval', '10', 'img']), /invalid argument "10" for "--health-interval" flag: time: missing unit/);
  assert.throws(() => spec(['--no-healthcheck', '--health-cmd', 'x', 'img']), /conflicts/);
});

test('the Engine API passes Config.Healthcheck through, and the engine checks it', () => {
  const { spec: s } = createSpec({ Image: 'img', Healthcheck: { Test: ['CMD', 'true'], Interval: 2e9 } }, undefined);
  assert.deepEqual(specToRunOptions(s).healthcheck, { Test: ['CMD', 'true'], Interval: 2e9 });
  const bad = createSpec({ Image: 'img', Healthcheck: { Test: ['CMD', 'true'], Interval: 10 } }, undefined).spec;
  assert.throws(() => validateRunOptions(specToRunOptions(bad)), /Interval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => createSpec({ Image: 'img', Healthcheck: 'x' }, undefined), /Healthcheck must be an object/);
});
