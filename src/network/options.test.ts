import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MydockerError, NotFoundError } from '../errors/errors';
import { checkNetworkFlags, parseAddHost, parseNetworkMode, resolveExtraHosts, type NetworkFlags } from './options';
import type { Network } from './store';

const net: Network = {
  name: 'app', id: 'f'.repeat(64), file: '/x', list: { cniVersion: '1.0.0', name: 'app', plugins: [] },
  meta: { id: 'f'.repeat(64), created: '', driver: 'bridge', bridge: 'mdk-ffff', subnet: '10.9.0.0/24', gateway: '10.9.0.1', internal: false, labels: {} },
};
const ctx = {
  resolveNetwork: (n: string) => {
    if (n === 'app') return net;
    throw new NotFoundError(`network ${n} not found`);
  },
  resolveContainer: (r: string) => {
    if (r === 'db') return 'a'.repeat(64);
    throw new NotFoundError(`no such container: ${r}`);
  },
};
const flags = (over: Partial<NetworkFlags>): NetworkFlags => ({
  network: 'bridge', publish: [], publishAll: false, expose: [], networkAliases: [], dns: [], dnsSearch: [], addHosts: [], ...over,
});
const invalid = (re: RegExp) => (e: unknown) => e instanceof MydockerError && e.kind === 'InvalidArgument' && re.test(e.message);

test('network modes', () => {
  assert.deepEqual(parseNetworkMode('default'), { mode: 'bridge', target: 'bridge' });
  assert.deepEqual(parseNetworkMode('none'), { mode: 'none' });
  assert.deepEqual(parseNetworkMode('container:db'), { mode: 'container', target: 'db' });
  assert.deepEqual(parseNetworkMode('app'), { mode: 'bridge', target: 'app' });
  assert.throws(() => parseNetworkMode('container:'), /container:NAME/);
});

test('a user network keeps aliases and --ip; the default bridge refuses them', () => {
  const cfg = checkNetworkFlags(flags({ network: 'app', ip: '10.9.0.7', networkAliases: ['db', 'db'], publish: ['8080:80'] }), ctx);
  assert.deepEqual(cfg.networks, [{ name: 'app', aliases: ['db'], ipv4Address: '10.9.0.7' }]);
  assert.deepEqual(cfg.ports, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.throws(() => checkNetworkFlags(flags({ ip: '172.17.0.9' }), ctx), invalid(/user defined networks/));
  assert.throws(() => checkNetworkFlags(flags({ networkAliases: ['x'] }), ctx), invalid(/user defined networks/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'nope' }), ctx), /network nope not found/);
});

test('--ip must be a host address of the network and not its gateway', () => {
  assert.throws(() => checkNetworkFlags(flags({ network: 'app', ip: '10.8.0.7' }), ctx), invalid(/not a host address/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'app', ip: '10.9.0.1' }), ctx), invalid(/gateway/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'app', ip: 'x' }), ctx), invalid(/--ip/));
});

test('container mode: the other container is resolved; ports, dns, hosts conflict', () => {
  assert.equal(checkNetworkFlags(flags({ network: 'container:db' }), ctx).container, 'a'.repeat(64));
  assert.throws(() => checkNetworkFlags(flags({ network: 'container:db', publish: ['80'] }), ctx), invalid(/port publishing/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'container:db', dns: ['1.1.1.1'] }), ctx), invalid(/dns/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'container:db', hostname: 'h' }), ctx), invalid(/hostname/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'container:nope' }), ctx), /no such container/);
});

test('host and none drop published ports with a warning', () => {
  const warnings: string[] = [];
  const cfg = checkNetworkFlags(flags({ network: 'host', publish: ['80'] }), { ...ctx, warn: (m) => warnings.push(m) });
  assert.deepEqual(cfg.ports, {});
  assert.match(warnings[0], /discarded/);
});

test('--dns, --dns-search and --add-host are validated', () => {
  assert.throws(() => checkNetworkFlags(flags({ dns: ['nope'] }), ctx), invalid(/--dns/));
  assert.throws(() => checkNetworkFlags(flags({ dnsSearch: ['bad domain'] }), ctx), invalid(/--dns-search/));
  assert.throws(() => parseAddHost('nohost'), invalid(/--add-host/));
  assert.throws(() => parseAddHost('h:1.2.3'), invalid(/--add-host/));
  assert.deepEqual(parseAddHost('db=10.0.0.5'), { names: ['db'], ip: '10.0.0.5' });
  assert.deepEqual(parseAddHost('v6:::1'), { names: ['v6'], ip: '::1' });
  assert.deepEqual(resolveExtraHosts(['gw:host-gateway'], '10.9.0.1'), [{ names: ['gw'], ip: '10.9.0.1' }]);
  assert.throws(() => resolveExtraHosts(['gw:host-gateway'], undefined), /host-gateway/);
});

test('rootless: the default network is pasta (ports kept); a named network and bridge-only flags are refused', () => {
  const rl = { ...ctx, rootless: { defaultNetwork: 'pasta' as const } };
  const cfg = checkNetworkFlags(flags({ publish: ['127.0.0.1:8080:80'] }), rl);
  assert.equal(cfg.mode, 'pasta');
  assert.deepEqual(cfg.networks, []);
  assert.deepEqual(cfg.ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.equal(checkNetworkFlags(flags({ network: 'pasta' }), ctx).mode, 'pasta');
  assert.equal(checkNetworkFlags(flags({}), { ...ctx, rootless: { defaultNetwork: 'slirp4netns' } }).mode, 'slirp4netns');
  assert.equal(checkNetworkFlags(flags({ network: 'host' }), rl).mode, 'host');
  assert.throws(() => checkNetworkFlags(flags({ network: 'app' }), rl), invalid(/cannot be joined in rootless mode/));
  assert.throws(() => checkNetworkFlags(flags({ network: 'pasta', networkAliases: ['x'] }), rl), invalid(/user defined networks/));
});
