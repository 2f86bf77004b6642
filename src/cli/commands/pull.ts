// mydocker pull [OPTIONS] NAME[:TAG|@DIGEST]: fetch an image from a registry (OCI distribution API v2).
import { flag } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { createProgress, silentProgress } from '../../image/registry/progress';
import { engineFor } from '../engine-deps';

export interface PullCommandOptions {
  ref: string;
  tlsVerify?: boolean;
  quiet: boolean;
}

export const command: CommandDefinition<PullCommandOptions> = {
  name: 'pull',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  summary: 'Download an image from a registry',
  options: [
    { name: 'tls-verify', type: 'bool', description: 'Require HTTPS and verify certificates (default true; loopback registries may use http)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  ],
  toOptions(args) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"mydocker pull" requires exactly 1 argument', { hint: "see 'mydocker pull --help'" });
    const tls = args.options.get('tls-verify');
    return { ref: args.positionals[0], quiet: flag(args, 'quiet'), ...(typeof tls === 'boolean' ? { tlsVerify: tls } : {}) };
  },
  async run(opts, ctx) {
    const progress = opts.quiet ? silentProgress : createProgress(ctx.io.stdout);
    const result = await engineFor(ctx).pullImage(opts.ref, { progress, ...(opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify } : {}) });
    ctx.io.stdout.write(`${result.canonical}\n`);
    return 0;
  },
};
