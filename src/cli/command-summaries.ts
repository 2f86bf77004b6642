// What `mydocker --help` says about each top-level command, kept apart from the command modules so the
// main help (and the completion script's command list) costs no module load. A command in COMMANDS
// without an entry here is still listed, under "Commands:", without a description.

export type CommandCategory = 'common' | 'management' | 'other' | 'hidden';

export interface CommandSummary {
  category: CommandCategory;
  summary: string;
}

export const COMMAND_SUMMARIES: Readonly<Record<string, CommandSummary>> = {
  // docker's "Common Commands", in docker's order
  run: { category: 'common', summary: 'Create and run a new container from an image' },
  exec: { category: 'common', summary: 'Execute a command in a running container' },
  ps: { category: 'common', summary: 'List containers' },
  pull: { category: 'common', summary: 'Download an image from a registry' },
  build: { category: 'common', summary: 'Build an image from a Dockerfile' },
  push: { category: 'common', summary: 'Upload an image to a registry' },
  images: { category: 'common', summary: 'List images' },
  login: { category: 'common', summary: 'Authenticate to a registry' },
  logout: { category: 'common', summary: 'Log out from a registry' },
  version: { category: 'common', summary: 'Show the mydocker version information' },
  info: { category: 'common', summary: 'Display system-wide information' },

  container: { category: 'management', summary: 'Manage containers' },
  healthcheck: { category: 'management', summary: 'Manage health checks on containers (podman\'s healthcheck run)' },
  image: { category: 'management', summary: 'Manage images' },
  network: { category: 'management', summary: 'Manage networks' },
  system: { category: 'management', summary: 'Manage mydocker' },
  volume: { category: 'management', summary: 'Manage volumes' },

  attach: { category: 'other', summary: 'Attach local standard input, output, and error streams to a running container' },
  commit: { category: 'other', summary: "Create a new image from a container's changes" },
  completion: { category: 'other', summary: 'Generate the autocompletion script for the specified shell (bash, zsh, fish)' },
  cp: { category: 'other', summary: 'Copy files/folders between a container and the local filesystem' },
  create: { category: 'other', summary: 'Create a new container' },
  diff: { category: 'other', summary: "Inspect changes to files or directories on a container's filesystem" },
  events: { category: 'other', summary: 'Get real time events from the engine' },
  export: { category: 'other', summary: "Export a container's filesystem as a tar archive" },
  history: { category: 'other', summary: 'Show the history of an image' },
  import: { category: 'other', summary: 'Import the contents from a tarball to create a filesystem image' },
  inspect: { category: 'other', summary: 'Return low-level information on mydocker objects' },
  kill: { category: 'other', summary: 'Kill one or more running containers' },
  load: { category: 'other', summary: 'Load an image from a tar archive or STDIN' },
  logs: { category: 'other', summary: 'Fetch the logs of a container' },
  pause: { category: 'other', summary: 'Pause all processes within one or more containers' },
  port: { category: 'other', summary: 'List port mappings or a specific mapping for the container' },
  rename: { category: 'other', summary: 'Rename a container' },
  restart: { category: 'other', summary: 'Restart one or more containers' },
  rm: { category: 'other', summary: 'Remove one or more containers' },
  rmi: { category: 'other', summary: 'Remove one or more images' },
  save: { category: 'other', summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)' },
  start: { category: 'other', summary: 'Start one or more stopped containers' },
  stats: { category: 'other', summary: "Display a live stream of container(s) resource usage statistics" },
  stop: { category: 'other', summary: 'Stop one or more running containers' },
  tag: { category: 'other', summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE' },
  top: { category: 'other', summary: 'Display the running processes of a container' },
  unpause: { category: 'other', summary: 'Unpause all processes within one or more containers' },
  update: { category: 'other', summary: 'Update configuration of one or more containers' },
  wait: { category: 'other', summary: 'Block until one or more containers stop, then print their exit codes' },

  internal: { category: 'hidden', summary: "mydocker's own helper processes" },
};

/** The commands `mydocker --help` and the completion scripts offer (hidden ones left out). */
export function visibleCommands(names: readonly string[]): string[] {
  return names.filter((n) => COMMAND_SUMMARIES[n]?.category !== 'hidden');
}
