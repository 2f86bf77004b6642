// GET /containers/{id}/changes: docker diff over the API, from the engine's one implementation.
import type { Handler } from '../context';
import { CHANGE_KIND_CODE } from '../../engine/diff';
import { resolveContainer } from './containers';

export const changes: Handler = (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const list = ctx.engine.diffContainer(record.id);
  // docker answers null, not [], for a container that changed nothing
  reply.json(200, list.length ? list.map((c) => ({ Path: c.path, Kind: CHANGE_KIND_CODE[c.kind] })) : null);
};
