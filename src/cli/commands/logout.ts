// mydocker logout [SERVER]: forget the credentials stored for a registry.
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { logout, registryFromArgument } from '../../image/registry/login';

export interface LogoutCommandOptions {
  registry: string;
}

export const command: CommandDefinition<LogoutCommandOptions> = {
  name: 'logout',
  usage: '[SERVER]',
  summary: 'Log out from a registry',
  options: [],
  toOptions(args) {
    if (args.positionals.length > 1) throw new InvalidArgumentError('"mydocker logout" requires at most 1 argument', { hint: "see 'mydocker logout --help'" });
    return { registry: registryFromArgument(args.positionals[0]) };
  },
  async run(opts, ctx) {
    ctx.io.stdout.write(logout(opts.registry) ? `Removing login credentials for ${opts.registry}\n` : `Not logged in to ${opts.registry}\n`);
    return 0;
  },
};
