// mydocker port CONTAINER [PRIVATE_PORT[/PROTO]]: the host ports a running container publishes.
import type { CommandDefinition } from '../command';
import { engineFor } from '../engine-deps';
import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { formatPortLines } from '../../network/ports';

export const command: CommandDefinition<{ container: string; port?: string }> = {
  name: 'port',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the container',
  options: [],
  toOptions(args) {
    const [container, port, ...rest] = args.positionals;
    if (container === undefined || rest.length) throw new InvalidArgumentError('"mydocker port" requires 1 or 2 arguments', { hint: "see 'mydocker port --help'" });
    if (port !== undefined && !/^\d{1,5}(\/(tcp|udp|sctp))?$/.test(port)) throw new InvalidArgumentError(`invalid port "${port}": use PORT[/PROTO]`);
    return { container, ...(port !== undefined ? { port: port.includes('/') ? port : `${port}/tcp` } : {}) };
  },
  async run(o, ctx) {
    const { name, ports } = engineFor(ctx).containerPorts(o.container);
    const lines = formatPortLines(ports, o.port);
    if (o.port !== undefined && !lines.length) throw new NotFoundError(`no public port '${o.port}' published for ${name}`);
    ctx.io.stdout.write(lines.map((l) => `${l}\n`).join(''));
    return 0;
  },
};
