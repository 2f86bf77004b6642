// docker cp against the real kernel: docker's path rules, ownership (-a), -L, stopped containers and
// volumes, and the two ways a hostile container could make cp touch host files: a symlink planted
// at the destination name, and a directory swapped for a symlink to / while cp walks it
// (CVE-2018-15664).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox, type Result } from '../helpers/sandbox';

const sb = useSandbox('cp');
const ok = (args: string[]) => sb.ok(args).stdout;

function fails(args: string[], re: RegExp): void {
  const r = sb.run(args);
  assert.equal(r.code, 125, `mydocker ${args.join(' ')}: expected exit 125, got ${r.code}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, re);
}

/** Runs mydocker without blocking, so several cp runs overlap their start-up. */
function runAsync(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = sb.spawn(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function inParallel(count: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await fn(next++);
  }));
}

/** A fresh host directory for one case. */
let cases = 0;
function scratch(): string {
  const dir = path.join(sb.dir, `case${++cases}`);
  fs.mkdirSync(dir);
  return dir;
}

const WIDTH = Number(process.env.CP_WIDTH ?? 2);
const tree = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
const inContainer = (name: string, script: string) => ok(['exec', name, 'sh', '-c', script]);

describe('cp', () => {
  before(() => {
    ok(['run', '-d', '--name', 'c1', 'busybox', 'sh', '-c',
      'mkdir -p /data/dir/sub && echo file > /data/file && echo a > /data/dir/a && echo b > /data/dir/sub/b && sleep 600']);
  });
  // before the sandbox's own check for leftovers, also when a test failed half-way
  after(() => {
    sb.run(['rm', '-f', 'c1', 'racer', 'stopped', 'vol']);
  });

  describe('follows docker rules', () => {
    test('copying out of a container', () => {
      const rules: { name: string; src: string; dst: string; before?: (d: string) => void; expect: string[] | RegExp }[] = [
        { name: 'file to a new name', src: '/data/file', dst: 'new', expect: ['new'] },
        { name: 'file into an existing dir', src: '/data/file', dst: 'out', before: (d) => fs.mkdirSync(`${d}/out`), expect: ['out', 'out/file'] },
        { name: 'file over an existing file', src: '/data/file', dst: 'f', before: (d) => fs.writeFileSync(`${d}/f`, 'old'), expect: ['f'] },
        { name: 'file to a missing dir/', src: '/data/file', dst: 'nodir/', expect: /destination directory .*nodir\/ on the host does not exist/ },
        { name: 'file with a trailing /', src: '/data/file/', dst: 'x', expect: /\/data\/file\/ in container c1 is not a directory/ },
        { name: 'dir to a new name', src: '/data/dir', dst: 'new', expect: ['new', 'new/a', 'new/sub', 'new/sub/b'] },
        { name: 'dir into an existing dir', src: '/data/dir', dst: 'out', before: (d) => fs.mkdirSync(`${d}/out`), expect: ['out', 'out/dir', 'out/dir/a', 'out/dir/sub', 'out/dir/sub/b'] },
        { name: 'dir/. into an existing dir', src: '/data/dir/.', dst: 'out', before: (d) => fs.mkdirSync(`${d}/out`), expect: ['out', 'out/a', 'out/sub', 'out/sub/b'] },
        { name: 'dir onto a file', src: '/data/dir', dst: 'f', before: (d) => fs.writeFileSync(`${d}/f`, 'old'), expect: /cannot copy a directory onto the file/ },
        { name: 'missing source', src: '/data/nope', dst: 'x', expect: /could not find the file \/data\/nope in container c1/ },
        { name: 'missing parent', src: '/data/file', dst: 'no/such/x', expect: /could not find the file .*\/no\/such on the host/ },
      ];
      for (const rule of rules) {
        const dir = scratch();
        rule.before?.(dir);
        const args = ['cp', `c1:${rule.src}`, path.join(dir, rule.dst)]; // join keeps a trailing /
        if (rule.expect instanceof RegExp) fails(args, rule.expect);
        else {
          ok(args);
          assert.deepEqual(tree(dir), rule.expect, rule.name);
        }
      }
      const dir = scratch();
      ok(['cp', 'c1:/data/file', `${dir}/f`]);
      assert.equal(fs.readFileSync(`${dir}/f`, 'utf8'), 'file\n');
    });

    test('copying into a container', () => {
      const src = scratch();
      fs.mkdirSync(`${src}/tree/sub`, { recursive: true });
      fs.writeFileSync(`${src}/tree/sub/f`, 'in');
      fs.writeFileSync(`${src}/one`, 'one');
      inContainer('c1', 'mkdir -p /in/existing && echo old > /in/file');
      ok(['cp', `${src}/one`, 'c1:/in/new']);
      ok(['cp', `${src}/one`, 'c1:/in/existing']);
      ok(['cp', `${src}/one`, 'c1:/in/file']);
      ok(['cp', `${src}/tree`, 'c1:/in/existing']);
      ok(['cp', `${src}/tree/.`, 'c1:/in/contents']);
      assert.equal(inContainer('c1', 'cd /in && find . | sort | tr "\\n" " "; cat file'),
        '. ./contents ./contents/sub ./contents/sub/f ./existing ./existing/one ./existing/tree ./existing/tree/sub ./existing/tree/sub/f ./file ./new one');
      fails(['cp', `${src}/one`, 'c1:/in/none/'], /destination directory \/in\/none\/ in container c1 does not exist/);
      fails(['cp', `${src}/one`, 'c1:/nope/x'], /could not find the file \/nope in container c1/);
      fails(['cp', `${src}/tree`, 'c1:/in/file'], /cannot copy a directory onto the file \/in\/file in container c1/);
      fails(['cp', `${src}/tree`, 'c2:/in'], /no such container|not found/i);
    });

    test('ownership: the destination user by default, the source ids with -a; modes and mtimes kept', () => {
      const dir = scratch();
      const f = `${dir}/owned`;
      fs.writeFileSync(f, 'x');
      fs.chownSync(f, 1234, 5678);
      fs.chmodSync(f, 0o4751);
      fs.utimesSync(f, new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
      ok(['cp', f, 'c1:/tmp/default']);
      ok(['cp', '-a', f, 'c1:/tmp/archive']);
      assert.equal(inContainer('c1', 'stat -c "%u:%g %a %Y" /tmp/default /tmp/archive'), '0:0 4751 981173106\n1234:5678 4751 981173106\n');

      inContainer('c1', 'echo o > /tmp/o && chown 1234:5678 /tmp/o && ln -s /data/file /tmp/olink && chown -h 4321:8765 /tmp/olink');
      ok(['cp', 'c1:/tmp/o', `${dir}/out-default`]);
      ok(['cp', '--archive', 'c1:/tmp/o', `${dir}/out-archive`]);
      ok(['cp', '-a', 'c1:/tmp/olink', `${dir}/link-archive`]);
      const st = (p: string) => fs.lstatSync(p);
      assert.deepEqual([st(`${dir}/out-default`).uid, st(`${dir}/out-default`).gid], [0, 0]);
      assert.deepEqual([st(`${dir}/out-archive`).uid, st(`${dir}/out-archive`).gid], [1234, 5678]);
      assert.deepEqual([st(`${dir}/link-archive`).uid, st(`${dir}/link-archive`).gid], [4321, 8765]);
    });

    test('symlinks are copied as links; -L copies what the source link points to', () => {
      const dir = scratch();
      inContainer('c1', 'ln -sf /data/file /tmp/flink; ln -sfn /data/dir /tmp/dlink');
      ok(['cp', 'c1:/tmp/flink', `${dir}/plain`]);
      assert.equal(fs.readlinkSync(`${dir}/plain`), '/data/file');
      ok(['cp', '-L', 'c1:/tmp/flink', `${dir}/followed`]);
      assert.equal(fs.readFileSync(`${dir}/followed`, 'utf8'), 'file\n');
      ok(['cp', '--follow-link', 'c1:/tmp/dlink', `${dir}/dfollowed`]);
      assert.deepEqual(tree(`${dir}/dfollowed`), ['a', 'sub', 'sub/b']);
      fs.symlinkSync('/etc/hostname', `${dir}/hostlink`);
      ok(['cp', `${dir}/hostlink`, 'c1:/tmp/']);
      assert.equal(inContainer('c1', 'readlink /tmp/hostlink'), '/etc/hostname\n');
    });

    test('a stopped container, in and out; a volume of a running container', () => {
      const dir = scratch();
      ok(['run', '--name', 'stopped', 'busybox', 'sh', '-c', 'echo was here > /s.txt']);
      ok(['cp', 'stopped:/s.txt', `${dir}/s.txt`]);
      assert.equal(fs.readFileSync(`${dir}/s.txt`, 'utf8'), 'was here\n');
      fs.writeFileSync(`${dir}/in.txt`, 'put while stopped');
      ok(['cp', `${dir}/in.txt`, 'stopped:/in.txt']);
      ok(['cp', 'stopped:/in.txt', `${dir}/back.txt`]);
      assert.equal(fs.readFileSync(`${dir}/back.txt`, 'utf8'), 'put while stopped');
      ok(['rm', 'stopped']);

      ok(['run', '-d', '--name', 'vol', '-v', 'cpvol:/data', 'busybox', 'sleep', '600']);
      ok(['cp', `${dir}/in.txt`, 'vol:/data/']);
      assert.equal(fs.readFileSync(path.join(sb.root, 'volumes', 'cpvol', '_data', 'in.txt'), 'utf8'), 'put while stopped');
      assert.equal(inContainer('vol', 'cat /data/in.txt'), 'put while stopped');
      inContainer('vol', 'echo from volume > /data/v.txt');
      ok(['cp', 'vol:/data/v.txt', `${dir}/v.txt`]);
      assert.equal(fs.readFileSync(`${dir}/v.txt`, 'utf8'), 'from volume\n');
      ok(['rm', '-f', 'vol']);
      ok(['volume', 'rm', 'cpvol']);
    });
  });

  describe('never reaches host files through the container', () => {
    test('a symlink planted at the destination name', () => {
      const dir = scratch();
      const hostFile = `${dir}/hostfile`;
      fs.writeFileSync(hostFile, 'host\n');
      fs.chmodSync(hostFile, 0o600);
      fs.mkdirSync(`${dir}/src`);
      fs.writeFileSync(`${dir}/src/x`, 'from cp\n');
      fs.chmodSync(`${dir}/src/x`, 0o755);
      const hostUnchanged = () => {
        assert.equal(fs.readFileSync(hostFile, 'utf8'), 'host\n', 'the host file was overwritten');
        assert.equal(fs.statSync(hostFile).mode & 0o7777, 0o600, 'the host file was chmod-ed');
      };

      // into the directory: the link is replaced by the file, as docker's extraction does
      inContainer('c1', `ln -sfn ${hostFile} /tmp/x`);
      ok(['cp', `${dir}/src/x`, 'c1:/tmp/']);
      hostUnchanged();
      assert.equal(inContainer('c1', 'test -f /tmp/x && test ! -L /tmp/x && stat -c %a /tmp/x && cat /tmp/x'), '755\nfrom cp\n');

      // named: docker follows the link, but inside the container's root
      inContainer('c1', `rm /tmp/x && ln -s ${hostFile} /tmp/x && mkdir -p ${dir}`);
      ok(['cp', `${dir}/src/x`, 'c1:/tmp/x']);
      hostUnchanged();
      assert.equal(inContainer('c1', `test -L /tmp/x && cat ${hostFile}`), 'from cp\n');

      // and reading through it with -L stays inside the container too
      ok(['cp', '-L', 'c1:/tmp/x', `${dir}/read`]);
      assert.equal(fs.readFileSync(`${dir}/read`, 'utf8'), 'from cp\n');
    });

    test('CVE-2018-15664: a directory swapped for a symlink to / while cp runs, 100 tries each way', async () => {
      const dir = scratch();
      // Five files a try, so that the old path-based copy, which resolved the path again for each
      // file, had five chances a try to meet the link.
      const files = ['0', '1', '2', '3', '4'];
      fs.mkdirSync(`${dir}/secret`);
      fs.mkdirSync(`${dir}/payload`);
      for (const f of files) {
        fs.writeFileSync(`${dir}/secret/${f}`, 'HOST SECRET\n');
        fs.writeFileSync(`${dir}/payload/${f}`, 'from cp\n');
      }
      // /w/d is in turn a directory (holding decoys at the sandbox's path) and a symlink to /; each
      // rename is atomic, so the name is a directory, missing, a link, missing, and so on.
      ok(['run', '-d', '--name', 'racer', 'busybox', 'sh', '-c',
        `mkdir -p /w/d0${dir}/secret && cd /w/d0${dir}/secret && touch ${files.join(' ')} && ` +
        'ln -s / /w/l && mv -T /w/d0 /w/d && touch /w/ready && ' +
        'while :; do mv -T /w/d /w/d0; mv -T /w/l /w/d; mv -T /w/d /w/l; mv -T /w/d0 /w/d; done']);
      inContainer('racer', 'while [ ! -e /w/ready ]; do sleep 0.01; done');

      const tries = 100;
      let readsLeaked = 0;
      let readsOk = 0;
      await inParallel(tries, WIDTH, async (i) => {
        const out = `${dir}/out${i}`;
        if ((await runAsync(['cp', `racer:/w/d${dir}/secret`, out])).code === 0) readsOk++;
        if (fs.existsSync(out) && tree(out).some((f) => fs.readFileSync(`${out}/${f}`, 'utf8').includes('HOST SECRET'))) readsLeaked++;
      });
      let writesLeaked = 0;
      let writesOk = 0;
      await inParallel(tries, WIDTH, async (i) => {
        if ((await runAsync(['cp', `${dir}/payload`, `racer:/w/d${dir}/in${i}`])).code === 0) writesOk++;
        if (fs.existsSync(`${dir}/in${i}`)) writesLeaked++;
      });
      ok(['rm', '-f', 'racer']);
      assert.equal(readsLeaked, 0, `${readsLeaked} of ${tries} reads returned host files`);
      assert.equal(writesLeaked, 0, `${writesLeaked} of ${tries} writes landed on the host`);
      // the race was on: some copies met the directory, others the link or nothing
      assert.ok(readsOk > 0 && readsOk < tries, `reads that succeeded: ${readsOk} of ${tries}`);
      assert.ok(writesOk > 0 && writesOk < tries, `writes that succeeded: ${writesOk} of ${tries}`);
    });
  });
});
