// mydocker system service: the Docker Engine API on a unix socket (or loopback TCP), served by this
// process over the same store as every other mydocker command (podman's `system service`).
import { flag, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { Engine } from '../../engine';
import { ImageStore } from '../../image/store';
import { ApiService, parseHost } from '../../api/server';
import { VERSION } from '../main';
import * as path from 'node:path';
import { inUserNamespace } from '../../sys/rootless';

interface ServiceCommandOptions { host?: string; idleSeconds: number; insecureListen: boolean }

export const command: CommandDefinition<ServiceCommandOptions> = {
  name: 'system service',
  usage: '[OPTIONS]',
  summary: 'Serve the Docker Engine API (docker CLI: DOCKER_HOST=unix:///run/mydocker/docker.sock)',
  options: [
    { name: 'host', short: 'H', type: 'string', value: 'URI', description: 'unix:///path/to.sock or tcp://127.0.0.1:PORT (default unix:///run/mydocker/docker.sock; rootless: in $XDG_RUNTIME_DIR/mydocker)' },
    { name: 'time', short: 't', type: 'string', value: 'SECONDS', description: 'Exit after this many seconds without a connection (default 0: never)' },
    { name: 'insecure-listen', type: 'bool', description: 'Allow TCP on a non-loopback address (anyone who reaches it is root here)' },
  ],
  toOptions(args: ParsedArgs) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker system service" accepts no arguments (use --host URI)');
    const time = str(args, 'time') ?? '0';
    if (!/^\d+$/.test(time)) throw new InvalidArgumentError(`invalid --time ${JSON.stringify(time)}: a number of seconds`);
    return { host: str(args, 'host'), idleSeconds: Number(time), insecureListen: flag(args, 'insecure-listen') };
  },
  async run(opts, ctx) {
    // rootless: the user's runtime directory, never root's /run/mydocker
    const host = opts.host ?? (inUserNamespace() ? `unix://${path.join(ctx.layout.runroot, 'docker.sock')}` : 'unix:///run/mydocker/docker.sock');
    const listen = parseHost(host, opts.insecureListen);
    if (listen.kind === 'tcp' && opts.insecureListen) {
      ctx.io.stderr.write(`WARNING: the API listens on ${listen.host}:${listen.port} without TLS or authentication: anyone who can reach it is root on this machine\n`);
    }
    const engine = new Engine({ layout: ctx.layout, log: ctx.log, images: new ImageStore(ctx.layout, ctx.log) });
    const service = await ApiService.start({ engine, log: ctx.log, listen, idleSeconds: opts.idleSeconds, version: VERSION });
    ctx.log.info('api', 'serving the Docker Engine API', { address: service.address });
    let signals = 0;
    const onSignal = () => void service.stop({ force: ++signals > 1 });
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    await service.done;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    // An exec session whose process lives on (docker leaves those too) must not keep this process up.
    setTimeout(() => process.exit(0), 1000).unref();
    return 0;
  },
};
