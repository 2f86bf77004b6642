import { str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { describeError, ENGINE_FAILURE_EXIT, InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { renderFormat } from '../format/template';

interface InspectOptions { refs: string[]; format?: string; type?: string }

/** docker inspect: containers first, then images, for each name given. */
export const command: CommandDefinition<InspectOptions> = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  summary: 'Return low-level information on containers and images',
  options: [
    { name: 'format', short: 'f', type: 'string', description: 'Format output using a Go-like template' },
    { name: 'type', type: 'string', description: 'Only inspect objects of the given type (container, image)' },
  ],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"inspect" requires at least 1 argument');
    const type = str(args, 'type');
    if (type !== undefined && type !== 'container' && type !== 'image') throw new InvalidArgumentError(`"${type}" is not a valid value for --type`);
    return { refs: args.positionals, format: str(args, 'format'), type };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    const found: unknown[] = [];
    let failed = false;
    for (const ref of opts.refs) {
      try {
        if (opts.type !== 'image') {
          try {
            found.push(engine.inspectContainer(ref));
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
        ctx.io.stderr.write(`mydocker inspect: ${describeError(err)}\n`);
      }
    }
    if (opts.format !== undefined) {
      ctx.io.stdout.write(found.map((o) => renderFormat(opts.format ?? '', o) + '\n').join(''));
    } else {
      ctx.io.stdout.write(JSON.stringify(found, null, 4) + '\n');
    }
    return failed ? ENGINE_FAILURE_EXIT : 0;
  },
};
