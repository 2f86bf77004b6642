// --ip6 from the command line to RunOptions: docker's EndpointsConfig.IPAMConfig.IPv6Address on the way.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from './argv';
import { RUN_OPTIONS, toContainerSpec } from './run-options';
import { specToRunOptions } from '../engine/container-spec';

const spec = (argv: string[]) => toContainerSpec(parseArgs(argv, RUN_OPTIONS, { stopAtPositional: true, command: 'run' }));

test('--ip6 goes to the endpoint of the network asked for, beside --ip, and on to RunOptions', () => {
  const s = spec(['--network', 'dual', '--ip', '10.9.0.7', '--ip6', 'fd00:9::42', 'busybox']);
  assert.deepEqual(s.networkingConfig?.EndpointsConfig?.dual, { Aliases: [], IPAMConfig: { IPv4Address: '10.9.0.7', IPv6Address: 'fd00:9::42' } });
  const o = specToRunOptions(s);
  assert.equal(o.ip, '10.9.0.7');
  assert.equal(o.ip6, 'fd00:9::42');
  const only6 = spec(['--network', 'dual', '--ip6', 'fd00:9::42', 'busybox']);
  assert.deepEqual(only6.networkingConfig?.EndpointsConfig?.dual?.IPAMConfig, { IPv6Address: 'fd00:9::42' });
  assert.equal(specToRunOptions(only6).ip, undefined);
  assert.equal(specToRunOptions(spec(['busybox'])).ip6, undefined);
});
