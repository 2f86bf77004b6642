// mydocker healthcheck run CONTAINER: podman's manual trigger. Runs the container's health check
// once now and records it as the monitor's runs are; exit 0 when it passed, 1 (and "unhealthy") when not.
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<{ ref: string }> = {
  name: 'healthcheck',
  usage: 'run CONTAINER',
  summary: "Manage health checks on containers\n\nCommands:\n  run         Run a container's health check now (exit 0 healthy, 1 unhealthy)",
  options: [],
  toOptions(args) {
    const [verb, ref, ...rest] = args.positionals;
    if (verb !== 'run' || !ref || rest.length) throw new InvalidArgumentError('usage: mydocker healthcheck run CONTAINER');
    return { ref };
  },
  async run(opts, ctx) {
    const outcome = await engineFor(ctx).runHealthcheck(opts.ref, true);
    if (outcome.result?.ExitCode === 0) return 0;
    ctx.io.stdout.write('unhealthy\n');
    return 1;
  },
};
