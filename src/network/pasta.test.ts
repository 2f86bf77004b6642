import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { defaultUserNetwork, pastaArgs, pastaPortArgs } from './pasta';

test('published ports become -t/-u specs; nothing else is forwarded either way', () => {
  const maps = [
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' as const, hostIP: '127.0.0.1' },
    { hostPort: 5353, containerPort: 53, protocol: 'udp' as const, hostIP: '' },
  ];
  assert.deepEqual(pastaPortArgs(maps), ['-t', '127.0.0.1/8080:80', '-u', '5353:53']);
  assert.deepEqual(pastaArgs('/run/ns', '/run/p.pid', maps), [
    '--config-net', '--quiet', '--pid', '/run/p.pid', '--netns', '/run/ns', '-T', 'none', '-U', 'none', '-t', '127.0.0.1/8080:80', '-u', '5353:53',
  ]);
  assert.deepEqual(pastaArgs('/run/ns', '/run/p.pid', []).slice(6), ['-t', 'none', '-u', 'none', '-T', 'none', '-U', 'none']);
  assert.throws(() => pastaPortArgs([{ hostPort: 1, containerPort: 1, protocol: 'sctp', hostIP: '' }]), /sctp/);
});

test('the default user-mode network: pasta, else slirp4netns', () => {
  assert.equal(defaultUserNetwork((n) => n === 'pasta' || n === 'slirp4netns'), 'pasta');
  assert.equal(defaultUserNetwork((n) => n === 'slirp4netns'), 'slirp4netns');
  assert.equal(defaultUserNetwork(() => false), 'pasta', 'neither: pasta, whose absence the run reports');
});
