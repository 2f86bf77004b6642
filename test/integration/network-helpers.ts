// Shared by the network test files: run-and-assert, polling, removing a sandbox's containers and networks,
// and finding anything of ours the networking left on the host (devices, iptables rules, pinned netns).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, type Result, type Sandbox } from '../helpers/sandbox';

/** Runs mydocker without blocking (for many at once); resolves with its output and exit code. */
export function runAsync(sb: Sandbox, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; args: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(MYDOCKER, [...sb.globalArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, args }));
  });
}

export function ok(sb: Sandbox, args: string[]): Result {
  const r = sb.run(args);
  assert.equal(r.code, 0, `mydocker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

export async function waitFor(fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the sandbox's networking is made of, to look for afterwards. */
export interface OurNames {
  bridges: string[];
  networkIds: string[];
  subnets: string[];
  containerIds: string[];
  veths: string[];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function networkNames(sb: Sandbox, seen: Partial<OurNames> = {}): OurNames {
  const names: OurNames = { bridges: [], networkIds: [], subnets: [], containerIds: [...sb.containerIds(), ...(seen.containerIds ?? [])], veths: [...(seen.veths ?? [])] };
  const netDir = path.join(sb.root, 'networks');
  for (const f of fs.existsSync(netDir) ? fs.readdirSync(netDir) : []) {
    const meta = readJson<{ mydocker?: { bridge: string; id: string; subnet: string } }>(path.join(netDir, f))?.mydocker;
    if (!meta) continue;
    names.bridges.push(meta.bridge);
    names.networkIds.push(meta.id);
    names.subnets.push(meta.subnet);
  }
  const attDir = path.join(sb.runroot, 'networks', 'containers');
  for (const f of fs.existsSync(attDir) ? fs.readdirSync(attDir) : []) {
    const att = readJson<{ containerId: string; networks: { result?: { interfaces?: { name: string; sandbox?: string }[] } }[] }>(path.join(attDir, f));
    if (!att) continue;
    names.containerIds.push(att.containerId);
    for (const n of att.networks) for (const i of n.result?.interfaces ?? []) if (!i.sandbox && i.name.startsWith('veth')) names.veths.push(i.name);
  }
  return names;
}

/** `rm -f` every container, then every network (the default one too, which only `system reset` takes down). */
export function removeEverything(sb: Sandbox): void {
  const ids = sb.containerIds();
  if (ids.length) sb.run(['rm', '-f', ...ids]);
  sb.run(['system', 'reset', '--force']);
}

/** Devices, rules, registry entries and namespace pins of ours still on the host. */
export function hostFootprint(names: OurNames): string[] {
  const found: string[] = [];
  const links = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;
  for (const dev of [...names.bridges, ...names.veths]) if (new RegExp(`^\\d+: ${dev}[@:]`, 'm').test(links)) found.push(`device ${dev}`);
  const rules = ['filter', 'nat'].map((t) => spawnSync('iptables-save', ['-t', t], { encoding: 'utf8' }).stdout).join('\n').split('\n');
  const needles = [
    ...names.bridges, ...names.networkIds.map((id) => `mydocker network ${id.slice(0, 12)}`), ...names.containerIds.map((id) => `id: "${id}"`),
    ...names.subnets.map((s) => `-s ${s}`), ...names.subnets.map((s) => `--to-destination ${s.split('.').slice(0, 3).join('.')}.`),
  ];
  for (const line of rules) if (needles.some((n) => line.includes(n))) found.push(`rule ${line}`);
  for (const b of names.bridges) if (fs.existsSync(`/run/mydocker-networks/${b}.json`)) found.push(`registry ${b}`);
  return found;
}

/** Attachments (network state of running containers) whose container's init is not alive: leaks. */
export function strayAttachments(sb: Sandbox): string[] {
  const dir = path.join(sb.runroot, 'networks', 'containers');
  const out: string[] = [];
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const att = readJson<{ containerId: string; containerName: string; pid: number }>(path.join(dir, f));
    if (att && !fs.existsSync(`/proc/${att.pid}`)) out.push(`${att.containerName} (${att.containerId.slice(0, 12)})`);
  }
  return out;
}
