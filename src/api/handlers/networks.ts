// Networks: list, inspect, create, remove, connect, disconnect, prune.
import type { ApiContext, Handler } from '../context';
import { readJsonObject } from '../http/request';
import { parseFilters } from '../filters';
import { resolveContainer } from './containers';
import { InvalidArgumentError } from '../../errors/errors';
import { matchesNetwork, NETWORK_FILTERS } from '../../engine/filters';
import { splitByFamily } from '../../network/subnets6';

function str(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new InvalidArgumentError(`invalid JSON: ${name} must be a string`);
  return v;
}

function strMap(v: unknown, name: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new InvalidArgumentError(`invalid JSON: ${name} must be an object of strings`);
  }
  return v as Record<string, string>;
}

function obj(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`invalid JSON: ${name} must be an object`);
  return v as Record<string, unknown>;
}

/** docker's clients parse Created as a time: the pseudo networks (host, none) have none. */
function network(doc: ReturnType<ApiContext['engine']['inspectNetwork']>) {
  return { ...doc, Created: doc.Created || '0001-01-01T00:00:00Z' };
}

export const list: Handler = (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  for (const key of filters.keys()) if (!NETWORK_FILTERS.includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  const rows = ctx.engine.listNetworks().filter((n) => matchesNetwork(n, filters));
  reply.json(200, rows.map((n) => ({ ...network(ctx.engine.inspectNetwork(n.Name)), Containers: {} })));
};

export const inspect: Handler = (ctx, req, reply) => {
  reply.json(200, network(ctx.engine.inspectNetwork(req.params.id)));
};

export const create: Handler = async (ctx, req, reply) => {
  const body = await readJsonObject(req);
  const name = str(body.Name, 'Name');
  if (!name) throw new InvalidArgumentError('network name is required');
  const driver = str(body.Driver, 'Driver') ?? 'bridge';
  if (driver !== 'bridge') throw new InvalidArgumentError(`network driver ${JSON.stringify(driver)} is not supported by mydocker (bridge only)`);
  const ipam = obj(body.IPAM, 'IPAM');
  const ipamDriver = str(ipam.Driver, 'IPAM.Driver');
  if (ipamDriver && ipamDriver !== 'default') throw new InvalidArgumentError(`IPAM driver ${JSON.stringify(ipamDriver)} is not supported by mydocker`);
  const configs = ipam.Config === undefined || ipam.Config === null ? [] : ipam.Config;
  if (!Array.isArray(configs)) throw new InvalidArgumentError('invalid JSON: IPAM.Config must be a list');
  // docker's IPAM configs are per address family: at most one IPv4 and one IPv6 subnet here
  const flags = { subnets: [] as string[], gateways: [] as string[], ipRanges: [] as string[] };
  configs.forEach((raw, i) => {
    const c = obj(raw, `IPAM.Config[${i}]`);
    const subnet = str(c.Subnet, `IPAM.Config[${i}].Subnet`);
    const gateway = str(c.Gateway, `IPAM.Config[${i}].Gateway`);
    const ipRange = str(c.IPRange, `IPAM.Config[${i}].IPRange`);
    if (subnet) flags.subnets.push(subnet);
    if (gateway) flags.gateways.push(gateway);
    if (ipRange) flags.ipRanges.push(ipRange);
  });
  const { v4, v6 } = splitByFamily(flags);
  const ipv6 = body.EnableIPv6 === true;
  const options = strMap(body.Options, 'Options');
  const unsupported = Object.keys(options).filter((k) => k !== 'com.docker.network.driver.mtu' && k !== 'com.docker.network.bridge.name');
  if (unsupported.length) throw new InvalidArgumentError(`network options not supported by mydocker: ${unsupported.join(', ')}`);
  const net = await ctx.engine.createNetwork({
    name, driver, internal: body.Internal === true, labels: strMap(body.Labels, 'Labels'),
    ...v4, ipv6, ipv6Subnet: v6,
  });
  reply.json(201, { Id: net.id, Warning: '' });
};

export const remove: Handler = async (ctx, req, reply) => {
  await ctx.engine.removeNetwork(req.params.id);
  reply.empty(204);
};

export const connect: Handler = async (ctx, req, reply) => {
  const body = await readJsonObject(req);
  const container = str(body.Container, 'Container');
  if (!container) throw new InvalidArgumentError('a container is required');
  const record = resolveContainer(ctx, container);
  const endpoint = obj(body.EndpointConfig, 'EndpointConfig');
  const aliases = endpoint.Aliases === undefined || endpoint.Aliases === null ? [] : endpoint.Aliases;
  if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string')) throw new InvalidArgumentError('invalid JSON: EndpointConfig.Aliases must be a list of strings');
  const ipamConfig = obj(endpoint.IPAMConfig, 'EndpointConfig.IPAMConfig');
  const ip = str(ipamConfig.IPv4Address, 'IPv4Address');
  const ip6 = str(ipamConfig.IPv6Address, 'IPv6Address');
  ctx.engine.inspectNetwork(req.params.id);
  await ctx.engine.connectNetwork(req.params.id, record.id, { aliases: aliases as string[], ...(ip ? { ip } : {}), ...(ip6 ? { ip6 } : {}) });
  reply.empty(200);
};

export const disconnect: Handler = async (ctx, req, reply) => {
  const body = await readJsonObject(req);
  const container = str(body.Container, 'Container');
  if (!container) throw new InvalidArgumentError('a container is required');
  const record = resolveContainer(ctx, container);
  await ctx.engine.disconnectNetwork(req.params.id, record.id);
  reply.empty(200);
};

export const prune: Handler = async (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  if (filters.size) throw new InvalidArgumentError(`network prune filters (${[...filters.keys()].join(', ')}) are not supported by mydocker`);
  const removed = await ctx.engine.pruneNetworks();
  reply.json(200, { NetworksDeleted: removed.length ? removed : null });
};
