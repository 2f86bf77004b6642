// Every route family through the real service over a fake container engine (test-helpers.ts):
// docker's statuses and words, streams and hijacked connections, and bad input.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { FrameDecoder } from '../http/frames';
import { readAll, TestService, until } from '../test-helpers';

let t: TestService;
before(async () => (t = await TestService.start('handlers')));
after(() => t.stop());

const msg = (r: { json(): unknown }) => (r.json() as { message: string }).message;

describe('containers', () => {
  it('create: 201 with the spec the engine gets, warnings, and docker\'s 404 for a missing image', async () => {
    const r = await t.request('POST', '/v1.50/containers/create?name=web', {
      Image: 'busybox', Cmd: ['echo', 'hi'], Env: ['A=1'], Labels: { k: 'v' }, HostConfig: { Memory: 1 << 26, AutoRemove: true },
    });
    assert.equal(r.status, 201, r.text);
    const body = r.json() as { Id: string; Warnings: string[] };
    assert.match(body.Id, /^[0-9a-f]{64}$/);
    assert.deepEqual(body.Warnings, ['a warning for the create reply']);
    const spec = t.engine.calls.find((c) => c[0] === 'create')?.[1] as { name: string; config: { Cmd: string[] }; hostConfig: { Memory: number } };
    assert.equal(spec.name, 'web');
    assert.deepEqual(spec.config.Cmd, ['echo', 'hi']);
    assert.equal(spec.hostConfig.Memory, 1 << 26);
    const missing = await t.request('POST', '/containers/create', { Image: 'nosuch' });
    assert.equal(missing.status, 404);
    assert.equal(msg(missing), 'No such image: nosuch:latest');
  });

  it('list: docker\'s summary, all or running, and bad filters refused', async () => {
    t.engine.add('listed', { status: 'running' });
    const r = await t.request('GET', '/containers/json');
    const rows = r.json() as { Names: string[]; State: string; Status: string; Ports: unknown[]; Command: string }[];
    const row = rows.find((x) => x.Names[0] === '/listed');
    assert.ok(row);
    assert.equal(row.State, 'running');
    assert.match(row.Status, /^Up /);
    assert.deepEqual(row.Ports, [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]);
    assert.equal(row.Command, 'sh -c true');
    assert.ok(rows.every((x) => x.State === 'running'));
    const all = (await t.request('GET', '/containers/json?all=1')).json() as unknown[];
    assert.ok(all.length > rows.length);
    assert.equal((await t.request('GET', '/containers/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D')).status, 400);
    assert.equal((await t.request('GET', '/containers/json?filters=nope')).status, 400);
  });

  it("inspect and every verb answer 404 in docker's words for a missing container", async () => {
    const verbs: [string, string][] = [
      ['GET', '/containers/ghost/json'], ['POST', '/containers/ghost/start'], ['POST', '/containers/ghost/stop'], ['POST', '/containers/ghost/kill'],
      ['POST', '/containers/ghost/restart'], ['DELETE', '/containers/ghost'], ['POST', '/containers/ghost/pause'], ['POST', '/containers/ghost/wait'],
      ['GET', '/containers/ghost/logs?stdout=1'], ['GET', '/containers/ghost/top'], ['POST', '/containers/ghost/exec'], ['HEAD', '/containers/ghost/archive?path=/'],
    ];
    for (const [method, p] of verbs) {
      const r = await t.request(method, p);
      assert.equal(r.status, 404, `${method} ${p}`);
      if (method !== 'HEAD') assert.equal(msg(r), 'No such container: ghost');
    }
  });

  it('start 204 then 304; stop 304 when stopped; kill and pause 409 when not running', async () => {
    const c = t.engine.add('cycle');
    assert.equal((await t.request('POST', '/containers/cycle/start')).status, 204);
    assert.equal((await t.request('POST', '/containers/cycle/start')).status, 304);
    assert.equal((await t.request('POST', '/containers/cycle/pause')).status, 204);
    const again = await t.request('POST', '/containers/cycle/pause');
    assert.equal(again.status, 409);
    assert.match(msg(again), /is already paused/);
    assert.equal((await t.request('POST', '/containers/cycle/unpause')).status, 204);
    assert.equal((await t.request('POST', '/containers/cycle/stop?t=1')).status, 204);
    assert.equal(c.status, 'exited');
    assert.equal((await t.request('POST', '/containers/cycle/stop')).status, 304);
    const kill = await t.request('POST', '/containers/cycle/kill');
    assert.equal(kill.status, 409);
    assert.match(msg(kill), /^Cannot kill container: cycle: Container [0-9a-f]+ is not running$/);
    assert.equal((await t.request('POST', '/containers/cycle/unpause')).status, 409);
    assert.equal((await t.request('POST', '/containers/cycle/stop?t=abc')).status, 400);
  });

  it('rename needs a name; remove passes force and v', async () => {
    t.engine.add('old-name');
    assert.equal((await t.request('POST', '/containers/old-name/rename')).status, 400);
    assert.equal((await t.request('POST', '/containers/old-name/rename?name=new-name')).status, 204);
    assert.equal((await t.request('DELETE', '/containers/new-name?force=1&v=true')).status, 204);
    assert.deepEqual(t.engine.calls.filter((c) => c[0] === 'rm').pop()?.[2], { force: true, volumes: true });
    assert.equal((await t.request('DELETE', '/containers/new-name')).status, 404);
  });

  it('wait: the exit code at once for a stopped container, after the exit for next-exit; bad conditions refused', async () => {
    const c = t.engine.add('waiter', { status: 'exited', exitCode: 7 });
    c.finishedAt = new Date(Date.now() - 60_000).toISOString();
    assert.deepEqual((await t.request('POST', '/containers/waiter/wait')).json(), { StatusCode: 7 });
    const r = t.engine.add('runner', { status: 'running' });
    const pending = t.request('POST', '/containers/runner/wait?condition=next-exit');
    await new Promise((res) => setTimeout(res, 100));
    t.engine.finish(r, 9);
    assert.deepEqual((await pending).json(), { StatusCode: 9 });
    assert.equal((await t.request('POST', '/containers/runner/wait?condition=sometime')).status, 400);
  });
});

describe('container streams', () => {
  const logs = [
    { stream: 'stdout' as const, time: '2024-01-01T00:00:00.000000001Z', log: 'one\n' },
    { stream: 'stderr' as const, time: '2024-01-01T00:00:01.000000002Z', log: 'two\n' },
  ];

  it('logs: multiplexed frames without a terminal, timestamps, tail, and a stream must be chosen', async () => {
    t.engine.add('logger', { status: 'exited', logs });
    const r = await t.request('GET', '/containers/logger/logs?stdout=1&stderr=1&timestamps=1');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
    const frames = new FrameDecoder().push(r.body);
    assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, `${logs[0].time} one\n`], [2, `${logs[1].time} two\n`]]);
    const onlyErr = new FrameDecoder().push((await t.request('GET', '/containers/logger/logs?stderr=1')).body);
    assert.deepEqual(onlyErr.map((f) => f.data.toString()), ['two\n']);
    await t.request('GET', '/containers/logger/logs?stdout=1&tail=1');
    assert.deepEqual((t.engine.calls.filter((c) => c[0] === 'logs').pop()?.[2] as { tail: number }).tail, 1);
    const none = await t.request('GET', '/containers/logger/logs');
    assert.equal(none.status, 400);
    assert.match(msg(none), /you must choose at least one stream/);
    assert.equal((await t.request('GET', '/containers/logger/logs?stdout=1&tail=x')).status, 400);
    assert.equal((await t.request('GET', '/containers/logger/logs?stdout=1&since=yesterday')).status, 400);
  });

  it('logs: raw bytes with a terminal', async () => {
    t.engine.add('ttylogger', { status: 'exited', tty: true, logs });
    const r = await t.request('GET', '/containers/ttylogger/logs?stdout=1&stderr=1');
    assert.equal(r.headers['content-type'], 'application/vnd.docker.raw-stream');
    assert.equal(r.text, 'one\ntwo\n');
  });

  it('attach to a running container: 101, frames out, stdin in, the exit ends it', async () => {
    const c = t.engine.add('attached', { status: 'running', openStdin: true });
    const m = await t.monitorFor(c);
    const a = await t.upgrade('/v1.50/containers/attached/attach?stream=1&stdin=1&stdout=1&stderr=1');
    assert.equal(a.status, 101);
    await until(() => m.connected === 1);
    a.socket.write('typed\n');
    await until(() => m.stdin.length > 0);
    assert.equal(Buffer.concat(m.stdin).toString(), 'typed\n');
    m.output('stdout', 'out');
    m.output('stderr', 'err');
    const all = readAll(a.socket, a.head);
    setTimeout(() => m.exit(0), 100);
    const frames = new FrameDecoder().push(await all);
    assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'out'], [2, 'err']]);
  });

  it('attach before start (the CLI\'s run): the start connects it before the container runs, and the exit is cleaned up here', async () => {
    const c = t.engine.add('runlike', { tty: true });
    const m = await t.monitorFor(c);
    const a = await t.upgrade('/v1.50/containers/runlike/attach?stream=1&stdout=1&stderr=1');
    assert.equal(a.status, 101);
    const wait = t.request('POST', '/containers/runlike/wait?condition=next-exit');
    assert.equal((await t.request('POST', '/containers/runlike/start')).status, 204);
    assert.equal(t.engine.calls.filter((x) => x[0] === 'startAttached' && x[1] === c.record.id).length, 1);
    await until(() => m.connected === 1);
    m.output('stdout', 'hello from tty\r\n');
    const all = readAll(a.socket, a.head);
    setTimeout(() => {
      t.engine.finish(c, 3);
      m.exit(3);
    }, 100);
    assert.equal((await all).toString(), 'hello from tty\r\n');
    assert.deepEqual((await wait).json(), { StatusCode: 3 });
    await until(() => t.engine.calls.some((x) => x[0] === 'cleanup' && x[1] === c.record.id));
  });

  it('resize goes to the attached client; refused for a stopped container', async () => {
    const c = t.engine.add('resized', { status: 'running' });
    const m = await t.monitorFor(c);
    assert.equal((await t.request('POST', '/containers/resized/resize?h=40&w=120')).status, 200);
    await until(() => m.resizes.length > 0);
    assert.deepEqual(m.resizes[0], [40, 120]);
    t.engine.add('resize-stopped', { status: 'exited' });
    assert.equal((await t.request('POST', '/containers/resize-stopped/resize?h=1&w=1')).status, 409);
  });

  it('stats: docker\'s JSON (the CLI\'s CPU formula gives the engine\'s percentage), zeros for a stopped container', async () => {
    t.engine.add('busy', { status: 'running' });
    const doc = (await t.request('GET', '/containers/busy/stats?stream=0')).json() as {
      cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus: number };
      precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number };
      memory_stats: { usage: number; limit: number }; pids_stats: { current: number }; name: string;
    };
    const cpu = doc.cpu_stats.cpu_usage.total_usage - doc.precpu_stats.cpu_usage.total_usage;
    const sys = doc.cpu_stats.system_cpu_usage - doc.precpu_stats.system_cpu_usage;
    assert.ok(Math.abs((cpu / sys) * doc.cpu_stats.online_cpus * 100 - 50) < 0.01);
    assert.deepEqual([doc.memory_stats.usage, doc.memory_stats.limit, doc.pids_stats.current, doc.name], [1000, 4000, 3, '/busy']);
    t.engine.add('idle', { status: 'exited' });
    assert.equal(((await t.request('GET', '/containers/idle/stats?stream=0')).json() as { read: string }).read, '0001-01-01T00:00:00Z');
  });

  it('archive: 404 for a missing path in docker\'s words; PUT and GET need a path', async () => {
    t.engine.add('files', { status: 'running' });
    const r = await t.request('GET', '/containers/files/archive?path=/nope');
    assert.equal(r.status, 404);
    assert.equal(msg(r), 'Could not find the file /nope in container files');
    assert.equal((await t.request('GET', '/containers/files/archive')).status, 400);
    assert.equal((await t.request('PUT', '/containers/files/archive')).status, 400);
  });
});

describe('exec', () => {
  it('create refuses a stopped or paused container and an empty command', async () => {
    t.engine.add('exec-stopped', { status: 'exited' });
    const r = await t.request('POST', '/containers/exec-stopped/exec', { Cmd: ['true'] });
    assert.equal(r.status, 409);
    assert.match(msg(r), /is not running/);
    t.engine.add('exec-paused', { status: 'paused' });
    assert.match(msg(await t.request('POST', '/containers/exec-paused/exec', { Cmd: ['true'] })), /is paused, unpause the container before exec/);
    t.engine.add('exec-running', { status: 'running' });
    assert.equal((await t.request('POST', '/containers/exec-running/exec', { Cmd: [] })).status, 400);
    assert.equal((await t.request('POST', '/containers/exec-running/exec', { Cmd: ['ls'], WorkingDir: 'rel' })).status, 400);
    assert.equal((await t.request('GET', '/exec/nope/json')).status, 404);
    assert.equal((await t.request('POST', '/exec/nope/start', {})).status, 404);
  });

  it('start (hijacked): stdin to the process, its output in frames, the exit code in inspect; a second start is refused', async () => {
    t.engine.add('exec-io', { status: 'running' });
    const created = await t.request('POST', '/containers/exec-io/exec', { Cmd: ['cat'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    assert.equal(created.status, 201);
    const id = (created.json() as { Id: string }).Id;
    t.engine.execBehaviour = (s) => new Promise((resolve) => {
      s.stdin!.on('data', (d: Buffer) => s.stdout!.emit('data', Buffer.from(d.toString().toUpperCase())));
      s.stdin!.on('end', () => {
        s.stderr!.emit('data', Buffer.from('bye'));
        resolve({ status: { code: 5 } });
      });
    });
    const a = await t.upgrade(`/v1.50/exec/${id}/start`, { Detach: false, Tty: false });
    assert.equal(a.status, 101);
    a.socket.end('shout');
    const frames = new FrameDecoder().push(await readAll(a.socket, a.head));
    assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'SHOUT'], [2, 'bye']]);
    const info = (await t.request('GET', `/exec/${id}/json`)).json() as { ExitCode: number; Running: boolean; ContainerID: string };
    assert.deepEqual([info.ExitCode, info.Running], [5, false]);
    assert.equal((await t.upgrade(`/v1.50/exec/${id}/start`, {})).status, 409);
    const inspect = (await t.request('GET', '/containers/exec-io/json')).json() as { ExecIDs: string[] };
    assert.deepEqual(inspect.ExecIDs, [id]);
  });

  it('start detached: 200 at once', async () => {
    t.engine.add('exec-detach', { status: 'running' });
    const id = ((await t.request('POST', '/containers/exec-detach/exec', { Cmd: ['sleep', '1'] })).json() as { Id: string }).Id;
    const r = await t.request('POST', `/exec/${id}/start`, { Detach: true });
    assert.equal(r.status, 200);
    assert.equal((t.engine.calls.filter((c) => c[0] === 'exec').pop()?.[1] as { detach: boolean }).detach, true);
  });
});

describe('images', () => {
  it('list, inspect and history of the built-in image; 404s in docker\'s words', async () => {
    await t.request('POST', '/containers/create', { Image: 'busybox' }); // makes the built-in image
    const list = (await t.request('GET', '/images/json')).json() as { RepoTags: string[]; Id: string; Created: number }[];
    const bb = list.find((i) => i.RepoTags.includes('busybox:latest'));
    assert.ok(bb);
    assert.ok(bb.Created > 0);
    assert.equal(((await t.request('GET', '/images/busybox/json')).json() as { Id: string }).Id, bb.Id);
    const history = (await t.request('GET', '/images/busybox:latest/history')).json() as { Id: string; Tags: string[] }[];
    assert.equal(history[0].Id, bb.Id);
    assert.equal((await t.request('GET', '/images/nope/json')).status, 404);
    assert.equal(msg(await t.request('GET', '/images/nope/json')), 'No such image: nope');
    assert.equal(msg(await t.request('DELETE', '/images/nope')), 'No such image: nope');
    assert.equal((await t.request('GET', '/images/json?filters=%7B%22before%22%3A%5B%22x%22%5D%7D')).status, 400);
  });

  it('tag, filter by reference, untag', async () => {
    assert.equal((await t.request('POST', '/images/busybox/tag?repo=localhost:5000/team/bb&tag=v1')).status, 201);
    assert.equal((await t.request('POST', '/images/busybox/tag')).status, 400);
    const f = encodeURIComponent(JSON.stringify({ reference: ['localhost:5000/team/*'] }));
    const hits = (await t.request('GET', `/images/json?filters=${f}`)).json() as { RepoTags: string[] }[];
    assert.equal(hits.length, 1);
    const del = await t.request('DELETE', '/images/localhost:5000/team/bb:v1');
    assert.deepEqual(del.json(), [{ Untagged: 'localhost:5000/team/bb:v1' }]);
  });

  it('create needs fromImage or fromSrc; a URL source is refused', async () => {
    assert.equal((await t.request('POST', '/images/create')).status, 400);
    assert.equal((await t.request('POST', '/images/create?fromSrc=http://example.com/x.tar')).status, 400);
  });

  it('load refuses what is not an image archive', async () => {
    const r = await t.request('POST', '/images/load', Buffer.from('not a tar at all'.repeat(64)), { 'Content-Type': 'application/x-tar' });
    assert.ok(r.status === 400 || /error/.test(r.text), r.text);
  });
});

describe('volumes', () => {
  it('create (idempotent), list, inspect, remove, prune', async () => {
    const created = await t.request('POST', '/volumes/create', { Name: 'data1', Labels: { a: 'b' } });
    assert.equal(created.status, 201);
    assert.deepEqual((created.json() as { Labels: unknown }).Labels, { a: 'b' });
    assert.equal((await t.request('POST', '/volumes/create', { Name: 'data1' })).status, 201);
    const list = (await t.request('GET', '/volumes')).json() as { Volumes: { Name: string }[] };
    assert.deepEqual(list.Volumes.map((v) => v.Name), ['data1']);
    assert.equal(((await t.request('GET', '/volumes/data1')).json() as { Driver: string }).Driver, 'local');
    assert.equal((await t.request('DELETE', '/volumes/data1')).status, 204);
    const gone = await t.request('DELETE', '/volumes/data1');
    assert.equal(gone.status, 404);
    assert.equal(msg(gone), 'get data1: no such volume');
    assert.equal(msg(await t.request('GET', '/volumes/data1')), 'get data1: no such volume');
    assert.deepEqual((await t.request('POST', '/volumes/prune')).json(), { VolumesDeleted: null, SpaceReclaimed: 0 });
  });
  it('refuses other drivers, driver options and bad names', async () => {
    assert.equal((await t.request('POST', '/volumes/create', { Name: 'x', Driver: 'nfs' })).status, 400);
    assert.equal((await t.request('POST', '/volumes/create', { Name: 'x', DriverOpts: { type: 'tmpfs' } })).status, 400);
    assert.equal((await t.request('POST', '/volumes/create', { Name: '../x' })).status, 400);
    assert.equal((await t.request('POST', '/volumes/create', { Name: 5 })).status, 400);
  });
});

describe('networks', () => {
  it('lists the pseudo networks with a time docker can parse; inspect; 404', async () => {
    const list = (await t.request('GET', '/networks')).json() as { Name: string; Created: string }[];
    for (const n of ['host', 'none']) assert.ok(list.some((x) => x.Name === n && x.Created === '0001-01-01T00:00:00Z'), n);
    assert.equal(((await t.request('GET', '/networks/none')).json() as { Driver: string }).Driver, 'null');
    const r = await t.request('GET', '/networks/nope');
    assert.equal(r.status, 404);
    assert.equal(msg(r), 'network nope not found');
  });
  it('refuses what mydocker networks cannot be', async () => {
    const bad: unknown[] = [
      {}, { Name: 'n', Driver: 'overlay' }, { Name: 'n', IPAM: { Config: [{ Subnet: 'fd12::/64' }] } }, { Name: 'n', IPAM: { Driver: 'dhcp' } },
      { Name: 'n', IPAM: { Config: [{ Subnet: '10.1.0.0/24' }, { Subnet: '10.2.0.0/24' }] } }, { Name: 'n', Options: { 'com.docker.network.bridge.enable_icc': 'false' } },
    ];
    for (const body of bad) assert.equal((await t.request('POST', '/networks/create', body)).status, 400, JSON.stringify(body));
    assert.equal((await t.request('POST', '/networks/none/connect', {})).status, 400);
  });
});

describe('events and the system', () => {
  it('events: an until already past is an empty stream; since replays; filters apply; bad filters refused', async () => {
    const now = Date.now() / 1000;
    const empty = await t.request('GET', `/events?until=${(now - 10).toFixed(0)}`);
    assert.equal(empty.status, 200);
    assert.equal(empty.text, '');
    const { recordEvent } = await import('../../engine/events');
    recordEvent(t.engine.deps.layout, { type: 'container', action: 'start', id: 'c'.repeat(64), attributes: { name: 'evt', image: 'busybox' } });
    recordEvent(t.engine.deps.layout, { type: 'volume', action: 'create', id: 'v1', attributes: { name: 'v1' } });
    const until = (Date.now() / 1000 + 0.2).toFixed(3);
    const all = (await t.request('GET', `/events?since=${Math.floor(now - 5)}&until=${until}`)).text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(all.map((e) => [e.Type, e.Action]), [['container', 'start'], ['volume', 'create']]);
    assert.equal(all[0].status, 'start');
    assert.equal(all[0].from, 'busybox');
    assert.deepEqual(all[0].Actor, { ID: 'c'.repeat(64), Attributes: { name: 'evt', image: 'busybox' } });
    const f = encodeURIComponent(JSON.stringify({ type: ['volume'] }));
    const vols = (await t.request('GET', `/events?since=${Math.floor(now - 5)}&until=${until}&filters=${f}`)).text.trim().split('\n');
    assert.equal(vols.length, 1);
    assert.equal((await t.request('GET', `/events?filters=${encodeURIComponent('{"bogus":["1"]}')}`)).status, 400);
  });

  it('system/df has docker\'s sections; auth wants credentials', async () => {
    const df = (await t.request('GET', '/system/df')).json() as Record<string, unknown>;
    for (const k of ['LayersSize', 'Images', 'Containers', 'Volumes', 'BuildCache']) assert.ok(k in df, k);
    assert.equal((await t.request('POST', '/auth', { serveraddress: 'localhost:1' })).status, 400);
  });
});
