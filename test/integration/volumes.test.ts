// Volumes, binds, tmpfs and --read-only against the real kernel; the volume command group; system df.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, useSandbox } from '../helpers/sandbox';

const sb = useSandbox('volumes');
const ok = sb.ok;

function fails(args: string[], re: RegExp, code = 125) {
  const r = sb.run(args);
  assert.equal(r.code, code, `mydocker ${args.join(' ')}: expected exit ${code}, got ${r.code}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, re);
  return r;
}

const volumeNames = () => ok(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean);
const dataDir = (name: string) => path.join(sb.root, 'volumes', name, '_data');

describe('named volumes', () => {
  test('data in a volume outlives the container and is seen by the next one', () => {
    ok(['run', '--rm', '-v', 'persist1:/data', 'busybox', 'sh', '-c', 'echo kept > /data/file']);
    assert.ok(volumeNames().includes('persist1'));
    assert.equal(ok(['run', '--rm', '-v', 'persist1:/other', 'busybox', 'cat', '/other/file']).stdout, 'kept\n');
    assert.equal(fs.readFileSync(path.join(dataDir('persist1'), 'file'), 'utf8'), 'kept\n');
    ok(['volume', 'rm', 'persist1']);
  });

  test("is seeded from the image's content at the mount path on first use, and not overwritten later", () => {
    const passwd = ok(['run', '--rm', 'busybox', 'cat', '/etc/passwd']).stdout;
    const first = ok(['run', '--rm', '-v', 'seeded1:/etc', 'busybox', 'sh', '-c', 'cat /etc/passwd; stat -c "%a %u" /etc/passwd; echo mine > /etc/group']);
    assert.equal(first.stdout, `${passwd}644 0\n`);
    assert.equal(fs.readFileSync(path.join(dataDir('seeded1'), 'passwd'), 'utf8'), passwd);
    const second = ok(['run', '--rm', '-v', 'seeded1:/etc', 'busybox', 'cat', '/etc/group']);
    assert.equal(second.stdout, 'mine\n', 'the volume was re-seeded');
    ok(['volume', 'rm', 'seeded1']);
  });

  test('a seed killed half-way is completed by the next start, without touching what arrived', () => {
    ok(['volume', 'create', 'halfseed']);
    fs.writeFileSync(path.join(dataDir('halfseed'), 'group'), 'arrived before the crash\n');
    fs.writeFileSync(path.join(sb.root, 'volumes', 'halfseed', '.seeding'), '');
    fs.mkdirSync(path.join(sb.root, 'volumes', 'halfseed', '.seed-dead'));
    const r = ok(['run', '--rm', '-v', 'halfseed:/etc', 'busybox', 'sh', '-c', 'cat /etc/group; grep -c root /etc/passwd']);
    assert.equal(r.stdout, 'arrived before the crash\n1\n');
    assert.deepEqual(fs.readdirSync(path.join(sb.root, 'volumes', 'halfseed')).sort(), ['_data', 'volume.json']);
    ok(['volume', 'rm', 'halfseed']);
  });

  test('nocopy leaves the volume empty', () => {
    const r = ok(['run', '--rm', '-v', 'nocopy1:/etc:nocopy', 'busybox', 'ls', '-A', '/etc']);
    assert.equal(r.stdout.split('\n').filter((l) => l && !['hosts', 'hostname', 'resolv.conf'].includes(l)).length, 0, r.stdout);
    ok(['volume', 'rm', 'nocopy1']);
  });

  test(':ro and readonly are enforced', () => {
    ok(['volume', 'create', 'ro1']);
    const r = sb.run(['run', '--rm', '-v', 'ro1:/data:ro', 'busybox', 'sh', '-c', 'echo x > /data/f']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Read-only file system/);
    const m = sb.run(['run', '--rm', '--mount', 'source=ro1,target=/data,readonly', 'busybox', 'touch', '/data/f']);
    assert.match(m.stderr, /Read-only file system/);
    assert.deepEqual(fs.readdirSync(dataDir('ro1')), []);
    ok(['volume', 'rm', 'ro1']);
  });
});

describe('binds', () => {
  test('a missing host path is created as a directory; writes go both ways', () => {
    const host = path.join(sb.dir, 'bind-new', 'deep');
    ok(['run', '--rm', '-v', `${host}:/mnt/h`, 'busybox', 'sh', '-c', 'echo from-container > /mnt/h/c']);
    assert.ok(fs.statSync(host).isDirectory());
    assert.equal(fs.readFileSync(path.join(host, 'c'), 'utf8'), 'from-container\n');
    fs.writeFileSync(path.join(host, 'h'), 'from-host');
    assert.equal(ok(['run', '--rm', '--mount', `type=bind,source=${host},target=/x`, 'busybox', 'cat', '/x/h']).stdout, 'from-host');
  });

  test(':ro binds refuse writes; a bound file works', () => {
    const host = path.join(sb.dir, 'bind-ro');
    fs.mkdirSync(host);
    const file = path.join(sb.dir, 'bound-file');
    fs.writeFileSync(file, 'one file\n');
    const r = sb.run(['run', '--rm', '-v', `${host}:/ro:ro`, '-v', `${file}:/etc/motd`, 'busybox', 'sh', '-c', 'cat /etc/motd; touch /ro/x']);
    assert.equal(r.stdout, 'one file\n');
    assert.match(r.stderr, /touch: \/ro\/x: Read-only file system/);
    assert.deepEqual(fs.readdirSync(host), []);
  });

  test('--mount type=bind refuses a missing source, like docker', () => {
    const before = sb.containerIds().length;
    fails(['run', '--rm', '--mount', `type=bind,source=${path.join(sb.dir, 'nope')},target=/x`, 'busybox', 'true'], /bind source path does not exist/);
    assert.equal(sb.containerIds().length, before);
    assert.equal(fs.existsSync(path.join(sb.dir, 'nope')), false);
  });
});

describe('anonymous volumes', () => {
  test('rm keeps them, rm -v removes them; named volumes survive rm -v', () => {
    const keep = ok(['run', '-v', '/anon', 'busybox', 'sh', '-c', 'echo a > /anon/f']).stdout;
    assert.equal(keep, '');
    const id1 = sb.containerIds()[0];
    const before = volumeNames();
    assert.equal(before.length, 1);
    assert.match(before[0], /^[a-f0-9]{64}$/);
    const inspect = JSON.parse(ok(['volume', 'inspect', before[0]]).stdout);
    assert.deepEqual(inspect[0].Labels, { 'com.docker.volume.anonymous': '' });
    ok(['rm', id1]);
    assert.deepEqual(volumeNames(), before, 'rm without -v removed the volume');
    ok(['volume', 'rm', before[0]]);

    ok(['run', '--name', 'anon2', '-v', '/anon', '-v', 'named-kept:/named', 'busybox', 'true']);
    assert.equal(volumeNames().length, 2);
    ok(['rm', '-v', 'anon2']);
    assert.deepEqual(volumeNames(), ['named-kept']);
    ok(['volume', 'rm', 'named-kept']);
  });

  test("an image's VOLUMEs become anonymous volumes, seeded from the image", () => {
    ok(['run', '--name', 'withvol', 'busybox', 'sh', '-c', 'mkdir /appdata && echo seed > /appdata/s']);
    ok(['commit', '-c', 'VOLUME /appdata', 'withvol', 'volimage:1']);
    ok(['rm', 'withvol']);
    const r = ok(['run', '--name', 'uses-vol', 'volimage:1', 'sh', '-c', 'cat /appdata/s; grep -c " /appdata " /proc/mounts; echo more > /appdata/m']);
    assert.equal(r.stdout, 'seed\n1\n');
    const [name] = volumeNames();
    assert.match(name, /^[a-f0-9]{64}$/);
    assert.deepEqual(fs.readdirSync(dataDir(name)).sort(), ['m', 's']);
    // a user mount at the same place wins over the image's volume
    const own = path.join(sb.dir, 'own-appdata');
    assert.equal(ok(['run', '--rm', '-v', `${own}:/appdata`, 'volimage:1', 'ls', '-A', '/appdata']).stdout, '');
    ok(['rm', '-v', 'uses-vol']);
    assert.deepEqual(volumeNames(), []);
    ok(['rmi', 'volimage:1']);
  });

  test('--rm removes the anonymous volumes too (docker does)', () => {
    ok(['run', '--rm', '-v', '/anon', 'busybox', 'true']);
    assert.deepEqual(volumeNames(), []);
  });
});

describe('tmpfs and --read-only', () => {
  test('--tmpfs and --mount type=tmpfs are tmpfs mounts with their options', () => {
    const r = ok(['run', '--rm', '--tmpfs', '/t1:size=1m,exec', '--mount', 'type=tmpfs,target=/t2,tmpfs-size=2m,tmpfs-mode=700', 'busybox', 'sh', '-c',
      'grep -E " /t[12] " /proc/mounts; stat -c %a /t2; echo hi > /t1/f; cat /t1/f']);
    assert.match(r.stdout, /^tmpfs \/t1 tmpfs rw,nosuid,nodev,relatime,size=1024k/m);
    assert.match(r.stdout, /^tmpfs \/t2 tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k,mode=700/m);
    assert.match(r.stdout, /^700\nhi\n$/m);
  });

  test('--read-only: the root refuses writes, volumes, tmpfs and /etc/hosts stay writable', () => {
    const r = sb.run(['run', '--rm', '--read-only', '-v', '/vol', '--tmpfs', '/tmp', 'busybox', 'sh', '-c',
      'touch /rootfile; echo v > /vol/f && echo vol-ok; echo t > /tmp/f && echo tmp-ok; echo "1.2.3.4 x" >> /etc/hosts && echo hosts-ok']);
    assert.match(r.stderr, /touch: \/rootfile: Read-only file system/);
    assert.match(r.stdout, /vol-ok\ntmp-ok\nhosts-ok/);
    assert.equal(r.code, 0);
  });
});

describe('bad input', () => {
  test('mistakes are refused before anything exists', () => {
    const before = sb.containerIds().length;
    fails(['run', '-v', './relative:/x', 'busybox', 'true'], /invalid characters for a local volume name/);
    fails(['run', '-v', '/a:/x', '--tmpfs', '/x', 'busybox', 'true'], /duplicate mount point: \/x/);
    fails(['run', '-v', '/a:/', 'busybox', 'true'], /destination can't be '\/'/);
    fails(['run', '--mount', 'type=bind,src=/a,target=/x,volume-nocopy', 'busybox', 'true'], /cannot mix/);
    fails(['run', '--tmpfs', '/x:upperdir=/etc', 'busybox', 'true'], /invalid tmpfs option/);
    fails(['volume', 'create', '../escape'], /invalid characters/);
    assert.equal(sb.containerIds().length, before);
    assert.deepEqual(volumeNames(), []);
  });
});

describe('volume commands', () => {
  test('create, ls (filters, -q, format), inspect, rm', () => {
    assert.equal(ok(['volume', 'create', '--label', 'team=a', 'v-one']).stdout, 'v-one\n');
    assert.equal(ok(['volume', 'create', 'v-one']).stdout, 'v-one\n', 'creating an existing volume returns it');
    const anon = ok(['volume', 'create']).stdout.trim();
    assert.match(anon, /^[a-f0-9]{64}$/);
    const table = ok(['volume', 'ls']).stdout;
    assert.equal(table, `DRIVER    VOLUME NAME\nlocal     ${anon}\nlocal     v-one\n`);
    assert.equal(ok(['volume', 'ls', '-q', '--filter', 'label=team=a']).stdout, 'v-one\n');
    assert.equal(ok(['volume', 'ls', '-q', '-f', 'name=one']).stdout, 'v-one\n');
    assert.equal(ok(['volume', 'ls', '--format', '{{.Name}} {{.Labels}}', '-f', 'label=team']).stdout, 'v-one team=a\n');
    const [info] = JSON.parse(ok(['volume', 'inspect', 'v-one']).stdout);
    assert.deepEqual(Object.keys(info), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.deepEqual([info.Driver, info.Name, info.Scope, info.Options, info.Labels], ['local', 'v-one', 'local', null, { team: 'a' }]);
    assert.equal(info.Mountpoint, dataDir('v-one'));
    assert.equal(ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'v-one']).stdout, `${dataDir('v-one')}\n`);
    fails(['volume', 'inspect', 'nope1'], /no such volume: nope1/, 125);
    assert.equal(ok(['volume', 'rm', 'v-one', anon]).stdout, `v-one\n${anon}\n`);
    fails(['volume', 'rm', 'v-one'], /no such volume: v-one/);
    ok(['volume', 'rm', '-f', 'v-one']);
  });

  test('a volume in use cannot be removed; the error names the container', async () => {
    const id = ok(['run', '-d', '--name', 'holder', '-v', 'busy1:/data', 'busybox', 'sleep', '1000']).stdout.trim();
    try {
      fails(['volume', 'rm', 'busy1'], new RegExp(`volume is in use by container holder \\(${id.slice(0, 12)}\\)`));
      fails(['volume', 'rm', '-f', 'busy1'], /in use by container holder/); // never while it runs
      assert.equal(ok(['volume', 'ls', '-q', '--filter', 'dangling=true']).stdout, '');
      ok(['stop', '-t', '1', 'holder']);
      fails(['volume', 'rm', 'busy1'], /in use by container holder/);
      ok(['volume', 'rm', '-f', 'busy1']); // only a stopped container names it
      assert.deepEqual(volumeNames(), []);
    } finally {
      sb.run(['rm', '-f', 'holder']);
    }
  });

  test('prune removes unused anonymous volumes; -a every unused one', () => {
    ok(['volume', 'create', 'pr-named']);
    ok(['run', '--name', 'pr-anon', '-v', '/anon-pruned', 'busybox', 'sh', '-c', 'head -c 1000 /dev/zero > /anon-pruned/z']);
    ok(['run', '--name', 'pr-user', '-v', 'pr-used:/u', 'busybox', 'true']);
    ok(['rm', 'pr-anon']); // its anonymous volume is now unused
    const anon = volumeNames().filter((n) => /^[a-f0-9]{64}$/.test(n));
    assert.equal(anon.length, 1);
    const p = ok(['volume', 'prune', '-f']).stdout;
    assert.equal(p, `Deleted Volumes:\n${anon[0]}\n\nTotal reclaimed space: 1kB\n`);
    assert.deepEqual(volumeNames(), ['pr-named', 'pr-used']);
    assert.equal(ok(['volume', 'prune', '-f', '-a']).stdout, 'Deleted Volumes:\npr-named\n\nTotal reclaimed space: 0B\n');
    ok(['rm', 'pr-user']);
    ok(['volume', 'rm', 'pr-used']);
  });

  test('concurrent creates of one name from many processes all succeed with one volume', async () => {
    const runs = Array.from({ length: 6 }, () => new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(MYDOCKER, [...sb.globalArgs, 'volume', 'create', 'raced'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    }));
    const results = await Promise.all(runs);
    assert.deepEqual(results.map((r) => [r.code, r.out]), results.map(() => [0, 'raced\n']));
    assert.deepEqual(volumeNames(), ['raced']);
    ok(['volume', 'rm', 'raced']);
  });
});

describe('system df', () => {
  test("docker's table, counting images, containers and volumes", () => {
    ok(['run', '--name', 'df1', '-v', 'df-vol:/v', 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /big; head -c 3000 /dev/zero > /v/z']);
    try {
      const out = ok(['system', 'df']).stdout;
      const lines = out.split('\n');
      assert.equal(lines[0], 'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE');
      assert.match(lines[1], /^Images\s+1\s+1\s+\S+MB\s+0B \(0%\)$/);
      assert.match(lines[2], /^Containers\s+1\s+0\s+5kB\s+5kB \(100%\)$/);
      assert.match(lines[3], /^Local Volumes\s+1\s+1\s+3kB\s+0B \(0%\)$/);
      assert.match(lines[4], /^Build Cache\s+0\s+0\s+0B\s+0B$/);
      const verbose = ok(['system', 'df', '-v']).stdout;
      assert.match(verbose, /Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\nbusybox\s+latest/);
      assert.match(verbose, /Containers space usage:\n\nCONTAINER ID\s+IMAGE\s+COMMAND\s+LOCAL VOLUMES\s+SIZE\s+CREATED\s+STATUS\s+NAMES\n[0-9a-f]{12}\s+busybox\s+"sh -c .*\s+1\s+5kB\s+.*Exited \(0\).*df1\n/);
      assert.match(verbose, /Local Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\ndf-vol\s+1\s+3kB\n/);
      const json = ok(['system', 'df', '--format', 'json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(json[2], { Type: 'Local Volumes', TotalCount: '1', Active: '1', Size: '3kB', Reclaimable: '0B (0%)' });
    } finally {
      sb.run(['rm', 'df1']);
      sb.run(['volume', 'rm', 'df-vol']);
    }
  });
});
