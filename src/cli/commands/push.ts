// mydocker push [OPTIONS] NAME[:TAG]: upload an image to a registry, byte for byte.
import { flag } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { createProgress, silentProgress } from '../../image/registry/progress';
import { engineFor } from '../engine-deps';

export interface PushCommandOptions {
  ref: string;
  tlsVerify?: boolean;
  quiet: boolean;
}

export const command: CommandDefinition<PushCommandOptions> = {
  name: 'push',
  usage: '[OPTIONS] NAME[:TAG]',
  summary: 'Upload an image to a registry',
  options: [
    { name: 'tls-verify', type: 'bool', description: 'Require HTTPS and verify certificates (default true; loopback registries may use http)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  ],
  toOptions(args) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"mydocker push" requires exactly 1 argument', { hint: "see 'mydocker push --help'" });
    const tls = args.options.get('tls-verify');
    return { ref: args.positionals[0], quiet: flag(args, 'quiet'), ...(typeof tls === 'boolean' ? { tlsVerify: tls } : {}) };
  },
  async run(opts, ctx) {
    const progress = opts.quiet ? silentProgress : createProgress(ctx.io.stdout);
    await engineFor(ctx).pushImage(opts.ref, { progress, ...(opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify } : {}) });
    return 0;
  },
};
