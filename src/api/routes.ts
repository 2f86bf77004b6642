// Every route the service answers, in docker's paths. Literal paths come before the ones with an
// image name in them (those take several segments: "localhost:5000/team/app").
import type { Handler } from './context';
import { Router } from './router';
import * as system from './handlers/system';
import * as containers from './handlers/containers';
import { update as updateContainer } from './handlers/container-update';
import { changes as containerChanges } from './handlers/container-changes';
import * as streams from './handlers/container-streams';
import * as archive from './handlers/container-archive';
import * as exec from './handlers/exec';
import * as images from './handlers/images';
import * as networks from './handlers/networks';
import * as volumes from './handlers/volumes';
import { events } from './handlers/events';
import { build } from './handlers/build';

export function apiRoutes(): Router<Handler> {
  return new Router<Handler>()
    .add('GET', '/_ping', system.ping)
    .add('GET', '/version', system.version)
    .add('GET', '/info', system.info)
    .add('GET', '/events', events)
    .add('GET', '/system/df', system.systemDf)
    .add('POST', '/auth', system.auth)
    .add('POST', '/build/prune', system.buildPrune)
    .add('POST', '/build', build)

    .add('POST', '/containers/create', containers.create)
    .add('GET', '/containers/json', containers.list)
    .add('POST', '/containers/prune', containers.prune)
    .add('GET', '/containers/:id/json', containers.inspect)
    .add('POST', '/containers/:id/start', containers.start)
    .add('POST', '/containers/:id/stop', containers.stop)
    .add('POST', '/containers/:id/kill', containers.kill)
    .add('POST', '/containers/:id/restart', containers.restart)
    .add('DELETE', '/containers/:id', containers.remove)
    .add('POST', '/containers/:id/pause', containers.pause)
    .add('POST', '/containers/:id/unpause', containers.unpause)
    .add('POST', '/containers/:id/rename', containers.rename)
    .add('POST', '/containers/:id/update', updateContainer)
    .add('GET', '/containers/:id/changes', containerChanges)
    .add('GET', '/containers/:id/top', containers.top)
    .add('GET', '/containers/:id/export', containers.exportContainer)
    .add('POST', '/containers/:id/attach', streams.attach)
    .add('GET', '/containers/:id/logs', streams.logs)
    .add('POST', '/containers/:id/wait', streams.wait)
    .add('GET', '/containers/:id/stats', streams.stats)
    .add('POST', '/containers/:id/resize', streams.resize)
    .add('HEAD', '/containers/:id/archive', archive.head)
    .add('GET', '/containers/:id/archive', archive.get)
    .add('PUT', '/containers/:id/archive', archive.put)
    .add('POST', '/containers/:id/exec', exec.create)
    .add('POST', '/exec/:id/start', exec.start)
    .add('POST', '/exec/:id/resize', exec.resize)
    .add('GET', '/exec/:id/json', exec.inspect)
    .add('POST', '/commit', images.commit)

    .add('GET', '/images/json', images.list)
    .add('POST', '/images/create', images.create)
    .add('POST', '/images/load', images.load)
    .add('POST', '/images/prune', images.prune)
    .add('GET', '/images/get', images.getMany)
    .add('GET', '/images/*name/json', images.inspect)
    .add('GET', '/images/*name/history', images.history)
    .add('GET', '/images/*name/get', images.getOne)
    .add('POST', '/images/*name/push', images.push)
    .add('POST', '/images/*name/tag', images.tag)
    .add('DELETE', '/images/*name', images.remove)

    .add('GET', '/networks', networks.list)
    .add('POST', '/networks/create', networks.create)
    .add('POST', '/networks/prune', networks.prune)
    .add('GET', '/networks/:id', networks.inspect)
    .add('DELETE', '/networks/:id', networks.remove)
    .add('POST', '/networks/:id/connect', networks.connect)
    .add('POST', '/networks/:id/disconnect', networks.disconnect)

    .add('GET', '/volumes', volumes.list)
    .add('POST', '/volumes/create', volumes.create)
    .add('POST', '/volumes/prune', volumes.prune)
    .add('GET', '/volumes/:name', volumes.inspect)
    .add('DELETE', '/volumes/:name', volumes.remove);
}
