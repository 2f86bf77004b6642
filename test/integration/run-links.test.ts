// run/create --volumes-from, --link, --domainname, --dns-option, --mac-address and --annotation: checked inside
// the container (files, /etc/hosts, ping, resolv.conf, the kernel's domainname, eth0's MAC), in inspect and in
// the bundle's config.json; then the same flags through the Engine API, sent by the unmodified docker CLI.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';
import { ApiServiceProcess } from '../helpers/api-service';

const sb = useSandbox('run-links');
const ok = sb.ok;
const inspect = (ref: string) => JSON.parse(ok(['inspect', ref]).stdout)[0];

function refused(args: string[], message: RegExp): void {
  const before = sb.containerIds().length;
  const r = sb.run(args);
  assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(sb.containerIds().length, before, `${args.join(' ')} left a container`);
}

describe('--volumes-from', () => {
  test('the same volumes and binds at the same paths; :ro makes them read-only; the donor need not run', () => {
    const hostDir = path.join(sb.dir, 'bound');
    fs.mkdirSync(hostDir);
    fs.writeFileSync(path.join(hostDir, 'f'), 'from the host\n');
    ok(['create', '--name', 'vdonor', '-v', '/anon', '-v', 'named-vf:/named', '-v', `${hostDir}:/bind`, '--tmpfs', '/scratch', 'busybox', 'true']);
    const w = ok(['run', '--rm', '--volumes-from', 'vdonor', 'busybox', 'sh', '-c',
      'echo a > /anon/a && echo n > /named/n && cat /bind/f && (grep -q " /scratch " /proc/mounts && echo has-tmpfs || echo no-tmpfs)']);
    assert.match(w.stdout, /^from the host$/m);
    assert.match(w.stdout, /^no-tmpfs$/m, 'a tmpfs is the donor\'s alone');
    const r = sb.run(['run', '--rm', '--volumes-from', 'vdonor:ro', 'busybox', 'sh', '-c', 'cat /anon/a /named/n; touch /anon/b']);
    assert.match(r.stdout, /^a\nn$/m);
    assert.match(r.stderr, /Read-only file system/);
    assert.notEqual(r.code, 0);
    const id = ok(['create', '--volumes-from', 'vdonor', '-v', 'mine:/named', 'busybox', 'true']).stdout.trim();
    const c = inspect(id);
    assert.deepEqual(c.HostConfig.VolumesFrom, ['vdonor']);
    const donorMounts = inspect('vdonor').Mounts;
    const byDest = Object.fromEntries(c.Mounts.map((m: { Destination: string; Source: string; Name?: string }) => [m.Destination, m]));
    assert.equal(byDest['/anon'].Source, donorMounts.find((m: { Destination: string }) => m.Destination === '/anon').Source);
    assert.equal(byDest['/bind'].Source, hostDir);
    assert.equal(byDest['/named'].Name, 'mine', 'the container\'s own -v wins');
    ok(['rm', '-v', id]);
    assert.match(ok(['volume', 'ls', '-q']).stdout, new RegExp(donorMounts.find((m: { Destination: string }) => m.Destination === '/anon').Name),
      'rm -v of the borrower keeps the donor\'s anonymous volume');
    ok(['rm', '-v', 'vdonor']);
    ok(['volume', 'rm', 'named-vf']); // "mine" was never made: volumes are made at the first start
  });

  test('a missing container or a bad mode: one line, exit 125, nothing created', () => {
    refused(['run', '--rm', '--volumes-from', 'nobody', 'busybox', 'true'], /no such container: nobody/);
    refused(['create', '--volumes-from', 'x:rx', 'busybox', 'true'], /invalid value "x:rx" for --volumes-from/);
  });
});

describe('--link', () => {
  test('the alias and the name resolve to the linked container\'s address on the default bridge', () => {
    ok(['run', '-d', '--name', 'linkdb', '--hostname', 'dbhost', 'busybox', 'sleep', '1000']);
    const ip = inspect('linkdb').NetworkSettings.IPAddress;
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    const r = ok(['run', '--rm', '--name', 'linkweb', '--link', 'linkdb:data', 'busybox', 'sh', '-c', 'cat /etc/hosts; ping -c1 -W5 data; ping -c1 -W5 linkdb']);
    assert.match(r.stdout, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tdata dbhost linkdb$`, 'm'));
    assert.equal((r.stdout.match(/1 packets received/g) ?? []).length, 2, r.stdout);
    const id = ok(['create', '--name', 'linkweb2', '--link', 'linkdb:data', 'busybox', 'true']).stdout.trim();
    assert.deepEqual(inspect(id).HostConfig.Links, ['/linkdb:/linkweb2/data']);
    ok(['rm', id]);
  });

  test('a stopped or missing container, and links with host or container networking, are refused', () => {
    ok(['create', '--name', 'linkidle', 'busybox', 'true']);
    refused(['run', '--rm', '--link', 'linkidle', 'busybox', 'true'], /cannot link to a non running container: \/linkidle AS \/\S+\/linkidle/);
    refused(['run', '--rm', '--link', 'nobody:x', 'busybox', 'true'], /no such container: nobody/);
    refused(['run', '--rm', '--network', 'host', '--link', 'linkdb', 'busybox', 'true'], /conflicting options: host type networking can't be used with links/);
    refused(['create', '--link', 'a:b:c', 'busybox', 'true'], /invalid value "a:b:c" for --link/);
    ok(['rm', '-f', 'linkidle', 'linkdb']);
  });
});

describe('--domainname, --dns-option, --mac-address, --annotation', () => {
  test('the kernel\'s domain name, resolv.conf options, eth0\'s MAC', () => {
    const r = ok(['run', '--rm', '--domainname', 'example.org', '--dns-option', 'ndots:3', '--dns-option', 'timeout:2',
      '--mac-address', '02:42:ac:11:00:99', 'busybox', 'sh', '-c', 'cat /proc/sys/kernel/domainname; grep ^options /etc/resolv.conf; cat /sys/class/net/eth0/address']);
    assert.deepEqual(r.stdout.trim().split('\n'), ['example.org', 'options ndots:3 timeout:2', '02:42:ac:11:00:99']);
    const plain = ok(['run', '--rm', 'busybox', 'cat', '/proc/sys/kernel/domainname', '/sys/class/net/eth0/address']).stdout.trim().split('\n');
    assert.notEqual(plain[0], 'example.org');
    assert.notEqual(plain[1], '02:42:ac:11:00:99');
  });

  test('inspect shows them, and the annotations reach the OCI config.json', () => {
    const id = ok(['create', '--domainname', 'example.org', '--dns-option', 'ndots:3', '--annotation', 'com.example/team=storage',
      '--annotation', 'org.example.empty', 'busybox', 'true']).stdout.trim();
    ok(['start', '-a', id]);
    const c = inspect(id);
    assert.equal(c.Config.Domainname, 'example.org');
    assert.deepEqual(c.HostConfig.DnsOptions, ['ndots:3']);
    assert.deepEqual(c.HostConfig.Annotations, { 'com.example/team': 'storage', 'org.example.empty': '' });
    const bundle = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', id, 'config.json'), 'utf8'));
    assert.deepEqual(bundle.annotations, { 'com.example/team': 'storage', 'org.example.empty': '' });
    assert.equal(bundle.domainname, 'example.org');
    ok(['rm', id]);
  });

  test('bad values and conflicts: one line, exit 125, nothing created', () => {
    refused(['run', '--rm', '--mac-address', 'nope', 'busybox', 'true'], /invalid value "nope" for --mac-address/);
    refused(['run', '--rm', '--mac-address', '01:00:5e:00:00:01', 'busybox', 'true'], /multicast/);
    refused(['run', '--rm', '--network', 'none', '--mac-address', '02:42:ac:11:00:99', 'busybox', 'true'], /conflicting options: mac-address/);
    refused(['run', '--rm', '--domainname', 'bad_name!', 'busybox', 'true'], /--domainname/);
    refused(['create', '--uts', 'host', '--domainname', 'example.org', 'busybox', 'true'], /domainname and the UTS mode/);
    refused(['create', '--annotation', '=v', 'busybox', 'true'], /--annotation: the key is empty/);
  });
});

describe('through the Engine API (the docker CLI sends the create body)', () => {
  const api = new ApiServiceProcess(sb);
  before(async () => {
    await api.start();
  });
  after(async () => {
    assert.deepEqual(await api.stop(), [], 'the service did not stop cleanly');
  });
  const docker = (args: string[]) => {
    const r = api.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}\n--- service log:\n${api.logTail(15)}`);
    return r.stdout;
  };

  test('--init, --pid host, --shm-size, --volumes-from, --link, --domainname, --dns-option, --mac-address, --annotation', () => {
    docker(['run', '-d', '--name', 'apidb', '-v', '/shared', 'busybox', 'sh', '-c', 'echo api > /shared/f; exec sleep 1000']);
    const out = docker(['run', '--rm', '--init', '--pid', 'host', '--shm-size', '8m', '--volumes-from', 'apidb', '--link', 'apidb:store',
      '--domainname', 'example.org', '--dns-option', 'ndots:4', '--mac-address', '02:42:ac:11:00:77', '--annotation', 'a.b/c=d', 'busybox', 'sh', '-c',
      `cat /shared/f; grep -c store /etc/hosts; cat /proc/sys/kernel/domainname; grep ^options /etc/resolv.conf; cat /sys/class/net/eth0/address; `
      + `df -k /dev/shm | tail -1 | awk '{print $2}'; test -d /proc/${process.pid} && echo host-pids; tr '\\0' ' ' </proc/$PPID/cmdline; echo`]);
    const lines = out.trim().split('\n');
    assert.deepEqual(lines.slice(0, 7), ['api', '1', 'example.org', 'options ndots:4', '02:42:ac:11:00:77', '8192', 'host-pids']);
    assert.match(lines[7], /^\/sbin\/docker-init -- sh -c /, 'the command runs under the init');
    const id = docker(['create', '--annotation', 'a.b/c=d', '--ipc', 'shareable', '--uts', 'host', '--cgroupns', 'host', 'busybox', 'true']).trim();
    const hc = JSON.parse(docker(['inspect', id]))[0].HostConfig;
    assert.deepEqual([hc.IpcMode, hc.UTSMode, hc.CgroupnsMode, hc.Annotations], ['shareable', 'host', 'host', { 'a.b/c': 'd' }]);
    docker(['rm', '-f', id, 'apidb']);
  });

  test('refusals reach the docker CLI as the daemon\'s error', () => {
    const r = api.docker(['run', '--rm', '--pid', 'container:nobody', 'busybox', 'true']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(r.stderr, /no such container: nobody/);
  });
});
