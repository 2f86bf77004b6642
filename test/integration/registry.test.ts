// pull / push / login against a real registry (Debian's docker-registry on loopback), fed by skopeo from an
// OCI layout that umoci builds from a busybox rootfs: nothing here comes from our own code until mydocker pulls.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { LocalRegistry, makeCertificate, TokenServer } from '../../src/image/registry/testing/local-registry';
import { Sandbox, type Result } from '../helpers/sandbox';

let sb: Sandbox;
let reg: LocalRegistry | undefined;
let layout: string;
const stores: Sandbox[] = [];

function sh(cmd: string, args: string[], opts: { input?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

/** A busybox rootfs tarball (the host's static busybox and a few applet links). */
export function busyboxRootfs(dir: string, marker: string): string {
  const rootfs = path.join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of ['sh', 'cat', 'ls', 'echo', 'wc', 'sleep', 'true']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  fs.writeFileSync(path.join(rootfs, 'etc', 'marker'), `${marker}\n`);
  const tarball = path.join(dir, 'rootfs.tar');
  sh('tar', ['-C', rootfs, '-cf', tarball, '.']);
  return tarball;
}

function oneLine(r: Result): void {
  assert.equal(r.code, 125, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

function fresh(name: string): Sandbox {
  const s = new Sandbox(name);
  stores.push(s);
  return s;
}

before(async () => {
  sb = fresh('registry');
  reg = await LocalRegistry.start({ dir: path.join(sb.dir, 'registry') });
  // Three layers: the busybox rootfs, a small file, 6 MB of random bytes (so concurrent pulls overlap).
  const tarball = busyboxRootfs(sb.dir, 'from skopeo');
  layout = path.join(sb.dir, 'oci');
  sh('umoci', ['init', '--layout', layout]);
  sh('umoci', ['new', '--image', `${layout}:latest`]);
  sh('umoci', ['raw', 'add-layer', '--image', `${layout}:latest`, '--history.created_by', 'busybox rootfs', tarball]);
  const l2 = path.join(sb.dir, 'l2');
  fs.mkdirSync(path.join(l2, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(l2, 'etc', 'layer2'), 'second layer\n');
  sh('tar', ['-C', l2, '-cf', path.join(sb.dir, 'l2.tar'), '.']);
  sh('umoci', ['raw', 'add-layer', '--image', `${layout}:latest`, '--history.created_by', 'add /etc/layer2', path.join(sb.dir, 'l2.tar')]);
  const l3 = path.join(sb.dir, 'l3');
  fs.mkdirSync(path.join(l3, 'data'), { recursive: true });
  fs.writeFileSync(path.join(l3, 'data', 'random'), randomBytes(6 << 20));
  sh('tar', ['-C', l3, '-cf', path.join(sb.dir, 'l3.tar'), '.']);
  sh('umoci', ['raw', 'add-layer', '--image', `${layout}:latest`, '--history.created_by', 'add /data/random', path.join(sb.dir, 'l3.tar')]);
  sh('umoci', ['config', '--image', `${layout}:latest`, '--config.cmd', '/bin/sh', '--config.env', 'PATH=/bin']);
  sh('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${reg.host}/test/busybox:latest`]);
});

after(async () => {
  await reg?.stop();
  const left = stores.flatMap((s) => s.leftovers());
  for (const s of stores) s.cleanup();
  assert.deepEqual(left, []);
});

function remoteDigest(ref: string): string {
  return (JSON.parse(sh('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`])) as { Digest: string }).Digest;
}

function layerDigests(ref: string): string[] {
  return (JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
}

describe('a real registry', () => {
  test('pull what skopeo pushed (three layers), then run it', () => {
    const ref = `${reg!.host}/test/busybox:latest`;
    const r = sb.run(['pull', `${reg!.host}/test/busybox`]);
    assert.equal(r.code, 0, r.stderr);
    const digest = remoteDigest(ref);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'latest: Pulling from test/busybox');
    for (const d of layerDigests(ref)) assert.ok(lines.includes(`${d.slice(7, 19)}: Pull complete`), r.stdout);
    assert.deepEqual(lines.slice(-3), [`Digest: ${digest}`, `Status: Downloaded newer image for ${ref}`, ref]);
    const run = sb.run(['run', '--rm', ref, 'sh', '-c', 'cat /etc/marker /etc/layer2; wc -c < /data/random']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `from skopeo\nsecond layer\n${6 << 20}\n`);
    const again = sb.run(['pull', ref]);
    assert.match(again.stdout, /: Already exists\n/);
    assert.match(again.stdout, new RegExp(`Status: Image is up to date for ${ref.replace(/\./g, '\\.')}`));
    const inspect = JSON.parse(sb.run(['image', 'inspect', ref]).stdout) as { RepoDigests: string[]; RootFS: { Layers: string[] } }[];
    assert.deepEqual(inspect[0].RepoDigests, [`${reg!.host}/test/busybox@${digest}`]);
    assert.equal(inspect[0].RootFS.Layers.length, 3);
  });

  test('push it back under a new name with the same digest; a fresh store pulls and runs it', () => {
    const src = `${reg!.host}/test/busybox:latest`;
    const dst = `${reg!.host}/copies/bb:v2`;
    assert.equal(sb.run(['tag', src, dst]).code, 0);
    const p = sb.run(['push', dst]);
    assert.equal(p.code, 0, p.stderr);
    const digest = remoteDigest(src);
    assert.match(p.stdout, new RegExp(`^The push refers to repository \\[${reg!.host}/copies/bb\\]`));
    assert.match(p.stdout, /: Mounted from test\/busybox\n/);
    assert.match(p.stdout, new RegExp(`v2: digest: ${digest} size: \\d+\\n$`));
    assert.equal(remoteDigest(dst), digest, 'pushing what was pulled keeps the digest');

    const other = fresh('registry-fresh');
    const pull = other.run(['pull', dst]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = other.run(['run', '--rm', dst, 'cat', '/etc/layer2']);
    assert.equal(run.stdout, 'second layer\n', run.stderr);

    // the fresh store knows the image under copies/bb too: a push to a third repository mounts from there
    assert.equal(other.run(['tag', dst, `${reg!.host}/third/bb:1`]).code, 0);
    const third = other.run(['push', `${reg!.host}/third/bb:1`]);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout.match(/: Mounted from copies\/bb\n/g)?.length, 3);
  });

  test('push an image the registry has never seen (monolithic uploads), pull it into a fresh store, run it', () => {
    const tarball = busyboxRootfs(path.join(sb.dir, 'new'), 'pushed by mydocker');
    assert.equal(sb.run(['import', '-c', 'CMD ["/bin/cat", "/etc/marker"]', tarball, `${reg!.host}/mine/new:1`]).code, 0);
    const up = sb.run(['push', `${reg!.host}/mine/new:1`]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout.match(/: Pushed\n/g)?.length, 1);
    const digest = JSON.parse(sb.run(['image', 'inspect', '-f', '{{json .RepoDigests}}', `${reg!.host}/mine/new:1`]).stdout)[0].split('@')[1];
    assert.equal(remoteDigest(`${reg!.host}/mine/new:1`), digest);
    const other = fresh('registry-new');
    assert.equal(other.run(['pull', `${reg!.host}/mine/new:1`]).code, 0);
    assert.equal(other.run(['run', '--rm', `${reg!.host}/mine/new:1`]).stdout, 'pushed by mydocker\n');
  });

  test('pull by digest', () => {
    const digest = remoteDigest(`${reg!.host}/test/busybox:latest`);
    const s = fresh('registry-digest');
    const r = s.run(['pull', `${reg!.host}/test/busybox@${digest}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Status: Downloaded newer image for ${reg!.host}/test/busybox@${digest}`));
    const run = s.run(['run', '--rm', `${reg!.host}/test/busybox@${digest}`, 'cat', '/etc/marker']);
    assert.equal(run.stdout, 'from skopeo\n', run.stderr);
    assert.match(s.run(['images']).stdout, new RegExp(`${reg!.host}/test/busybox\\s+<none>`));
  });

  test('a manifest list (pushed by skopeo --all): the amd64 image is pulled', () => {
    // A layout whose index points at an index of two manifests: amd64 (the real one) and a fake arm64.
    const multi = path.join(sb.dir, 'multi');
    fs.cpSync(layout, multi, { recursive: true });
    const blob = (d: string) => fs.readFileSync(path.join(multi, 'blobs', 'sha256', d.slice(7)));
    const put = (b: Buffer) => {
      const d = `sha256:${require('node:crypto').createHash('sha256').update(b).digest('hex')}`;
      fs.writeFileSync(path.join(multi, 'blobs', 'sha256', d.slice(7)), b);
      return { digest: d, size: b.length };
    };
    const top = (JSON.parse(fs.readFileSync(path.join(multi, 'index.json'), 'utf8')) as { manifests: { digest: string; size: number; mediaType: string }[] }).manifests[0];
    const manifest = JSON.parse(blob(top.digest).toString()) as { config: { digest: string; size: number } };
    const armConfig = put(Buffer.from(JSON.stringify({ ...JSON.parse(blob(manifest.config.digest).toString()), architecture: 'arm64' })));
    const armManifest = put(Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, ...armConfig } })));
    const index = put(Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: top.mediaType, ...armManifest, platform: { os: 'linux', architecture: 'arm64' } },
        { mediaType: top.mediaType, digest: top.digest, size: top.size, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    })));
    fs.writeFileSync(path.join(multi, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }));
    sh('skopeo', ['copy', '-q', '--all', '--dest-tls-verify=false', `oci:${multi}:multi`, `docker://${reg!.host}/test/multi:latest`]);

    const s = fresh('registry-list');
    const r = s.run(['pull', `${reg!.host}/test/multi`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Digest: ${index.digest}\\n`));
    const img = JSON.parse(s.run(['image', 'inspect', `${reg!.host}/test/multi`]).stdout) as { Architecture: string; RepoDigests: string[] }[];
    assert.equal(img[0].Architecture, 'amd64');
    assert.deepEqual(img[0].RepoDigests, [`${reg!.host}/test/multi@${index.digest}`]);
    assert.equal(s.run(['run', '--rm', `${reg!.host}/test/multi`, 'cat', '/etc/marker']).stdout, 'from skopeo\n');
    assert.equal(reg!.requests(`GET /v2/test/multi/manifests/${armManifest.digest}`).length, 0, 'the arm64 manifest is not fetched');
  });

  test('two concurrent pull processes into one store both succeed and fetch each layer once', async () => {
    const s = fresh('registry-race');
    const ref = `${reg!.host}/test/busybox:latest`;
    const before = new Map(layerDigests(ref).map((d) => [d, reg!.requests(`GET /v2/test/busybox/blobs/${d}`).length]));
    const run = () => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = s.spawn(['pull', ref]);
      let out = '';
      let err = '';
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code, out, err }));
    });
    const results = await Promise.all([run(), run()]);
    for (const r of results) assert.equal(r.code, 0, r.err);
    for (const [d, n] of before) assert.equal(reg!.requests(`GET /v2/test/busybox/blobs/${d}`).length, n + 1, `layer ${d} fetched once`);
    assert.equal(fs.readdirSync(path.join(s.root, 'layers')).length, 3);
    assert.deepEqual(fs.readdirSync(path.join(s.root, 'tmp')), []);
    assert.deepEqual(fs.readdirSync(path.join(s.runroot, 'locks', 'blobs')), []);
    assert.equal(s.run(['run', '--rm', ref, 'cat', '/etc/layer2']).stdout, 'second layer\n');
  });

  test('bad references and unreachable registries: one line, exit 125', () => {
    oneLine(sb.run(['pull', `${reg!.host}/test/busybox:nope`]));
    assert.match(sb.run(['pull', `${reg!.host}/test/busybox:nope`]).stderr, /manifest for 127\.0\.0\.1:\d+\/test\/busybox:nope not found: manifest_unknown/);
    const refused = sb.run(['pull', '127.0.0.1:1/x']);
    oneLine(refused);
    assert.match(refused.stderr, /connection refused/);
    oneLine(sb.run(['pull', 'UPPER/case']));
    oneLine(sb.run(['push', `${reg!.host}/never/tagged:1`]));
    assert.doesNotMatch(sb.run(['images']).stdout, /nope|never/);
  });
});

describe('a registry with basic auth', () => {
  let secure: LocalRegistry | undefined;
  let s: Sandbox;
  let env: NodeJS.ProcessEnv;
  let auth: string;
  before(async () => {
    s = fresh('registry-auth');
    secure = await LocalRegistry.start({ dir: path.join(s.dir, 'registry'), user: { name: 'alice', password: 's3cret pass' } });
    auth = path.join(s.dir, 'config', 'auth.json');
    env = { ...process.env, MYDOCKER_CONFIG: auth };
    sh('skopeo', ['copy', '-q', '--dest-tls-verify=false', '--dest-creds', 'alice:s3cret pass', `oci:${layout}:latest`, `docker://${secure.host}/private/bb:1`]);
  });
  after(async () => {
    await secure?.stop();
  });

  test('pull needs a login; a wrong password is refused; login stores 0600 credentials; push and pull work; logout forgets', () => {
    const ref = `${secure!.host}/private/bb:1`;
    const denied = s.run(['pull', ref], { env });
    oneLine(denied);
    assert.match(denied.stderr, /unauthorized/);

    const wrong = s.run(['login', '-u', 'alice', '--password-stdin', secure!.host], { env, input: 'nope\n' });
    oneLine(wrong);
    assert.match(wrong.stderr, /incorrect username or password/);
    assert.equal(fs.existsSync(auth), false);

    const ok = s.run(['login', '-u', 'alice', '--password-stdin', secure!.host], { env, input: 's3cret pass\n' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'Login Succeeded\n');
    assert.equal(fs.statSync(auth).mode & 0o777, 0o600);
    assert.ok(JSON.parse(fs.readFileSync(auth, 'utf8')).auths[secure!.host].auth);

    const pull = s.run(['pull', ref], { env });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(s.run(['run', '--rm', ref, 'cat', '/etc/marker'], { env }).stdout, 'from skopeo\n');
    assert.equal(s.run(['tag', ref, `${secure!.host}/private/pushed:2`], { env }).code, 0);
    const push = s.run(['push', `${secure!.host}/private/pushed:2`], { env });
    assert.equal(push.code, 0, push.stderr);
    assert.equal(remoteDigestWith(`${secure!.host}/private/pushed:2`, 'alice:s3cret pass'), remoteDigestWith(ref, 'alice:s3cret pass'));

    const viaP = s.run(['login', '-u', 'alice', '-p', 's3cret pass', secure!.host], { env });
    assert.equal(viaP.code, 0);
    assert.match(viaP.stderr, /WARNING! Using --password via the CLI is insecure/);

    assert.equal(s.run(['logout', secure!.host], { env }).stdout, `Removing login credentials for ${secure!.host}\n`);
    assert.equal(s.run(['logout', secure!.host], { env }).stdout, `Not logged in to ${secure!.host}\n`);
    oneLine(s.run(['pull', `${secure!.host}/private/pushed:2`], { env }));
  });
});

function remoteDigestWith(ref: string, creds: string): string {
  return (JSON.parse(sh('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${ref}`])) as { Digest: string }).Digest;
}

describe('bearer tokens (distribution token auth with a token server)', () => {
  let tokens: TokenServer | undefined;
  let tokReg: LocalRegistry | undefined;
  let s: Sandbox;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    s = fresh('registry-token');
    const cert = makeCertificate(path.join(s.dir, 'token-cert'), '127.0.0.1');
    tokens = new TokenServer(cert, 'mydocker-test-registry', 'mydocker-test-issuer', { bob: 'token pw' });
    await tokens.start();
    tokReg = await LocalRegistry.start({ dir: path.join(s.dir, 'registry'), token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCert: cert.cert } });
    env = { ...process.env, MYDOCKER_CONFIG: path.join(s.dir, 'auth.json') };
    sh('skopeo', ['copy', '-q', '--dest-tls-verify=false', '--dest-creds', 'bob:token pw', `oci:${layout}:latest`, `docker://${tokReg.host}/tok/bb:1`]);
  });
  after(async () => {
    await tokReg?.stop();
    await tokens?.stop();
  });

  test('anonymous tokens pull; pushing needs a login; the login is checked at the token server', () => {
    const ref = `${tokReg!.host}/tok/bb:1`;
    const pull = s.run(['pull', ref], { env });
    assert.equal(pull.code, 0, pull.stderr);
    assert.ok(tokens!.requests.some((q) => q.includes('scope=repository%3Atok%2Fbb%3Apull') && q.includes('service=mydocker-test-registry')));
    assert.equal(s.run(['run', '--rm', ref, 'cat', '/etc/marker'], { env }).stdout, 'from skopeo\n');
    assert.equal(s.run(['tag', ref, `${tokReg!.host}/tok/pushed:1`], { env }).code, 0);
    const denied = s.run(['push', `${tokReg!.host}/tok/pushed:1`], { env });
    oneLine(denied);
    assert.match(denied.stderr, /unauthorized|denied/);
    oneLine(s.run(['login', '-u', 'bob', '--password-stdin', tokReg!.host], { env, input: 'wrong' }));
    assert.equal(s.run(['login', '-u', 'bob', '--password-stdin', tokReg!.host], { env, input: 'token pw' }).code, 0);
    const push = s.run(['push', `${tokReg!.host}/tok/pushed:1`], { env });
    assert.equal(push.code, 0, push.stderr);
    assert.ok(tokens!.requests.some((q) => q.includes('account=bob') && q.includes('pull%2Cpush')));
  });
});

/** A non-loopback IPv4 address of this machine (the TLS policy differs from loopback's); traffic stays local. */
function ownAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('TLS: https first; plain http or an unverified certificate only with --tls-verify=false off loopback', { skip: ownAddress() === undefined && 'no non-loopback address' }, () => {
  let tlsReg: LocalRegistry | undefined;
  let plainReg: LocalRegistry | undefined;
  let s: Sandbox;
  let cert: { cert: string; key: string };
  before(async () => {
    s = fresh('registry-tls');
    const ip = ownAddress()!;
    cert = makeCertificate(path.join(s.dir, 'cert'), ip);
    tlsReg = await LocalRegistry.start({ dir: path.join(s.dir, 'tls'), address: ip, tls: cert });
    plainReg = await LocalRegistry.start({ dir: path.join(s.dir, 'plain'), address: ip });
    for (const r of [tlsReg, plainReg]) sh('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${r.host}/t/bb:1`]);
  });
  after(async () => {
    await tlsReg?.stop();
    await plainReg?.stop();
  });

  test('a self-signed certificate is refused unless --tls-verify=false', () => {
    const ref = `${tlsReg!.host}/t/bb:1`;
    const refused = s.run(['pull', ref]);
    oneLine(refused);
    assert.match(refused.stderr, /cannot reach registry .* over https: .*certificate.*--tls-verify=false/);
    const r = s.run(['pull', '--tls-verify=false', ref]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.run(['tag', ref, `${tlsReg!.host}/t/back:1`]).code, 0);
    assert.equal(s.run(['push', '--tls-verify=false', `${tlsReg!.host}/t/back:1`]).code, 0);
  });

  test('a certificate trusted through NODE_EXTRA_CA_CERTS is verified (the launcher defers reading it to the registry client)', () => {
    const ref = `${tlsReg!.host}/t/bb:1`;
    const r = s.run(['pull', ref], { env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.cert } });
    assert.equal(r.code, 0, r.stderr);
    const other = s.run(['pull', ref], { env: { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' } });
    assert.match(other.stderr, /certificate/, 'a CA file without this certificate must not make it trusted');
  });

  test('a plain http registry is used only with --tls-verify=false', () => {
    const ref = `${plainReg!.host}/t/bb:1`;
    const refused = s.run(['pull', ref]);
    oneLine(refused);
    assert.match(refused.stderr, /does not speak TLS.*--tls-verify=false/);
    const r = s.run(['pull', '--tls-verify=false', ref]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.run(['run', '--rm', ref, 'cat', '/etc/layer2']).stdout, 'second layer\n');
  });
});
