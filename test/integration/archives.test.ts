// docker-archive and oci-archive both ways with podman (4.3, runc, private storage and containers.conf), and
// hostile archives through the CLI: refused with one line, nothing imported, no staging left.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, type Result } from '../helpers/sandbox';

let sb: Sandbox;
let podmanDir: string;
/** Absolute, ours: podman's default would be a host-wide /libpod_parent. */
const PODMAN_CGROUP_PARENT = '/mydocker-test-podman-archives';
let tarball: string;
const IMAGE = 'localhost/archive-test:latest';

/** podman with its own storage, runtime state, tmp dir and containers.conf (default_ulimits at the host's hard limits). */
function podman(args: string[], opts: { input?: Buffer } = {}): Result {
  const res = spawnSync('podman', [
    '--root', path.join(podmanDir, 'root'), '--runroot', path.join(podmanDir, 'run'), '--tmpdir', path.join(podmanDir, 'tmp'),
    '--runtime', 'runc', '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'none', ...args,
  ], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CONTAINERS_CONF: path.join(podmanDir, 'containers.conf'), TMPDIR: path.join(podmanDir, 'tmp') },
    ...(opts.input ? { input: opts.input } : {}),
  });
  return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
}

function ok(r: Result): Result {
  assert.equal(r.code, 0, r.stderr);
  return r;
}

/** The hard limit of a resource from /proc/self/limits ("Max open files" …). */
function hardLimit(name: string): string {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  return line?.slice(26).trim().split(/\s+/)[1] ?? 'unlimited';
}

before(() => {
  sb = new Sandbox('archives');
  podmanDir = path.join(sb.dir, 'podman');
  fs.mkdirSync(path.join(podmanDir, 'tmp'), { recursive: true });
  // root here lacks CAP_SYS_RESOURCE: podman's default ulimits (nofile 1048576) would make runc fail in setrlimit
  const nofile = hardLimit('Max open files');
  const nprocRaw = hardLimit('Max processes');
  const nproc = nprocRaw === 'unlimited' || Number(nprocRaw) > 32768 ? '32768' : nprocRaw;
  const system = fs.readFileSync('/usr/share/containers/containers.conf', 'utf8');
  fs.writeFileSync(path.join(podmanDir, 'containers.conf'), system.replace(/^\[containers\]$/m, `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]\ncgroups = "no-conmon"`));

  const rootfs = path.join(sb.dir, 'rootfs');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of ['sh', 'cat', 'echo', 'ls']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  fs.writeFileSync(path.join(rootfs, 'etc', 'marker'), 'made by podman import\n');
  tarball = path.join(sb.dir, 'rootfs.tar');
  assert.equal(spawnSync('tar', ['-C', rootfs, '-cf', tarball, '.']).status, 0);
  ok(podman(['import', '-q', '--change', 'CMD=/bin/sh', tarball, IMAGE]));
});

after(() => {
  // podman's own clean-up first (its containers ran with --rm; this removes images and any leftover state)
  podman(['rm', '-a', '-f']);
  podman(['rmi', '-a', '-f']);
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const dir = path.join('/sys/fs/cgroup', h, PODMAN_CGROUP_PARENT);
    if (fs.existsSync(dir)) fs.rmdirSync(dir);
  }
  const left = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(left, []);
});

describe('podman → mydocker', () => {
  for (const format of ['docker-archive', 'oci-archive']) {
    test(`podman save --format ${format}, mydocker load, mydocker run`, () => {
      const file = path.join(sb.dir, `podman-${format}.tar`);
      ok(podman(['save', '--format', format, '-o', file, IMAGE]));
      const load = sb.run(['load', '-i', file]);
      assert.equal(load.code, 0, load.stderr);
      assert.equal(load.stdout, `Loaded image: ${IMAGE}\n`);
      const run = sb.run(['run', '--rm', IMAGE, 'cat', '/etc/marker']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'made by podman import\n');
      const podmanId = ok(podman(['image', 'inspect', '--format', '{{.Id}}', IMAGE])).stdout.trim();
      assert.equal(JSON.parse(sb.run(['image', 'inspect', IMAGE]).stdout)[0].Id, `sha256:${podmanId}`, 'same image id (config digest)');
    });
  }
});

describe('mydocker → podman', () => {
  for (const format of ['docker-archive', 'oci-archive']) {
    test(`mydocker save --format ${format}, podman load, podman run`, () => {
      const name = `localhost/from-mydocker-${format}:v1`;
      const imp = sb.run(['import', '-c', 'CMD ["/bin/cat", "/etc/marker"]', tarball, name]);
      assert.equal(imp.code, 0, imp.stderr);
      const file = path.join(sb.dir, `mydocker-${format}.tar`);
      const save = sb.run(['save', '--format', format, '-o', file, name]);
      assert.equal(save.code, 0, save.stderr);
      const load = ok(podman(['load', '-i', file]));
      assert.match(load.stdout, new RegExp(`Loaded image: ${name.replace(/[.:]/g, '\\$&')}`));
      const run = ok(podman(['run', '--rm', '--network', 'none', '--cgroup-parent', PODMAN_CGROUP_PARENT, name]));
      assert.equal(run.stdout, 'made by podman import\n');
      ok(podman(['rmi', name]));
    });
  }

  test('save to stdout and load from stdin', () => {
    const out = path.join(sb.dir, 'piped.tar');
    const cli = [path.resolve(__dirname, '..', '..', '..', 'bin', 'mydocker'), ...sb.globalArgs].join(' ');
    const r = spawnSync('sh', ['-c', `${cli} save ${IMAGE} > ${out} && ${cli} rmi ${IMAGE} >/dev/null && ${cli} load < ${out}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Loaded image: ${IMAGE}\n`);
  });
});

describe('hostile archives through the CLI', () => {
  let good: string;
  before(() => {
    good = path.join(sb.dir, 'good-docker.tar');
    assert.equal(sb.run(['save', '-o', good, IMAGE]).code, 0);
  });

  /** Rewrites a docker-archive: each member through `change` (return undefined to drop it). */
  function rewrite(name: string, change: (member: string, data: Buffer) => Buffer | undefined, extra: Record<string, Buffer> = {}): string {
    const dir = path.join(sb.dir, `x-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    assert.equal(spawnSync('tar', ['-C', dir, '-xf', good]).status, 0);
    for (const m of fs.readdirSync(dir)) {
      const data = change(m, fs.readFileSync(path.join(dir, m)));
      if (data === undefined) fs.rmSync(path.join(dir, m));
      else fs.writeFileSync(path.join(dir, m), data);
    }
    for (const [m, data] of Object.entries(extra)) fs.writeFileSync(path.join(dir, m), data);
    const out = path.join(sb.dir, `${name}.tar`);
    assert.equal(spawnSync('tar', ['-C', dir, '-cf', out, ...fs.readdirSync(dir)]).status, 0);
    return out;
  }

  const cases: [string, () => string, RegExp][] = [
    ['a truncated archive', () => {
      const data = fs.readFileSync(good);
      const p = path.join(sb.dir, 'truncated.tar');
      fs.writeFileSync(p, data.subarray(0, Math.floor(data.length * 0.6)));
      return p;
    }, /invalid tar archive: truncated/],
    ['a layer that does not match its diff id', () => rewrite('mismatch', (m, d) => {
      if (!m.endsWith('.tar')) return d;
      const at = d.indexOf('made by podman import');
      assert.ok(at > 0);
      const out = Buffer.from(d);
      out[at] = 'M'.charCodeAt(0); // still a valid tar, other content
      return out;
    }), /uncompressed content has digest sha256:[a-f0-9]{64}, the image config says/],
    ['a config whose content is not its name', () => rewrite('config', (m, d) => (m.endsWith('.json') && m !== 'manifest.json' ? Buffer.from(d.toString().replace('"os":"linux"', '"os":"linux" ')) : d)), /digest mismatch: config/],
    ['../ in a manifest.json layer path', () => rewrite('dotdot', (m, d) => (m === 'manifest.json' ? Buffer.from(JSON.stringify(JSON.parse(d.toString()).map((e: { Layers: string[] }) => ({ ...e, Layers: e.Layers.map(() => '../../../../etc/passwd') })))) : d)), /escapes the archive/],
    ['an OCI archive whose index lies about a manifest size', () => {
      const dir = path.join(sb.dir, 'x-oci');
      const src = path.join(sb.dir, 'good-oci.tar');
      assert.equal(sb.run(['save', '--format', 'oci-archive', '-o', src, IMAGE]).code, 0);
      fs.mkdirSync(dir);
      assert.equal(spawnSync('tar', ['-C', dir, '-xf', src]).status, 0);
      const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
      index.manifests[0].size += 10;
      fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
      const out = path.join(sb.dir, 'oci-lie.tar');
      assert.equal(spawnSync('tar', ['-C', dir, '-cf', out, '.']).status, 0);
      return out;
    }, /has \d+ bytes, its descriptor says/],
  ];
  for (const [name, make, expected] of cases) {
    test(name, () => {
      const before = sb.run(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']).stdout;
      const blobs = fs.readdirSync(path.join(sb.root, 'images', 'blobs', 'sha256')).sort();
      const r = sb.run(['load', '-i', make()]);
      assert.equal(r.code, 125, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, expected);
      assert.equal(sb.run(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']).stdout, before);
      assert.deepEqual(fs.readdirSync(path.join(sb.root, 'images', 'blobs', 'sha256')).sort(), blobs, 'no blob of it stays');
      assert.deepEqual(fs.readdirSync(path.join(sb.root, 'tmp')), []);
    });
  }
  test('bad arguments', () => {
    for (const args of [['load', '-i', '/nonexistent'], ['load', '-i', sb.dir], ['save', '-o', path.join(sb.dir, 'x.tar'), 'nope:1'], ['save', '--format', 'zip', '-o', '/tmp/x', IMAGE], ['save', '-o', '/nonexistent/dir/x.tar', IMAGE]]) {
      const r = sb.run(args);
      assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});
