// mydocker network COMMAND: docker's network management group (create, ls, inspect, rm, prune, connect, disconnect).
import { confirm } from '../confirm';
import { flag, list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { commandGroup, inlineVerb, lazyVerb } from '../command-group';
import { eachContainer } from '../each-container';
import { engineFor } from '../engine-deps';
import { matchesNetwork, NETWORK_FILTERS, parseFilters } from '../../engine/filters';
import { formatRows, renderFormat } from '../format/template';
import { describeError, ENGINE_FAILURE_EXIT, InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { parseLabels } from '../../engine/container-config';
import { splitByFamily } from '../../network/subnets6';
import type { SubnetRequest } from '../../network/subnets';

function needArgs(args: ParsedArgs, verb: string, n: number, exact = false): string[] {
  const p = args.positionals;
  if (p.length < n || (exact && p.length !== n)) {
    throw new InvalidArgumentError(`"mydocker network ${verb}" requires ${exact ? 'exactly' : 'at least'} ${n} argument${n > 1 ? 's' : ''}`, {
      hint: `see 'mydocker network ${verb} --help'`,
    });
  }
  return p;
}

interface CreateOpts {
  name: string; driver?: string; subnet?: string; gateway?: string; ipRange?: string; internal: boolean; labels: string[];
  ipv6: boolean; ipv6Subnet: SubnetRequest;
}

const create: CommandDefinition<CreateOpts> = {
  name: 'network create',
  usage: '[OPTIONS] NETWORK',
  summary: 'Create a network (a CNI bridge network: bridge + host-local + portmap)',
  options: [
    { name: 'driver', short: 'd', type: 'string', description: 'Driver to manage the Network (bridge)' },
    { name: 'subnet', type: 'list', description: 'Subnet in CIDR format that represents a network segment (one IPv4, one IPv6)' },
    { name: 'gateway', type: 'list', description: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'ip-range', type: 'list', description: 'Allocate container ip from a sub-range' },
    { name: 'ipv6', type: 'bool', description: 'Enable or disable IPv6 networking (a dual-stack network)' },
    { name: 'internal', type: 'bool', description: 'Restrict external access to the network' },
    { name: 'label', type: 'list', description: 'Set metadata on a network' },
    { name: 'attachable', type: 'bool', description: 'Accepted for compatibility (every network is attachable)' },
  ],
  toOptions(args) {
    const [name] = needArgs(args, 'create', 1, true);
    // docker's repeatable flags: each value goes to the subnet of its address family
    const { v4, v6 } = splitByFamily({ subnets: list(args, 'subnet'), gateways: list(args, 'gateway'), ipRanges: list(args, 'ip-range') });
    return {
      name, driver: str(args, 'driver'), subnet: v4.subnet, gateway: v4.gateway, ipRange: v4.ipRange,
      internal: flag(args, 'internal'), labels: list(args, 'label'), ipv6: flag(args, 'ipv6'), ipv6Subnet: v6,
    };
  },
  async run(o, ctx) {
    const net = await engineFor(ctx).createNetwork({
      name: o.name, driver: o.driver, subnet: o.subnet, gateway: o.gateway, ipRange: o.ipRange, internal: o.internal, labels: parseLabels(o.labels),
      ipv6: o.ipv6, ipv6Subnet: o.ipv6Subnet,
    });
    ctx.io.stdout.write(`${net.id}\n`);
    return 0;
  },
};

const LS_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
const LS_HEADERS = { '.ID': 'NETWORK ID', '.Name': 'NAME', '.Driver': 'DRIVER', '.Scope': 'SCOPE', '.Internal': 'INTERNAL', '.CreatedAt': 'CREATED AT' };


const ls: CommandDefinition<{ quiet: boolean; format?: string; noTrunc: boolean; filters: string[] }> = {
  name: 'network ls',
  usage: '[OPTIONS]',
  summary: 'List networks',
  options: [
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display network IDs' },
    { name: 'format', type: 'string', description: "Format output using a template, or 'json'" },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate the output' },
    { name: 'filter', short: 'f', type: 'list', description: "Provide filter values (e.g. 'driver=bridge', 'name=web')" },
  ],
  toOptions: (args) => ({ quiet: flag(args, 'quiet'), format: str(args, 'format'), noTrunc: flag(args, 'no-trunc'), filters: list(args, 'filter') }),
  async run(o, ctx) {
    const filters = parseFilters(o.filters, NETWORK_FILTERS);
    const rows = engineFor(ctx).listNetworks().filter((n) => matchesNetwork(n, filters))
      .map((n) => ({ ...n, ID: o.noTrunc ? n.ID : n.ID.slice(0, 12) }));
    if (o.quiet) ctx.io.stdout.write(rows.map((r) => `${r.ID}\n`).join(''));
    else ctx.io.stdout.write(formatRows(rows, o.format, LS_TABLE, LS_HEADERS));
    return 0;
  },
};

const inspect: CommandDefinition<{ refs: string[]; format?: string }> = {
  name: 'network inspect',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  summary: 'Display detailed information on one or more networks',
  options: [{ name: 'format', short: 'f', type: 'string', description: 'Format output using a Go-like template' }],
  toOptions: (args) => ({ refs: needArgs(args, 'inspect', 1), format: str(args, 'format') }),
  async run(o, ctx) {
    const engine = engineFor(ctx);
    const found: unknown[] = [];
    let failed = false;
    for (const ref of o.refs) {
      try {
        found.push(engine.inspectNetwork(ref));
      } catch (err) {
        failed = true;
        ctx.io.stderr.write(`mydocker network inspect: ${describeError(err)}\n`);
      }
    }
    if (o.format !== undefined) {
      const f = o.format === 'json' ? '{{json .}}' : o.format;
      ctx.io.stdout.write(found.map((n) => renderFormat(f, n) + '\n').join(''));
    } else {
      ctx.io.stdout.write(JSON.stringify(found, null, 4) + '\n');
    }
    return failed ? ENGINE_FAILURE_EXIT : 0;
  },
};

const rm: CommandDefinition<{ refs: string[]; force: boolean }> = {
  name: 'network rm',
  usage: 'NETWORK [NETWORK...]',
  summary: 'Remove one or more networks',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'Do not error if the network does not exist' }],
  toOptions: (args) => ({ refs: needArgs(args, 'rm', 1), force: flag(args, 'force') }),
  run: (o, ctx) => eachContainer(ctx, 'network rm', o.refs, (ref) => engineFor(ctx).removeNetwork(ref).catch((err: unknown) => {
    if (!(o.force && err instanceof NotFoundError)) throw err;
  })),
};

const prune: CommandDefinition<{ force: boolean }> = {
  name: 'network prune',
  usage: '[OPTIONS]',
  summary: 'Remove all unused networks (no container, running or stopped, refers to them)',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' }],
  toOptions: (args) => ({ force: flag(args, 'force') }),
  async run(o, ctx) {
    if (!o.force && !(await confirm(ctx, 'This will remove all custom networks not used by at least one container.'))) return 0;
    const removed = await engineFor(ctx).pruneNetworks();
    if (removed.length) ctx.io.stdout.write(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}`);
    return 0;
  },
};

const connect: CommandDefinition<{ net: string; container: string; ip?: string; ip6?: string; aliases: string[] }> = {
  name: 'network connect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  summary: 'Connect a container to a network (a running one gets the interface at once)',
  options: [
    { name: 'ip', type: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
    { name: 'ip6', type: 'string', description: 'IPv6 address (e.g., 2001:db8::33)' },
    { name: 'alias', type: 'list', description: 'Add network-scoped alias for the container' },
  ],
  toOptions(args) {
    const [net, container] = needArgs(args, 'connect', 2, true);
    return { net, container, ip: str(args, 'ip'), ip6: str(args, 'ip6'), aliases: list(args, 'alias') };
  },
  async run(o, ctx) {
    await engineFor(ctx).connectNetwork(o.net, o.container, {
      aliases: o.aliases, ...(o.ip !== undefined ? { ip: o.ip } : {}), ...(o.ip6 !== undefined ? { ip6: o.ip6 } : {}),
    });
    return 0;
  },
};

const disconnect: CommandDefinition<{ net: string; container: string }> = {
  name: 'network disconnect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  summary: 'Disconnect a container from a network',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'Accepted for compatibility' }],
  toOptions(args) {
    const [net, container] = needArgs(args, 'disconnect', 2, true);
    return { net, container };
  },
  async run(o, ctx) {
    await engineFor(ctx).disconnectNetwork(o.net, o.container);
    return 0;
  },
};

export const command = commandGroup('network', 'Manage networks', {
  connect: lazyVerb('Connect a container to a network', async () => ({ command: connect })),
  create: lazyVerb('Create a network', async () => ({ command: create })),
  disconnect: inlineVerb(disconnect),
  inspect: inlineVerb(inspect),
  ls: lazyVerb('List networks', async () => ({ command: ls }), ['list']),
  prune: lazyVerb('Remove all unused networks', async () => ({ command: prune })),
  rm: inlineVerb(rm, ['remove']),
});
