// The Dockerfile executor. Each step's result is an image (untagged), as in docker's classic builder: a step
// that changes files adds one layer (RUN: the container's upper dir; COPY/ADD: the sources as a tar; WORKDIR: the
// new directory), a metadata-only step the same layers with a new config and an empty_layer history entry. The
// step's (parent id, expanded instruction, sources hash) keys the cache (cache.ts). Stages run in order up to the
// target; the target stage's last image is the result, tagged at the end.
import * as path from 'node:path';
import type { Dockerfile, Instruction, Stage } from '../../build/ast';
import { InvalidArgumentError, MydockerError, NotFoundError } from '../../errors/errors';
import { readJsonBlob } from '../../image/blobs';
import type { HealthConfig, OciImageConfig } from '../../image/oci';
import type { HistoryEntry, ImageConfig, ImageRecord } from '../../image/store';
import { normalizeReference } from '../../image/reference';
import { pullImage } from '../../image/registry/pull';
import { tarStream, type TarInput } from '../../archive/tar-writer';
import { parseGoDuration } from '../health/duration';
import { parseGroup, parsePasswd } from '../user';
import type { EngineDeps } from '../lifecycle/context';
import { BuildCache, type CacheKey } from './cache';
import { BuildContext } from './context';
import { planCopy, type SourceTree } from './copy';
import { LayersTree, readFileInLayers, statInLayers } from './layers-tree';
import { runStep } from './run-step';
import { expandWord, expandWords as splitWords, type VarLookup as Lookup } from '../../build/expand';
import { nameValues } from '../../build/name-values';

export interface BuildOptions {
  /** The Dockerfile's name as the user gave it, for "Dockerfile:LINE" in errors. */
  dockerfileName: string;
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  labels: Record<string, string>;
  /** RUN's network mode (default: bridge, as docker's build). */
  network: string;
  /** Cancels the build: a running RUN container is killed and removed, no further step starts. */
  signal?: AbortSignal;
}

/** Progress text as it happens (lines end with \n). */
export type BuildProgress = (text: string) => void;

export interface BuildResult {
  id: string;
  tags: string[];
}

const PROXY_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);
const DEFAULT_SHELL = ['/bin/sh', '-c'];

interface StageState {
  /** undefined: FROM scratch, nothing yet. */
  image?: ImageRecord;
  config: ImageConfig;
  diffIds: string[];
  history: HistoryEntry[];
  layerDirs: string[];
  /** ARGs declared in this stage, with their values (undefined: declared without a value). */
  args: Map<string, string | undefined>;
  cmdSet: boolean;
}

function fail(where: string, message: string): MydockerError {
  return new InvalidArgumentError(`${where}: ${message}`, { exitCode: 1 });
}

function envMap(env: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

function setEnv(env: readonly string[] | undefined, key: string, value: string): string[] {
  const out = (env ?? []).filter((e) => !e.startsWith(`${key}=`));
  out.push(`${key}=${value}`);
  return out;
}

/** A Dockerfile instruction back as text (for history and ONBUILD). */
function instructionText(ins: Instruction): string {
  const flags = Object.entries(ins.flags).flatMap(([k, vs]) => vs.map((v) => `--${k}=${v}`));
  const body = ins.json ? JSON.stringify(ins.json) : ins.text;
  return [ins.keyword, ...flags, body].filter((s) => s !== '').join(' ');
}

function parseHealthcheck(ins: Instruction, where: string): HealthConfig {
  const text = ins.text.trim();
  if (/^NONE$/i.test(text)) return { Test: ['NONE'] };
  const m = /^CMD\s+([\s\S]*)$/i.exec(text);
  if (!m && !ins.json) throw fail(where, 'HEALTHCHECK needs NONE or CMD');
  let test: string[];
  const rest = m ? m[1].trim() : '';
  if (ins.json) test = ['CMD', ...ins.json];
  else if (rest.startsWith('[')) {
    try {
      test = ['CMD', ...(JSON.parse(rest) as string[])];
    } catch {
      test = ['CMD-SHELL', rest];
    }
  } else test = ['CMD-SHELL', rest];
  const hc: HealthConfig = { Test: test };
  const dur = (name: string) => {
    const v = ins.flags[name]?.at(-1);
    if (v === undefined) return undefined;
    try {
      return parseGoDuration(v);
    } catch (err) {
      throw fail(where, `HEALTHCHECK --${name}: ${(err as Error).message}`);
    }
  };
  const interval = dur('interval');
  const timeout = dur('timeout');
  const start = dur('start-period');
  const startInterval = dur('start-interval');
  if (interval !== undefined) hc.Interval = interval;
  if (timeout !== undefined) hc.Timeout = timeout;
  if (start !== undefined) hc.StartPeriod = start;
  if (startInterval !== undefined) hc.StartInterval = startInterval;
  const retries = ins.flags.retries?.at(-1);
  if (retries !== undefined) {
    if (!/^\d+$/.test(retries)) throw fail(where, `HEALTHCHECK --retries: invalid number ${retries}`);
    hc.Retries = Number(retries);
  }
  return hc;
}

export class Builder {
  private readonly cache: BuildCache;
  private readonly ctx: BuildContext;
  private step = 0;
  private readonly usedArgs = new Set<string>();
  private readonly stageResults: StageState[] = [];

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: BuildOptions,
    contextDir: string,
    private readonly progress: BuildProgress,
    private readonly parse: (text: string) => Dockerfile,
  ) {
    this.cache = new BuildCache(deps.layout);
    this.ctx = new BuildContext(contextDir);
  }

  private where(ins: Instruction): string {
    return `${this.opts.dockerfileName}:${ins.line}`;
  }

  async build(df: Dockerfile): Promise<BuildResult> {
    if (!df.stages.length) throw new InvalidArgumentError('the Dockerfile has no FROM instruction', { exitCode: 1 });
    let targetIndex = df.stages.length - 1;
    if (this.opts.target !== undefined) {
      const t = this.opts.target.toLowerCase();
      const hit = df.stages.find((s) => s.name === t);
      if (!hit) throw new InvalidArgumentError(`failed to reach build target ${this.opts.target} in Dockerfile`, { exitCode: 1 });
      targetIndex = hit.index;
    }
    // global ARGs: their defaults, overridden by --build-arg; only FROM lines (and ARG re-declarations) see them
    const globals = new Map<string, string | undefined>();
    for (const ins of df.globalArgs) {
      for (const [k, v] of this.argDecl(ins, (n) => globals.get(n), df.escape)) {
        globals.set(k, this.opts.buildArgs[k] ?? v);
        this.usedArgs.add(k);
      }
    }
    let state: StageState | undefined;
    for (const stage of df.stages.slice(0, targetIndex + 1)) {
      state = await this.runStage(df, stage, globals);
      this.stageResults[stage.index] = state;
    }
    if (!state) throw new InvalidArgumentError('nothing to build', { exitCode: 1 });
    if (Object.keys(this.opts.labels).length) {
      const config = { ...state.config, Labels: { ...(state.config.Labels ?? {}), ...this.opts.labels } };
      const text = `LABEL ${Object.entries(this.opts.labels).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ')}`;
      this.step++;
      this.progress(`#${this.step} [labels] ${text}\n`);
      await this.commitMeta(state, config, text, text);
    }
    const unused = Object.keys(this.opts.buildArgs).filter((k) => !this.usedArgs.has(k) && !PROXY_ARGS.has(k));
    if (unused.length) this.progress(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    const image = state.image ?? (await this.ensureImage(state));
    for (const tag of this.opts.tags) await this.deps.images.tag(image.id, tag);
    this.progress(`Successfully built ${image.id.slice(7, 19)}\n`);
    for (const tag of this.opts.tags) this.progress(`Successfully tagged ${tag.includes(':') && !tag.endsWith(']') && /:[\w][\w.-]*$/.test(tag) ? tag : `${tag}:latest`}\n`);
    return { id: image.id, tags: this.opts.tags };
  }

  /** ARG name[=default]… → [name, value] pairs (value expanded with what the declaration sees). */
  private argDecl(ins: Instruction, lookup: Lookup, escape = '\\'): [string, string | undefined][] {
    return nameValues(ins, lookup, escape).map(({ name, value }) => {
      if (!name) throw fail(this.where(ins), 'ARG requires a name');
      return [name, value];
    });
  }

  private async resolveFrom(stage: Stage, globals: Map<string, string | undefined>, escape: string): Promise<StageState> {
    const ref = expandWord(stage.baseRef, (n) => globals.get(n), escape);
    const where = this.where(stage.from);
    const fresh = (image: ImageRecord | undefined, prev?: StageState): StageState => ({
      image, config: prev ? { ...prev.config } : { ...(image?.config ?? {}) },
      diffIds: prev ? [...prev.diffIds] : [...(image?.diffIds ?? [])],
      history: prev ? [...prev.history] : image ? this.historyOf(image) : [],
      layerDirs: prev ? [...prev.layerDirs] : [...(image?.layerDirs ?? [])],
      args: new Map(), cmdSet: false,
    });
    if (ref === 'scratch') return fresh(undefined);
    const byName = this.stageResults.findIndex((_s, i) => i < stage.index && this.stageNames[i] === ref.toLowerCase());
    if (byName >= 0) return fresh(this.stageResults[byName].image, this.stageResults[byName]);
    if (/^\d+$/.test(ref) && Number(ref) < stage.index) return fresh(this.stageResults[Number(ref)].image, this.stageResults[Number(ref)]);
    return fresh(await this.image(ref, where));
  }

  private stageNames: (string | undefined)[] = [];

  private historyOf(image: ImageRecord): HistoryEntry[] {
    const doc = readJsonBlob<OciImageConfig>(this.deps.layout, image.id);
    const h = doc.history ?? [];
    return h.filter((e) => !e.empty_layer).length === image.diffIds.length ? h : image.diffIds.map(() => ({}));
  }

  /** An image from the store; pulled when missing (or always with --pull, keeping the local one if that fails). */
  private async image(ref: string, where: string): Promise<ImageRecord> {
    const local = await this.deps.images.find(ref);
    if (local && !this.opts.pull) return local;
    try {
      if (!local && normalizeReference(ref) === normalizeReference('busybox')) return await this.deps.images.resolve(ref);
      const pulled = await pullImage(this.deps.layout, this.deps.log, ref);
      return await this.deps.images.resolve(pulled.id);
    } catch (err) {
      if (local) {
        this.progress(`[Warning] --pull: ${ref} could not be pulled (${(err as Error).message}); using the local image\n`);
        return local;
      }
      if (err instanceof NotFoundError || err instanceof MydockerError) throw fail(where, `FROM ${ref}: ${err.message}`);
      throw err;
    }
  }

  private async runStage(df: Dockerfile, stage: Stage, globals: Map<string, string | undefined>): Promise<StageState> {
    this.stageNames[stage.index] = stage.name;
    const total = stage.instructions.length + 1;
    const label = stage.name ?? `stage-${stage.index}`;
    this.step++;
    this.progress(`#${this.step} [${label} 1/${total}] ${instructionText(stage.from)}\n`);
    const state = await this.resolveFrom(stage, globals, df.escape);
    const triggers = state.config.OnBuild ?? [];
    if (triggers.length) {
      // ONBUILD triggers of the base run first, then are dropped from the new image (as docker does)
      state.config = { ...state.config, OnBuild: undefined };
      for (const text of triggers) {
        const sub = this.parse(`FROM scratch\n${text}\n`);
        for (const ins of sub.stages[0]?.instructions ?? []) {
          this.step++;
          this.progress(`#${this.step} [${label} onbuild] ${instructionText(ins)}\n`);
          await this.instruction(df, ins, state, globals);
        }
      }
    }
    let n = 1;
    for (const ins of stage.instructions) {
      n++;
      if (this.opts.signal?.aborted) throw new InvalidArgumentError('the build was cancelled', { exitCode: 1 });
      this.step++;
      this.progress(`#${this.step} [${label} ${n}/${total}] ${instructionText(ins)}\n`);
      await this.instruction(df, ins, state, globals);
    }
    return state;
  }

  /** What ENV/LABEL/COPY/... see: the stage's ENV first, then its ARGs. */
  private lookup(state: StageState): Lookup {
    const env = envMap(state.config.Env);
    return (name) => {
      if (env.has(name)) return env.get(name);
      if (state.args.has(name)) {
        this.usedArgs.add(name);
        return state.args.get(name);
      }
      return undefined;
    };
  }

  /** Build args RUN sees as environment (declared in the stage, or a predefined proxy given on the command line). */
  private runArgs(state: StageState): string[] {
    const out: string[] = [];
    for (const [k, v] of state.args) if (v !== undefined) out.push(`${k}=${v}`);
    for (const [k, v] of Object.entries(this.opts.buildArgs)) if (PROXY_ARGS.has(k) && !state.args.has(k)) out.push(`${k}=${v}`);
    return out;
  }

  private async instruction(df: Dockerfile, ins: Instruction, state: StageState, globals: Map<string, string | undefined>): Promise<void> {
    const where = this.where(ins);
    const esc = df.escape;
    const lookup = this.lookup(state);
    const shell = state.config.Shell ?? DEFAULT_SHELL;
    const cfg: ImageConfig = { ...state.config };
    const meta = (text: string) => this.commitMeta(state, cfg, text, `/bin/sh -c #(nop) ${text}`);
    const shellOrJson = (): string[] => (ins.json ? [...ins.json] : [...shell, ins.text]);
    try {
      switch (ins.keyword) {
        case 'ARG': {
          for (const [k, v] of this.argDecl(ins, lookup, esc)) {
            this.usedArgs.add(k);
            const given = this.opts.buildArgs[k];
            const value = given ?? v ?? (globals.has(k) ? globals.get(k) : undefined);
            state.args.set(k, value);
          }
          return await meta(`ARG ${ins.text}`);
        }
        case 'ENV': {
          let env = cfg.Env;
          for (const { name, value } of nameValues(ins, lookup, esc)) {
            if (!name || value === undefined) throw fail(where, `ENV names can not be blank and need a value: ${ins.text}`);
            env = setEnv(env, name, value);
          }
          cfg.Env = env;
          return await meta(`ENV ${ins.text}`);
        }
        case 'LABEL': {
          const labels = { ...(cfg.Labels ?? {}) };
          for (const { name, value } of nameValues(ins, lookup, esc)) {
            if (!name || value === undefined) throw fail(where, `LABEL names can not be blank and need a value: ${ins.text}`);
            labels[name] = value;
          }
          cfg.Labels = labels;
          return await meta(`LABEL ${ins.text}`);
        }
        case 'MAINTAINER':
          return await meta(`MAINTAINER ${ins.text}`);
        case 'USER':
          cfg.User = expandWord(ins.text.trim(), lookup, esc);
          return await meta(`USER ${cfg.User}`);
        case 'STOPSIGNAL':
          cfg.StopSignal = expandWord(ins.text.trim(), lookup, esc);
          return await meta(`STOPSIGNAL ${cfg.StopSignal}`);
        case 'EXPOSE': {
          const ports = { ...(cfg.ExposedPorts ?? {}) };
          for (const p of splitWords(ins.text, lookup, esc)) {
            if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw fail(where, `EXPOSE: invalid port ${p}`);
            ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
          }
          cfg.ExposedPorts = ports;
          return await meta(`EXPOSE ${Object.keys(ports).join(' ')}`);
        }
        case 'VOLUME': {
          const vols = { ...(cfg.Volumes ?? {}) };
          const list = ins.json ?? splitWords(ins.text, lookup, esc);
          if (!list.length) throw fail(where, 'VOLUME specified can not be an empty string');
          for (const v of list) vols[expandWord(v, lookup, esc)] = {};
          cfg.Volumes = vols;
          return await meta(`VOLUME [${list.join(' ')}]`);
        }
        case 'ENTRYPOINT':
          cfg.Entrypoint = shellOrJson();
          if (!state.cmdSet) cfg.Cmd = undefined; // a new ENTRYPOINT drops the base image's CMD
          return await meta(`ENTRYPOINT ${JSON.stringify(cfg.Entrypoint)}`);
        case 'CMD':
          cfg.Cmd = shellOrJson();
          state.cmdSet = true;
          return await meta(`CMD ${JSON.stringify(cfg.Cmd)}`);
        case 'SHELL':
          if (!ins.json || !ins.json.length) throw fail(where, 'SHELL requires the arguments to be in JSON form');
          cfg.Shell = [...ins.json];
          return await meta(`SHELL ${JSON.stringify(cfg.Shell)}`);
        case 'HEALTHCHECK':
          cfg.Healthcheck = parseHealthcheck(ins, where);
          return await meta(`HEALTHCHECK ${JSON.stringify(cfg.Healthcheck)}`);
        case 'ONBUILD': {
          if (!ins.inner) throw fail(where, 'ONBUILD requires an instruction');
          if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(ins.inner.keyword)) throw fail(where, `${ins.inner.keyword} isn't allowed as an ONBUILD trigger`);
          cfg.OnBuild = [...(cfg.OnBuild ?? []), instructionText(ins.inner)];
          return await meta(`ONBUILD ${instructionText(ins.inner)}`);
        }
        case 'WORKDIR':
          return await this.workdir(state, cfg, expandWord(ins.text.trim(), lookup, esc));
        case 'RUN':
          return await this.run(ins, state, shell);
        case 'COPY':
        case 'ADD':
          return await this.copy(ins, state, lookup, esc);
        default:
          throw fail(where, `unknown instruction: ${ins.keyword}`);
      }
    } catch (err) {
      if (err instanceof MydockerError && err.message.startsWith(`${this.opts.dockerfileName}:`)) throw err;
      if (err instanceof MydockerError) throw new InvalidArgumentError(`${where}: ${err.message}`, { exitCode: 1, cause: err });
      if (err instanceof Error && !(err as NodeJS.ErrnoException).code) throw fail(where, err.message);
      throw err;
    }
  }

  private cached(key: CacheKey): Promise<ImageRecord | undefined> {
    if (this.opts.noCache) return Promise.resolve(undefined);
    const id = this.cache.get(key);
    return id ? this.deps.images.find(id) : Promise.resolve(undefined);
  }

  private adopt(state: StageState, image: ImageRecord): void {
    state.image = image;
    state.config = { ...image.config };
    state.diffIds = [...image.diffIds];
    state.layerDirs = [...image.layerDirs];
    state.history = this.historyOf(image);
  }

  private parentKey(state: StageState): string {
    return state.image?.id ?? 'scratch';
  }

  /** A metadata step: same layers, new config, an empty_layer history entry; cached like any step. */
  private async commitMeta(state: StageState, config: ImageConfig, keyText: string, createdBy: string): Promise<void> {
    const key: CacheKey = { parent: this.parentKey(state), instruction: `${keyText}\0${JSON.stringify(config)}` };
    const hit = await this.cached(key);
    if (hit) {
      this.progress(`#${this.step} CACHED\n`);
      this.adopt(state, hit);
      return;
    }
    const image = await this.deps.images.createImage(state.diffIds, config, undefined, [...state.history, { created_by: createdBy, empty_layer: true }]);
    this.cache.put(key, image.id);
    this.adopt(state, image);
  }

  /** A step with a layer: the cache first, then make the layer (under the content lease) and the image. */
  private async commitLayer(state: StageState, key: CacheKey, createdBy: string, config: ImageConfig, makeLayer: () => Promise<string>): Promise<void> {
    const hit = await this.cached(key);
    if (hit) {
      this.progress(`#${this.step} CACHED\n`);
      this.adopt(state, hit);
      return;
    }
    const started = Date.now();
    const image = await this.deps.images.withContentLease(async () => {
      const diffId = await makeLayer();
      return this.deps.images.createImage([...state.diffIds, diffId], config, undefined, [...state.history, { created_by: createdBy }]);
    });
    this.cache.put(key, image.id);
    this.adopt(state, image);
    this.progress(`#${this.step} DONE ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  }

  /** An image for the state when it has none yet (FROM scratch with metadata only). */
  private async ensureImage(state: StageState): Promise<ImageRecord> {
    const image = await this.deps.images.createImage(state.diffIds, state.config, undefined, state.history);
    state.image = image;
    return image;
  }

  private async workdir(state: StageState, cfg: ImageConfig, dir: string): Promise<void> {
    const abs = path.posix.resolve(state.config.WorkingDir || '/', dir);
    cfg.WorkingDir = abs;
    const text = `WORKDIR ${abs}`;
    if (abs === '/' || statInLayers(state.layerDirs, abs)?.st.isDirectory()) return this.commitMeta(state, cfg, text, `/bin/sh -c #(nop) ${text}`);
    // docker creates a missing WORKDIR (owned by root, 0755): one small layer; existing parents kept as they are
    const parts = abs.split('/').filter(Boolean);
    const entries: TarInput[] = parts.map((_p, k) => {
      const p = parts.slice(0, k + 1).join('/');
      const hit = statInLayers(state.layerDirs, p);
      return { entry: hit?.st.isDirectory()
        ? { path: p, type: 'dir', mode: hit.st.mode & 0o7777, uid: hit.st.uid, gid: hit.st.gid, mtime: Math.floor(hit.st.mtimeMs / 1000) }
        : { path: p, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: Math.floor(Date.now() / 1000) } };
    });
    await this.commitLayer(state, { parent: this.parentKey(state), instruction: `${text}\0${JSON.stringify(cfg)}` }, `/bin/sh -c #(nop) ${text}`, cfg,
      async () => (await this.deps.images.addLayer(tarStream(entries))).diffId);
  }

  private async run(ins: Instruction, state: StageState, shell: string[]): Promise<void> {
    let argv: string[];
    const doc = ins.heredocs[0];
    if (ins.json) argv = [...ins.json];
    else if (doc && /^<<-?["']?[^\s"']+["']?$/.test(ins.text.trim())) argv = [...shell, doc.content];
    else if (doc) argv = [...shell, `${ins.text}\n${ins.heredocs.map((h) => `${h.content}${h.content.endsWith('\n') ? '' : '\n'}${h.name}`).join('\n')}`];
    else argv = [...shell, ins.text];
    const args = this.runArgs(state);
    for (const a of args) this.usedArgs.add(a.slice(0, a.indexOf('=')));
    // docker's classic history: "|N K=V ... /bin/sh -c cmd" names the build args the RUN saw
    const shown = ins.json ? JSON.stringify(argv) : argv.join(' ');
    const createdBy = args.length ? `|${args.length} ${args.join(' ')} ${shown}` : shown;
    const network = ins.flags.network?.at(-1) ?? this.opts.network;
    if (!state.image) state.image = await this.ensureImage(state);
    const image = state.image;
    const key: CacheKey = { parent: this.parentKey(state), instruction: `RUN ${createdBy}\0${JSON.stringify(state.config)}` };
    await this.commitLayer(state, key, createdBy, state.config, async () => {
      const r = await runStep(this.deps, {
        image, config: state.config, argv, extraEnv: args, network, where: this.where(ins),
        shown: `RUN ${ins.json ? JSON.stringify(ins.json) : ins.text}`, ...(this.opts.signal ? { signal: this.opts.signal } : {}),
        output: (data) => this.progress(data.toString('utf8').split(/(?<=\n)/).map((l) => `#${this.step} ${l}`).join('')),
      });
      return r.diffId;
    });
  }

  private owner(state: StageState, spec: string | undefined, where: string): { uid: number; gid: number } | undefined {
    if (spec === undefined || spec === '') return undefined;
    const [u, g] = spec.split(':');
    const passwd = parsePasswd(readFileInLayers(state.layerDirs, 'etc/passwd') ?? '');
    const groups = parseGroup(readFileInLayers(state.layerDirs, 'etc/group') ?? '');
    const uid = /^\d+$/.test(u) ? Number(u) : passwd.find((p) => p.name === u)?.uid;
    if (uid === undefined) throw fail(where, `unable to convert uid/gid chown string to host mapping: no such user: ${u}`);
    let gid: number | undefined;
    if (g === undefined) gid = /^\d+$/.test(u) ? uid : passwd.find((p) => p.name === u)?.gid;
    else gid = /^\d+$/.test(g) ? Number(g) : groups.find((x) => x.name === g)?.gid;
    if (gid === undefined) throw fail(where, `unable to convert uid/gid chown string to host mapping: no such group: ${g}`);
    return { uid, gid };
  }

  private async copy(ins: Instruction, state: StageState, lookup: Lookup, esc: string): Promise<void> {
    const where = this.where(ins);
    const isAdd = ins.keyword === 'ADD';
    const words = ins.json ? ins.json.map((w) => expandWord(w, lookup, esc)) : splitWords(ins.text, lookup, esc);
    if (words.length < 2) throw fail(where, `${ins.keyword} requires at least two arguments`);
    const dest0 = words[words.length - 1];
    const docs = new Map(ins.heredocs.map((h) => [h.name, h]));
    const srcs: string[] = [];
    const inline: { name: string; content: string }[] = [];
    for (const w of words.slice(0, -1)) {
      const m = /^<<-?["']?([^\s"']+)["']?$/.exec(w);
      const doc = m ? docs.get(m[1]) : undefined;
      if (doc) inline.push({ name: doc.name, content: doc.literal ? doc.content : expandWord(doc.content, lookup, esc) });
      else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(w)) {
        if (isAdd) throw new InvalidArgumentError(`${where}: ADD from a URL is not supported here: no network (${w})`, { exitCode: 1 });
        throw fail(where, `COPY cannot copy from a URL: ${w}`);
      } else srcs.push(w);
    }
    const dest = dest0.startsWith('/') ? dest0 : `${path.posix.join(state.config.WorkingDir || '/', dest0)}${dest0.endsWith('/') || dest0 === '.' ? '/' : ''}`;
    const from = ins.flags.from?.at(-1);
    let tree: SourceTree = this.ctx;
    if (from !== undefined) {
      const f = expandWord(from, lookup, esc);
      const idx = this.stageNames.findIndex((n, i) => this.stageResults[i] && n === f.toLowerCase());
      const stageState = idx >= 0 ? this.stageResults[idx] : /^\d+$/.test(f) ? this.stageResults[Number(f)] : undefined;
      tree = new LayersTree(stageState ? stageState.layerDirs : (await this.image(f, where)).layerDirs);
    }
    const chmodText = ins.flags.chmod?.at(-1);
    if (chmodText !== undefined && !/^[0-7]{3,4}$/.test(chmodText)) throw fail(where, `invalid chmod parameter: ${chmodText}`);
    const owner = this.owner(state, ins.flags.chown?.at(-1) !== undefined ? expandWord(ins.flags.chown.at(-1)!, lookup, esc) : undefined, where);
    const plan = planCopy({
      tree, srcs, inline, dest, extractArchives: isAdd && from === undefined, layerDirs: state.layerDirs,
      ...(owner ? { owner } : {}), ...(chmodText !== undefined ? { chmod: parseInt(chmodText, 8) } : {}),
    });
    const text = `${ins.keyword} ${words.slice(0, -1).join(' ')} ${dest}`;
    const createdBy = `/bin/sh -c #(nop) ${ins.keyword} ${isAdd ? 'file' : 'file'}:${plan.hash} in ${dest}`;
    const key: CacheKey = { parent: this.parentKey(state), instruction: `${text}\0${JSON.stringify(state.config)}`, sources: plan.hash };
    await this.commitLayer(state, key, createdBy, state.config, async () => (await this.deps.images.addLayer(tarStream(plan.entries()))).diffId);
  }
}

