// Networking against the real kernel and the real CNI plugins: user networks with name resolution, published
// ports reached from the host, none/host/container modes, connect/disconnect live, bad input, and nothing of
// ours left on the host afterwards. Traffic stays on this machine (loopback and container addresses).
// Subnets 10.231.0.0/16 belong to this file.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Sandbox, mountsUnder } from '../helpers/sandbox';
import { hostFootprint, networkNames, ok, removeEverything, strayAttachments, waitFor } from './network-helpers';

let sb: Sandbox;
before(() => {
  sb = new Sandbox('network');
});
after(() => {
  const stray = strayAttachments(sb);
  const names = networkNames(sb);
  removeEverything(sb);
  const left = hostFootprint(names);
  const mounts = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(stray, [], 'attachments of containers that are not running');
  assert.deepEqual(left, [], 'networking left things on the host');
  assert.deepEqual(mounts, [], 'mounts or cgroups left');
});

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'];
const inspect = (ref: string, format: string) => ok(sb, ['inspect', '-f', format, ref]).stdout.trim();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports below the ephemeral range (so no outgoing connection takes them meanwhile). */
async function freePorts(count = 1): Promise<number> {
  for (;;) {
    const start = 20000 + Math.floor(Math.random() * 10000);
    let free = true;
    for (let p = start; p < start + count && free; p++) free = await canBind(p);
    if (free) return start;
  }
}

function curl(url: string): string {
  const r = spawnSync('curl', ['-s', '-m', '5', url], { encoding: 'utf8' });
  return r.stdout;
}

describe('a user network', () => {
  test('containers reach each other by IP, by name and by alias, including containers started later', async () => {
    ok(sb, ['network', 'create', '--subnet', '10.231.1.0/24', '--label', 'test=net', 'app']);
    ok(sb, ['run', '-d', '--name', 'web', '--network', 'app', '--network-alias', 'www', 'busybox', ...HTTPD]);
    const ip = inspect('web', '{{.NetworkSettings.Networks.app.IPAddress}}');
    assert.match(ip, /^10\.231\.1\.\d+$/);
    await waitFor(() => sb.run(['run', '--rm', '--network', 'app', 'busybox', 'sh', '-c', `timeout 5 wget -qO- http://${ip}/; true`]).stdout.includes('hello'));
    const byName = ok(sb, ['run', '--rm', '--network', 'app', 'busybox', 'sh', '-c', 'timeout 5 wget -qO- http://web/; timeout 5 wget -qO- http://www/']);
    assert.equal(byName.stdout.match(/hello from/g)?.length, 2, byName.stdout);
    // web learns about a container that starts after it
    ok(sb, ['run', '-d', '--name', 'late', '--network', 'app', 'busybox', 'sleep', '60']);
    const lateIp = inspect('late', '{{.NetworkSettings.IPAddress}}');
    const hosts = ok(sb, ['exec', 'web', 'cat', '/etc/hosts']).stdout;
    assert.match(hosts, new RegExp(`^${lateIp.replace(/\./g, '\\.')}\\tlate\\b`, 'm'));
    assert.match(ok(sb, ['exec', 'late', 'sh', '-c', 'timeout 5 wget -qO- http://web/']).stdout, /hello from/);
    // and forgets it when it goes
    ok(sb, ['rm', '-f', 'late']);
    assert.doesNotMatch(ok(sb, ['exec', 'web', 'cat', '/etc/hosts']).stdout, /\blate\b/);
    const info = JSON.parse(ok(sb, ['network', 'inspect', 'app']).stdout)[0];
    assert.equal(info.IPAM.Config[0].Subnet, '10.231.1.0/24');
    assert.equal(info.IPAM.Config[0].Gateway, '10.231.1.1');
    assert.deepEqual(info.Labels, { test: 'net' });
    assert.deepEqual(Object.values(info.Containers).map((c) => (c as { Name: string }).Name), ['web']);
    assert.match(ok(sb, ['network', 'ls']).stdout, /\bapp\s+bridge\s+local/);
  });

  test('--ip, --add-host, --dns and --dns-search land in the container', () => {
    const r = ok(sb, ['run', '--rm', '--network', 'app', '--ip', '10.231.1.200', '--add-host', 'db.test:10.9.9.9', '--add-host', 'gw:host-gateway',
      '--dns', '10.231.1.1', '--dns-search', 'corp.test', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0; cat /etc/hosts /etc/resolv.conf']);
    assert.match(r.stdout, /inet 10\.231\.1\.200\/24/);
    assert.match(r.stdout, /^10\.9\.9\.9\tdb\.test$/m);
    assert.match(r.stdout, /^10\.231\.1\.1\tgw$/m);
    assert.match(r.stdout, /^nameserver 10\.231\.1\.1$/m);
    assert.match(r.stdout, /^search corp\.test$/m);
    const taken = sb.run(['run', '--rm', '--network', 'app', '--ip', inspect('web', '{{.NetworkSettings.IPAddress}}'), 'busybox', 'true']);
    assert.equal(taken.code, 125);
    assert.match(taken.stderr, /already in use on network app/);
  });

  test('inspect lists a created container\'s networks before it starts; on a user network the short id is an alias that resolves', () => {
    const id = ok(sb, ['create', '--name', 'early', '--network', 'app', '--network-alias', 'first', 'busybox', 'sleep', '60']).stdout.trim();
    const created = JSON.parse(inspect('early', '{{json .NetworkSettings.Networks}}'));
    assert.deepEqual(Object.keys(created), ['app']);
    assert.deepEqual(created.app.Aliases, ['first', id.slice(0, 12)]);
    assert.equal(created.app.IPAddress, '');
    ok(sb, ['start', 'early']);
    assert.deepEqual(JSON.parse(inspect('early', '{{json .NetworkSettings.Networks.app.Aliases}}')), ['first', id.slice(0, 12)]);
    assert.match(ok(sb, ['exec', 'web', 'ping', '-c1', '-W2', id.slice(0, 12)]).stdout, /1 packets received/);
    ok(sb, ['rm', '-f', 'early']);
  });

  test('connect and disconnect a running container: the interface comes and goes, names follow', () => {
    ok(sb, ['network', 'create', '--subnet', '10.231.2.0/24', 'side']);
    ok(sb, ['run', '-d', '--name', 'peer', '--network', 'side', 'busybox', 'sleep', '60']);
    assert.doesNotMatch(ok(sb, ['exec', 'web', 'ls', '/sys/class/net']).stdout, /eth1/);
    ok(sb, ['network', 'connect', '--alias', 'web2', 'side', 'web']);
    assert.match(ok(sb, ['exec', 'web', 'ip', '-o', '-4', 'addr', 'show', 'eth1']).stdout, /inet 10\.231\.2\.\d+\/24/);
    assert.match(ok(sb, ['exec', 'web', 'cat', '/etc/hosts']).stdout, /\tpeer\b/);
    assert.match(ok(sb, ['exec', 'peer', 'sh', '-c', 'timeout 5 wget -qO- http://web2/']).stdout, /hello from/);
    assert.match(inspect('web', '{{json .NetworkSettings.Networks}}'), /"side"/);
    assert.equal(sb.run(['network', 'rm', 'side']).code, 125, 'a network in use cannot go');
    ok(sb, ['network', 'disconnect', 'side', 'web']);
    assert.doesNotMatch(ok(sb, ['exec', 'web', 'ls', '/sys/class/net']).stdout, /eth1/);
    assert.doesNotMatch(ok(sb, ['exec', 'web', 'cat', '/etc/hosts']).stdout, /\tpeer\b/);
    assert.doesNotMatch(ok(sb, ['exec', 'peer', 'cat', '/etc/hosts']).stdout, /\bweb\b/);
    assert.equal(sb.run(['network', 'disconnect', 'side', 'web']).code, 125);
    ok(sb, ['rm', '-f', 'peer']);
    ok(sb, ['network', 'rm', 'side']);
  });

  test('containers on different networks cannot reach each other directly', () => {
    ok(sb, ['network', 'create', '--subnet', '10.231.3.0/24', 'other']);
    const ip = inspect('web', '{{.NetworkSettings.IPAddress}}');
    // (not as PID 1: the init ignores timeout's SIGTERM, so wget would wait out the TCP timeout)
    const r = sb.run(['run', '--rm', '--network', 'other', 'busybox', 'sh', '-c', `timeout 3 wget -qO- http://${ip}/; echo rc=$?`]);
    assert.doesNotMatch(r.stdout, /rc=0/);
    assert.doesNotMatch(r.stdout, /hello/);
    ok(sb, ['network', 'rm', 'other']);
  });
});

describe('published ports', () => {
  test('-p is reachable from the host on 127.0.0.1 and its own address, and from another container', async () => {
    const port = await freePorts();
    ok(sb, ['run', '-d', '--name', 'pub', '-p', `${port}:80`, 'busybox', ...HTTPD]);
    assert.equal(ok(sb, ['port', 'pub']).stdout, `80/tcp -> 0.0.0.0:${port}\n`);
    assert.equal(ok(sb, ['port', 'pub', '80']).stdout, `0.0.0.0:${port}\n`);
    await waitFor(() => curl(`http://127.0.0.1:${port}/`).includes('hello'));
    const hostIp = spawnSync('sh', ['-c', "ip -o -4 route get 1.1.1.1 | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p'"], { encoding: 'utf8' }).stdout.trim();
    if (hostIp) assert.match(curl(`http://${hostIp}:${port}/`), /hello/);
    if (hostIp) assert.match(ok(sb, ['run', '--rm', 'busybox', 'sh', '-c', `timeout 5 wget -qO- http://${hostIp}:${port}/; true`]).stdout, /hello/);
    assert.match(inspect('pub', '{{json .NetworkSettings.Ports}}'), new RegExp(`"80/tcp":\\[\\{"HostIp":"0.0.0.0","HostPort":"${port}"\\}\\]`));
  });

  test('-P publishes --expose ports on free host ports; ranges map one to one', async () => {
    ok(sb, ['run', '-d', '--name', 'puball', '-P', '--expose', '80', '--expose', '81/udp', 'busybox', ...HTTPD]);
    const lines = ok(sb, ['port', 'puball']).stdout.trim().split('\n').sort();
    assert.equal(lines.length, 2, lines.join('\n'));
    const tcp = lines.find((l) => l.startsWith('80/tcp'))!;
    const hostPort = Number(/:(\d+)$/.exec(tcp)![1]);
    await waitFor(() => curl(`http://127.0.0.1:${hostPort}/`).includes('hello'));
    const a = await freePorts(2);
    const r = ok(sb, ['run', '-d', '--name', 'ranged', '-p', `127.0.0.1:${a}-${a + 1}:80-81`, 'busybox', 'sleep', '60']);
    assert.ok(r.stdout.trim());
    assert.deepEqual(ok(sb, ['port', 'ranged']).stdout.trim().split('\n'), [`80/tcp -> 127.0.0.1:${a}`, `81/tcp -> 127.0.0.1:${a + 1}`]);
    ok(sb, ['rm', '-f', 'puball', 'ranged']);
  });

  test('a host port in use is refused before the container starts, leaving nothing behind', async () => {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '0.0.0.0', () => resolve((server.address() as net.AddressInfo).port)));
    try {
      const r = sb.run(['run', '-d', '--name', 'clash', '-p', `${port}:80`, 'busybox', 'sleep', '60']);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, new RegExp(`host port 0\\.0\\.0\\.0:${port}/tcp is already in use`));
      // as with docker, the container exists but never ran; nothing of its networking remains
      const id = inspect('clash', '{{.Id}}');
      assert.equal(inspect('clash', '{{.State.Running}}'), 'false');
      assert.ok(!fs.existsSync(path.join(sb.runroot, 'networks', 'containers', `${id}.json`)), 'attachment left');
      assert.ok(!fs.existsSync(path.join(sb.runroot, 'netns', id)), 'netns pin left');
      assert.doesNotMatch(spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).stdout, new RegExp(id));
      ok(sb, ['rm', 'clash']);
      // the published port of a running container is in use too
      const pubPort = /:(\d+)/.exec(ok(sb, ['port', 'pub']).stdout)![1];
      const r2 = sb.run(['run', '--rm', '-p', `${pubPort}:80`, 'busybox', 'true']);
      assert.equal(r2.code, 125);
      assert.match(r2.stderr, /already in use/);
    } finally {
      server.close();
    }
    ok(sb, ['rm', '-f', 'pub']);
  });
});

describe('network modes', () => {
  test('the default network is bridge; --network none has only lo; host sees the host', () => {
    const def = ok(sb, ['run', '--rm', 'busybox', 'sh', '-c', 'ls /sys/class/net | tr "\\n" " "; echo; ip -o -4 addr show eth0']);
    assert.match(def.stdout, /^eth0 lo $/m);
    assert.match(def.stdout, /inet \d+\.\d+\.\d+\.\d+\//);
    assert.equal(ok(sb, ['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net']).stdout, 'lo\n');
    const hostIfaces = fs.readdirSync('/sys/class/net').sort();
    const inside = ok(sb, ['run', '--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net']).stdout.trim().split('\n').sort();
    for (const i of hostIfaces.filter((x) => x === 'lo' || x === 'eth0')) assert.ok(inside.includes(i), `${i} missing in host mode`);
    assert.equal(fs.readlinkSync('/proc/self/ns/net'), ok(sb, ['run', '--rm', '--network', 'host', 'busybox', 'readlink', '/proc/self/ns/net']).stdout.trim());
  });

  test('on a bridge the container\'s lo is up: 127.0.0.1 answers inside', () => {
    // the namespace is made before the init (set up while the container is made): its loopback must be up
    const r = ok(sb, ['run', '--rm', 'busybox', 'sh', '-c', 'ip -o link show lo; httpd -p 127.0.0.1:8080 -h /etc && timeout 5 wget -qO- http://127.0.0.1:8080/hostname']);
    assert.match(r.stdout, /lo: <LOOPBACK,UP/);
    assert.match(r.stdout, /^[0-9a-f]{12}$/m);
  });

  test('container:OTHER joins the running container\'s namespace, and refuses a stopped one', () => {
    const webIp = inspect('web', '{{.NetworkSettings.IPAddress}}');
    const r = ok(sb, ['run', '--rm', '--network', 'container:web', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0; timeout 5 wget -qO- http://127.0.0.1/']);
    assert.match(r.stdout, new RegExp(`inet ${webIp.replace(/\./g, '\\.')}/`));
    assert.match(r.stdout, /hello from/);
    ok(sb, ['create', '--name', 'idle', 'busybox', 'true']);
    const bad = sb.run(['run', '--rm', '--network', 'container:idle', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /not running/);
    ok(sb, ['rm', 'idle']);
  });
});

describe('bad input', () => {
  test('duplicate names, overlapping subnets, bad CIDRs and port specs are refused with exit 125', () => {
    const cases: [string[], RegExp][] = [
      [['network', 'create', '--subnet', '10.231.1.0/24', 'app'], /network with name app already exists/],
      [['network', 'create', '--subnet', '10.231.1.128/25', 'app2'], /overlaps with network app/],
      [['network', 'create', '--subnet', '10.231.300.0/24', 'bad'], /invalid --subnet "10\.231\.300\.0\/24"/],
      [['network', 'create', '--subnet', '10.231.5.0/24', '--gateway', '10.9.0.1', 'bad'], /invalid --gateway/],
      [['network', 'create', 'host'], /already exists/],
      [['network', 'create', '--driver', 'overlay', 'bad'], /not supported/],
      [['run', '--rm', '-p', '80:abc', 'busybox', 'true'], /-p\/--publish/],
      [['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true'], /network nosuchnet not found/],
      [['run', '--rm', '--ip', '10.0.0.5', 'busybox', 'true'], /user defined networks/],
      [['run', '--rm', '--dns', 'notanip', 'busybox', 'true'], /--dns/],
      [['network', 'rm', 'host'], /pre-defined/],
      [['network', 'rm', 'bridge'], /bridge is a pre-defined network and cannot be removed/],
    ];
    for (const [args, re] of cases) {
      const r = sb.run(args);
      assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
    }
    assert.ok(!fs.existsSync(path.join(sb.root, 'networks', 'bad.conflist')));
  });

  test('a start that fails while its network is set up leaves no lease, interface, pin or attachment', () => {
    ok(sb, ['network', 'create', '--subnet', '10.231.11.0/29', 'fails']);
    const veths = () => fs.readdirSync('/sys/class/net').filter((n) => n.startsWith('veth')).length;
    const pins = () => mountsUnder(path.join(sb.runroot, 'netns'));
    const [vethsBefore, pinsBefore] = [veths(), pins()];
    const ipam = path.join(sb.runroot, 'networks', 'ipam', 'fails');
    const leases = () => (fs.existsSync(ipam) ? fs.readdirSync(ipam).filter((f) => /^\d/.test(f)) : []);
    // the user is looked up after the network's plugins were started: the failure must wait for them, then undo them
    for (let i = 0; i < 3; i++) {
      const r = sb.run(['run', '--rm', '--network', 'fails', '--user', 'nosuchuser', 'busybox', 'true']);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, /nosuchuser/);
    }
    assert.deepEqual(leases(), []);
    assert.equal(veths(), vethsBefore);
    assert.deepEqual(pins(), pinsBefore);
    assert.deepEqual(strayAttachments(sb), []);
    ok(sb, ['network', 'rm', 'fails']);
  });

  test('a full subnet gives a clear error; a freed address is used again', () => {
    ok(sb, ['network', 'create', '--subnet', '10.231.9.0/29', 'tiny']); // .2-.6: five addresses
    for (let i = 0; i < 5; i++) ok(sb, ['run', '-d', '--name', `t${i}`, '--network', 'tiny', 'busybox', 'sleep', '60']);
    const r = sb.run(['run', '--rm', '--network', 'tiny', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /no available IPv4 addresses on network tiny/);
    ok(sb, ['rm', '-f', 't0']);
    ok(sb, ['run', '--rm', '--network', 'tiny', 'busybox', 'true']);
    ok(sb, ['rm', '-f', 't1', 't2', 't3', 't4']);
    ok(sb, ['network', 'rm', 'tiny']);
  });
});

describe('crashes', () => {
  test('leases and interfaces of containers killed without cleanup are reclaimed', () => {
    ok(sb, ['network', 'create', '--subnet', '10.231.10.0/29', 'crash']);
    const ids = [0, 1, 2, 3, 4].map((i) => ok(sb, ['run', '-d', '--name', `c${i}`, '--network', 'crash', 'busybox', 'sleep', '60']).stdout.trim());
    // kill each monitor first (so no cleanup runs), then the init: the engine never hears of the exit
    for (const id of ids) {
      const st = JSON.parse(fs.readFileSync(path.join(sb.runroot, 'runtime', id, 'state.json'), 'utf8'));
      process.kill(st.monitorPid, 'SIGKILL');
      process.kill(st.pid, 'SIGKILL');
    }
    spawnSync('sleep', ['0.3']);
    // the subnet is "full" of dead containers: a new one gets an address anyway
    ok(sb, ['run', '--rm', '--network', 'crash', 'busybox', 'true']);
    const pins = mountsUnder(path.join(sb.runroot, 'netns'));
    assert.deepEqual(pins.filter((p) => ids.some((id) => p.endsWith(id))), [], 'pinned namespaces of dead containers released');
    ok(sb, ['rm', '-f', ...ids]);
    ok(sb, ['network', 'rm', 'crash']);
  });
});
