import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CniRuntime, pluginConfig } from './conflist';
import { CniError, type PluginExec } from './plugin';
import type { NetworkConfigList } from './types';

interface Call { type: string; env: NodeJS.ProcessEnv; config: Record<string, unknown> }

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function fakeDir(types: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-fake-'));
  made.push(dir);
  for (const t of types) fs.writeFileSync(path.join(dir, t), '#!/bin/sh\n', { mode: 0o755 });
  return dir;
}

function recorder(reply: (c: Call) => { code: number; stdout: string }): { calls: Call[]; exec: PluginExec } {
  const calls: Call[] = [];
  const exec: PluginExec = async (binary, env, stdin) => {
    const c = { type: path.basename(binary), env, config: JSON.parse(stdin) as Record<string, unknown> };
    calls.push(c);
    return { ...reply(c), stderr: '' };
  };
  return { calls, exec };
}

const LIST: NetworkConfigList = {
  cniVersion: '1.0.0', name: 'n1', mydocker: { id: 'x' },
  plugins: [{ type: 'bridge', bridge: 'br0', capabilities: { ips: true } }, { type: 'portmap', capabilities: { portMappings: true } }],
};
const RT = { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0', capabilityArgs: { portMappings: [{ hostPort: 1 }], mac: 'aa' } };

test('pluginConfig: name and version from the list, runtimeConfig only for declared capabilities', () => {
  const c = pluginConfig(LIST, LIST.plugins[1], RT);
  assert.equal(c.name, 'n1');
  assert.equal(c.cniVersion, '1.0.0');
  assert.deepEqual(c.runtimeConfig, { portMappings: [{ hostPort: 1 }] });
  assert.equal(pluginConfig(LIST, LIST.plugins[0], RT).runtimeConfig, undefined);
});

test('ADD runs in order chaining prevResult; DEL in reverse with the cached result; CHECK in order', async () => {
  const dir = fakeDir(['bridge', 'portmap']);
  const { calls, exec } = recorder((c) => ({
    code: 0,
    stdout: c.env.CNI_COMMAND === 'ADD' ? JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }], by: c.type }) : '',
  }));
  const rt = new CniRuntime({ pluginDirs: [dir], exec });
  const result = await rt.add(LIST, RT);
  assert.deepEqual(calls.map((c) => c.type), ['bridge', 'portmap']);
  assert.equal(calls[0].config.prevResult, undefined);
  assert.equal((calls[1].config.prevResult as { by: string }).by, 'bridge');
  assert.equal(calls[0].env.CNI_COMMAND, 'ADD');
  assert.equal(calls[0].env.CNI_CONTAINERID, 'c1');
  assert.equal(calls[0].env.CNI_NETNS, '/run/netns/x');
  assert.equal(calls[0].env.CNI_IFNAME, 'eth0');
  assert.equal(calls[0].env.CNI_PATH, dir);
  assert.ok(!('mydocker' in calls[0].config), 'runtime keys must not reach plugins');
  calls.length = 0;
  await rt.del(LIST, RT, result);
  assert.deepEqual(calls.map((c) => `${c.env.CNI_COMMAND} ${c.type}`), ['DEL portmap', 'DEL bridge']);
  assert.deepEqual(calls[0].config.prevResult, result);
  calls.length = 0;
  await rt.check(LIST, RT, result);
  assert.deepEqual(calls.map((c) => `${c.env.CNI_COMMAND} ${c.type}`), ['CHECK bridge', 'CHECK portmap']);
});

test('a plugin error becomes a CniError with its code and message; DEL still runs every plugin', async () => {
  const dir = fakeDir(['bridge', 'portmap']);
  const { calls, exec } = recorder((c) => (c.type === 'portmap'
    ? { code: 1, stdout: JSON.stringify({ cniVersion: '1.0.0', code: 11, msg: 'busy', details: 'try later' }) }
    : { code: 0, stdout: '' }));
  const rt = new CniRuntime({ pluginDirs: [dir], exec });
  await assert.rejects(rt.del(LIST, RT), (e: unknown) => e instanceof CniError && e.cniCode === 11 && e.kind === 'Unavailable' && /busy: try later/.test(e.message));
  assert.deepEqual(calls.map((c) => c.type), ['portmap', 'bridge']);
});

test('a missing plugin or an old CNI version is reported before anything runs', () => {
  const rt = new CniRuntime({ pluginDirs: [fakeDir(['bridge'])] });
  assert.throws(() => rt.validate(LIST), /CNI plugin "portmap" not found/);
  assert.throws(() => rt.validate({ ...LIST, cniVersion: '0.2.0' }), /not supported/);
});
