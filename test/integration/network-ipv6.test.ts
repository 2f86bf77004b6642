// Dual-stack user networks (`network create --ipv6`, `run --ip6`) against the real kernel, the real CNI plugins and
// ip6tables: containers reach each other over IPv6 by address and by name, a fixed --ip6, bad --ip6 values leave
// nothing behind, published ports answer over IPv6, and `network rm` takes the bridge and its ip6tables rules away.
// Traffic stays on this machine (the network's gateway, loopback and container addresses). IPv4 subnets
// 10.233.0.0/16 belong to this file; IPv6 subnets are random ULA /64s made per run.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../helpers/sandbox';
import { hostFootprint, networkNames, ok, removeEverything, strayAttachments, waitFor } from './network-helpers';

function ipv6Missing(): string | undefined {
  let flag = '';
  try {
    flag = fs.readFileSync('/proc/sys/net/ipv6/conf/all/disable_ipv6', 'utf8').trim();
  } catch {
    return 'the kernel has no IPv6 (no /proc/sys/net/ipv6)';
  }
  if (flag !== '0') return 'IPv6 is disabled on this host (net.ipv6.conf.all.disable_ipv6=1)';
  if (spawnSync('ip6tables-save', [], { encoding: 'utf8' }).status !== 0) return 'ip6tables-save does not run here';
  return undefined;
}

const SKIP = ipv6Missing();
if (SKIP) console.log(`# skipping the IPv6 network tests: ${SKIP}`);

/** A random ULA /64 prefix ("fdxx:xxxx:xxxx:1"), so parallel runs and the host's own fd00::/64 never clash. */
function randomPrefix(): string {
  const b = randomBytes(5);
  // groups of four digits, none with a leading zero: the text is already canonical
  const group = (x: number) => (x | 0x1000).toString(16);
  return `fd${b[0].toString(16).padStart(2, '0')}:${group(b.readUInt16BE(1))}:${group(b.readUInt16BE(3))}:1`;
}

const P = randomPrefix();
const SUBNET6 = `${P}::/64`;
const GW6 = `${P}::1`;
const FIXED6 = `${P}::42`;

let sb: Sandbox;
let save6Before = '';
const seen: { bridges: string[]; subnets6: string[]; ids: string[] } = { bridges: [], subnets6: [], ids: [] };

const ip6tablesSave = () => spawnSync('ip6tables-save', [], { encoding: 'utf8' }).stdout;
/** Rule lines (counters dropped), without the comment header. */
const ruleLines = (save: string) => save.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/ \[\d+:\d+\]$/, ''));

/** ip6tables lines that name anything of ours. */
function ours6(save: string): string[] {
  const needles = [...seen.bridges, ...seen.subnets6, ...seen.ids.map((id) => `id: "${id}"`), `[${P}:`];
  return ruleLines(save).filter((l) => needles.some((n) => l.includes(n)));
}

before(() => {
  if (SKIP) return;
  sb = new Sandbox('network-ipv6');
  save6Before = ip6tablesSave();
});
after(() => {
  if (SKIP) return;
  const stray = strayAttachments(sb);
  const names = networkNames(sb);
  removeEverything(sb);
  const left = hostFootprint(names);
  const left6 = ours6(ip6tablesSave());
  const mounts = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(stray, [], 'attachments of containers that are not running');
  assert.deepEqual(left, [], 'networking left things on the host');
  assert.deepEqual(left6, [], 'ip6tables rules left on the host');
  assert.deepEqual(mounts, [], 'mounts or cgroups left');
});

const inspect = (ref: string, format: string) => ok(sb, ['inspect', '-f', format, ref]).stdout.trim();
const bridgeOfIn = (box: Sandbox, net: string) => ok(box, ['network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.name"}}', net]).stdout.trim();
const bridgeOf = (net: string) => bridgeOfIn(sb, net);
const ports = (bridge: string) => fs.readdirSync(path.join('/sys/class/net', bridge, 'brif')).sort();
const leases = (net: string) => fs.readdirSync(path.join(sb.runroot, 'networks', 'ipam', net)).sort();
const HTTPD = ['sh', '-c', 'mkdir -p /www && echo "hello over v6" > /www/index.html && exec httpd -f -p 80 -h /www'];

function curl(url: string): { code: number | null; out: string } {
  const r = spawnSync('curl', ['-s', '-g', '-m', '5', url], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}

describe('IPv6 (dual-stack) user networks', { skip: SKIP }, () => {
  test('network create --ipv6: both subnets in inspect, the IPv6 gateway on the bridge, ip6tables rules made', () => {
    ok(sb, ['network', 'create', '--ipv6', '--subnet', '10.233.1.0/24', '--subnet', SUBNET6, 'v6net']);
    const info = JSON.parse(ok(sb, ['network', 'inspect', 'v6net']).stdout)[0];
    assert.equal(info.EnableIPv6, true);
    assert.deepEqual(info.IPAM.Config, [{ Subnet: '10.233.1.0/24', Gateway: '10.233.1.1' }, { Subnet: SUBNET6, Gateway: GW6 }]);
    const bridge = bridgeOf('v6net');
    seen.bridges.push(bridge);
    seen.subnets6.push(SUBNET6);
    const addrs = spawnSync('ip', ['-6', '-o', 'addr', 'show', 'dev', bridge], { encoding: 'utf8' }).stdout;
    assert.match(addrs, new RegExp(`inet6 ${GW6}/64 scope global`));
    assert.doesNotMatch(addrs, new RegExp(`${GW6}/64 .*tentative`), 'the gateway is usable at once');
    const mine = ours6(ip6tablesSave());
    assert.ok(mine.some((l) => l.includes(`-s ${SUBNET6}`) && l.includes('MASQUERADE')), mine.join('\n'));
    assert.ok(mine.some((l) => l.startsWith('-A FORWARD') && l.includes(bridge)), mine.join('\n'));
  });

  test('two containers ping6 each other by address, by name and by alias; inspect shows their IPv6 settings', () => {
    seen.ids.push(ok(sb, ['run', '-d', '--name', 'alpha6', '--network', 'v6net', '--network-alias', 'first', 'busybox', 'sleep', '120']).stdout.trim());
    seen.ids.push(ok(sb, ['run', '-d', '--name', 'beta6', '--network', 'v6net', '--ip6', FIXED6, 'busybox', 'sleep', '120']).stdout.trim());
    const a6 = inspect('alpha6', '{{.NetworkSettings.Networks.v6net.GlobalIPv6Address}}');
    assert.ok(a6.startsWith(`${P}::`) && a6 !== GW6 && a6 !== FIXED6, a6);
    assert.equal(inspect('alpha6', '{{.NetworkSettings.Networks.v6net.GlobalIPv6PrefixLen}}'), '64');
    assert.equal(inspect('alpha6', '{{.NetworkSettings.Networks.v6net.IPv6Gateway}}'), GW6);
    assert.equal(inspect('alpha6', '{{.NetworkSettings.GlobalIPv6Address}}'), a6);
    assert.equal(inspect('alpha6', '{{.NetworkSettings.IPv6Gateway}}'), GW6);
    assert.match(inspect('alpha6', '{{.NetworkSettings.Networks.v6net.IPAddress}}'), /^10\.233\.1\.\d+$/, 'still an IPv4 address too');

    // by address, both ways (DAD is off on the container side: no wait for the address to settle)
    assert.match(ok(sb, ['exec', 'alpha6', 'ping', '-6', '-c1', '-W3', FIXED6]).stdout, /1 packets received/);
    assert.match(ok(sb, ['exec', 'beta6', 'ping', '-6', '-c1', '-W3', a6]).stdout, /1 packets received/);
    // by name and alias: /etc/hosts lists the IPv6 address beside the IPv4 one, so an AAAA lookup finds it
    const byName = ok(sb, ['exec', 'beta6', 'sh', '-c', 'ping -6 -c1 -W3 alpha6; ping -6 -c1 -W3 first']).stdout;
    assert.equal(byName.match(new RegExp(`64 bytes from ${a6.replace(/\./g, '\\.')}`, 'g'))?.length, 2, byName);
    // a plain lookup still gives the IPv4 address, as before
    assert.match(ok(sb, ['exec', 'beta6', 'ping', '-c1', '-W3', 'alpha6']).stdout, /^PING alpha6 \(10\.233\.1\.\d+\)/m);
    const hosts = ok(sb, ['exec', 'beta6', 'cat', '/etc/hosts']).stdout;
    assert.match(hosts, new RegExp(`^${a6}\\talpha6 first\\b`, 'm'));
    assert.match(hosts, new RegExp(`^${FIXED6}\\t\\S+ beta6$`, 'm'));
    // the default IPv6 route goes through the network's gateway, and the host reaches the container over it
    assert.match(ok(sb, ['exec', 'alpha6', 'ip', '-6', 'route']).stdout, new RegExp(`^default via ${GW6} dev eth0`, 'm'));
    const containers = JSON.parse(ok(sb, ['network', 'inspect', '-f', '{{json .Containers}}', 'v6net']).stdout) as Record<string, { Name: string; IPv6Address: string }>;
    assert.deepEqual(Object.values(containers).map((c) => `${c.Name} ${c.IPv6Address}`).sort(), [`alpha6 ${a6}/64`, `beta6 ${FIXED6}/64`]);
  });

  test('--ip6 picks the address: inside the container and in inspect; network connect --ip6 too', () => {
    assert.match(ok(sb, ['exec', 'beta6', 'ip', '-6', '-o', 'addr', 'show', 'eth0']).stdout, new RegExp(`inet6 ${FIXED6}/64 scope global`));
    assert.equal(inspect('beta6', '{{.NetworkSettings.Networks.v6net.IPAMConfig.IPv6Address}}'), FIXED6);
    assert.equal(inspect('beta6', '{{.NetworkSettings.Networks.v6net.GlobalIPv6Address}}'), FIXED6);
    // docker accepts any spelling and shows the canonical one
    const P2 = randomPrefix();
    ok(sb, ['network', 'create', '--ipv6', '--subnet', '10.233.2.0/24', '--subnet', `${P2}::/64`, 'v6side']);
    seen.bridges.push(bridgeOf('v6side'));
    seen.subnets6.push(`${P2}::/64`);
    ok(sb, ['network', 'connect', '--ip6', `${P2.toUpperCase()}:0:0:0:0077`, 'v6side', 'alpha6']);
    assert.match(ok(sb, ['exec', 'alpha6', 'ip', '-6', '-o', 'addr', 'show', 'eth1']).stdout, new RegExp(`inet6 ${P2}::77/64 scope global`));
    assert.equal(inspect('alpha6', '{{.NetworkSettings.Networks.v6side.GlobalIPv6Address}}'), `${P2}::77`);
    ok(sb, ['network', 'disconnect', 'v6side', 'alpha6']);
    ok(sb, ['network', 'rm', 'v6side']);
  });

  test('a bad --ip6 is a one-line error, exit 125, and leaves no container, veth or lease behind', () => {
    ok(sb, ['network', 'create', '--subnet', '10.233.3.0/24', 'v4only']);
    const bridge = bridgeOf('v6net');
    const portsBefore = ports(bridge);
    const leasesBefore = leases('v6net');
    const cases: [string[], RegExp][] = [
      [['--network', 'v6net', '--ip6', 'fd00:dead:beef::5'], /invalid --ip6 fd00:dead:beef::5: not a host address of network v6net/],
      [['--network', 'v6net', '--ip6', 'not-an-address'], /invalid value "not-an-address" for --ip6: not an IPv6 address/],
      [['--network', 'v6net', '--ip6', '10.233.1.50'], /for --ip6: not an IPv6 address/],
      [['--network', 'v6net', '--ip6', GW6], /it is the gateway of network v6net/],
      [['--network', 'v4only', '--ip6', `${P}::50`], /network v4only has no IPv6 subnet/],
      [['--ip6', `${P}::50`], /supported only for containers in user defined networks/],
    ];
    for (const [flags, message] of cases) {
      const r = sb.run(['run', '--name', 'bad6', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(ok(sb, ['ps', '-a', '--format', '{{.Names}}']).stdout, /\bbad6\b/, `${flags.join(' ')} left a container`);
    }
    // an address already taken fails at start: the start unwinds (with --rm the container goes too)
    const taken = sb.run(['run', '--rm', '--name', 'bad6', '--network', 'v6net', '--ip6', FIXED6, 'busybox', 'true']);
    assert.equal(taken.code, 125, taken.stderr);
    assert.match(taken.stderr, new RegExp(`address ${FIXED6} is already in use on network v6net`));
    assert.doesNotMatch(ok(sb, ['ps', '-a', '--format', '{{.Names}}']).stdout, /\bbad6\b/);
    assert.deepEqual(ports(bridge), portsBefore, 'no veth left on the bridge');
    assert.deepEqual(leases('v6net'), leasesBefore, 'no lease left');
    ok(sb, ['network', 'rm', 'v4only']);
  });

  test('published ports answer over IPv6 on the host\'s addresses and over IPv4; [::1] is refused at once', async () => {
    const port = 24000 + Math.floor(Math.random() * 4000);
    seen.ids.push(ok(sb, ['run', '-d', '--name', 'web6', '--network', 'v6net', '-p', `${port}:80`, 'busybox', ...HTTPD]).stdout.trim());
    await waitFor(() => curl(`http://[${GW6}]:${port}/`).out.includes('hello over v6'));
    assert.match(curl(`http://127.0.0.1:${port}/`).out, /hello over v6/);
    // a container reaches it over IPv6 by name
    assert.match(ok(sb, ['exec', 'alpha6', 'sh', '-c', `timeout 5 wget -qO- "http://[$(grep -w web6 /etc/hosts | grep : | cut -f1)]/"`]).stdout, /hello over v6/);
    // IPv6 has no route_localnet: portmap's DNAT leaves ::1 alone, so nothing answers there and nothing hangs
    assert.equal(curl(`http://[::1]:${port}/`).code, 7, 'connection refused, not a timeout');
    ok(sb, ['rm', '-f', 'web6']);
    assert.deepEqual(ours6(ip6tablesSave()).filter((l) => l.includes('-j DNAT') || l.includes(seen.ids[seen.ids.length - 1])), [], 'the DNAT rules went with the container');
  });

  test('without --subnet the IPv6 subnet is a free /64 of the machine\'s ULA pool; the default bridge stays IPv4-only', () => {
    ok(sb, ['network', 'create', '--ipv6', '--subnet', '10.233.4.0/24', 'v6auto']);
    const config = JSON.parse(ok(sb, ['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'v6auto']).stdout) as { Subnet: string; Gateway: string }[];
    assert.equal(config.length, 2);
    assert.match(config[1].Subnet, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}(:[0-9a-f]{1,4})?::\/64$/);
    assert.equal(config[1].Gateway, config[1].Subnet.replace('::/64', '::1'));
    seen.bridges.push(bridgeOf('v6auto'));
    seen.subnets6.push(config[1].Subnet);
    const global6 = ok(sb, ['run', '--rm', '--network', 'v6auto', 'busybox', 'ip', '-6', '-o', 'addr', 'show', 'eth0', 'scope', 'global']).stdout;
    assert.match(global6, new RegExp(`inet6 ${config[1].Subnet.replace('::/64', '::')}[0-9a-f]+/64`));
    ok(sb, ['network', 'rm', 'v6auto']);

    assert.equal(ok(sb, ['run', '--rm', 'busybox', 'ip', '-6', '-o', 'addr', 'show', 'eth0', 'scope', 'global']).stdout.trim(), '');
    assert.equal(ok(sb, ['network', 'inspect', '-f', '{{.EnableIPv6}}', 'bridge']).stdout.trim(), 'false');
    const r = sb.run(['network', 'create', '--subnet', 'fd00:1:2:3::/64', 'v6missing']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /IPv6 is not enabled on network v6missing: add --ipv6/);
  });

  test('a store deleted without network rm: the next network create removes its bridge and ip6tables rules', () => {
    const gone = new Sandbox('network-ipv6-orphan');
    try {
      const P3 = randomPrefix();
      ok(gone, ['network', 'create', '--ipv6', '--subnet', '10.233.5.0/24', '--subnet', `${P3}::/64`, 'v6orphan']);
      const bridge = bridgeOfIn(gone, 'v6orphan');
      seen.bridges.push(bridge);
      seen.subnets6.push(`${P3}::/64`);
      assert.ok(ruleLines(ip6tablesSave()).some((l) => l.includes(`-s ${P3}::/64`)));
      fs.rmSync(gone.root, { recursive: true, force: true }); // the store is gone, its bridge and rules are not
      ok(sb, ['network', 'create', '--subnet', '10.233.6.0/24', 'v4after']);
      assert.equal(fs.existsSync(path.join('/sys/class/net', bridge)), false, 'the orphan bridge went');
      assert.deepEqual(ruleLines(ip6tablesSave()).filter((l) => l.includes(bridge) || l.includes(`${P3}::/64`)), []);
      ok(sb, ['network', 'rm', 'v4after']);
    } finally {
      gone.cleanup();
    }
  });

  test('network rm takes the bridge and its ip6tables rules away; leases go with the containers', () => {
    const bridge = bridgeOf('v6net');
    ok(sb, ['rm', '-f', 'alpha6', 'beta6']);
    assert.deepEqual(leases('v6net').filter((f) => f.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(f)), [], 'IPv4 and IPv6 leases released');
    ok(sb, ['network', 'rm', 'v6net']);
    assert.equal(fs.existsSync(path.join('/sys/class/net', bridge)), false);
    const after = ip6tablesSave();
    assert.deepEqual(ours6(after), []);
    // what stays is portmap's shared chains (kept by every CNI runtime); other tests may change ip6tables meanwhile,
    // so only lines that name this test's networks count
    assert.ok(ruleLines(save6Before).every((l) => !l.includes(bridge)));
  });
});
