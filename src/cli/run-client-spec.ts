// run/create's parsed flags: the engine's ContainerSpec plus what the client does itself (run-client.ts).
import type { ParsedArgs } from './argv';
import type { ContainerSpec } from '../engine/container-spec';
import { toContainerSpec } from './run-options';
import { runClientOptions, type RunClientOptions } from './run-client';

export { checkCidFile, prepareImage, writeCidFile } from './run-client';

export type RunCommandSpec = ContainerSpec & { client: RunClientOptions };

export function toRunCommandSpec(args: ParsedArgs): RunCommandSpec {
  const client = runClientOptions(args); // its flag errors (-a with -d) come first, as docker's
  return { ...toContainerSpec(args), client };
}
