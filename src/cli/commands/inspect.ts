import { flag, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { describeError, ENGINE_FAILURE_EXIT, InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { renderFormat } from '../format/template';

interface InspectOptions { refs: string[]; format?: string; type?: string; size: boolean }

/** SizeRw and SizeRootFs right after GraphDriver, where docker's document has them. */
function withSizes(doc: object, sizes: { SizeRw: number; SizeRootFs: number }): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    out[k] = v;
    if (k === 'GraphDriver') Object.assign(out, sizes);
  }
  return 'SizeRw' in out ? out : { ...out, ...sizes };
}

/**
 * docker inspect: containers first, then images, for each name given; `container inspect` looks at
 * containers only. With --size a container's document gains SizeRw and SizeRootFs.
 */
function inspectCommand(name: string, usage: string, summary: string, only?: 'container'): CommandDefinition<InspectOptions> {
  return {
    name,
    usage,
    summary,
    options: [
      { name: 'format', short: 'f', type: 'string', description: 'Format output using a Go-like template' },
      { name: 'size', short: 's', type: 'bool', description: only ? 'Display total file sizes' : 'Display total file sizes if the type is container' },
      ...(only ? [] : [{ name: 'type', type: 'string' as const, description: 'Only inspect objects of the given type (container, image)' }]),
    ],
    toOptions(args: ParsedArgs) {
      if (!args.positionals.length) throw new InvalidArgumentError(`"${name}" requires at least 1 argument`);
      const type = only ?? str(args, 'type');
      if (type !== undefined && type !== 'container' && type !== 'image') throw new InvalidArgumentError(`"${type}" is not a valid value for --type`);
      return { refs: args.positionals, format: str(args, 'format'), type, size: flag(args, 'size') };
    },
    async run(opts, ctx) {
      const engine = engineFor(ctx);
      const found: unknown[] = [];
      let failed = false;
      for (const ref of opts.refs) {
        try {
          if (opts.type !== 'image') {
            try {
              const doc = engine.inspectContainer(ref);
              found.push(opts.size ? withSizes(doc, await engine.containerSize(doc.Id)) : doc);
              continue;
            } catch (err) {
              if (!(err instanceof NotFoundError) || opts.type === 'container') throw err;
            }
          }
          const img = await engine.images.find(ref);
          if (!img) throw new NotFoundError(`no such object: ${ref}`);
          found.push(await engine.inspectImage(img.id));
        } catch (err) {
          failed = true;
          ctx.io.stderr.write(`mydocker ${name}: ${describeError(err)}\n`);
        }
      }
      if (opts.format !== undefined) {
        // docker: --format json is each object as one line of JSON
        const f = opts.format === 'json' ? '{{json .}}' : opts.format;
        ctx.io.stdout.write(found.map((o) => renderFormat(f, o) + '\n').join(''));
      } else {
        ctx.io.stdout.write(JSON.stringify(found, null, 4) + '\n');
      }
      return failed ? ENGINE_FAILURE_EXIT : 0;
    },
  };
}

export const command = inspectCommand('inspect', '[OPTIONS] NAME|ID [NAME|ID...]', 'Return low-level information on containers and images');

export const containerInspect = inspectCommand(
  'container inspect', '[OPTIONS] CONTAINER [CONTAINER...]', 'Display detailed information on one or more containers', 'container',
);
