// Shell completion scripts (bash, zsh, fish) generated from the command table: command names with
// their summaries, a group's verbs (aliases too), each command's flags, and for positionals the
// names of containers, images, networks or volumes, asked of mydocker itself at completion time
// (`mydocker ps -a --format '{{.Names}}'`, `mydocker images --format '{{.Repository}}:{{.Tag}}'`),
// passing on the --root/--runroot the user typed.
import type { OptionSpec } from './argv';
import type { AnyCommand } from './command';
import { isCommandGroup, type Loader } from './command-group';
import { COMMAND_SUMMARIES, visibleCommands } from './command-summaries';

export type ArgKind = 'container' | 'image' | 'network' | 'volume' | 'container-or-image' | 'shell' | 'none';

export interface CompletionFlag {
  long: string;
  short?: string;
  takesValue: boolean;
  description: string;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  flags: CompletionFlag[];
  args: ArgKind;
  /** A group's verbs; an alias is a verb of its own here (it completes the same way). */
  subcommands?: CompletionCommand[];
}

export interface CompletionModel {
  globalFlags: CompletionFlag[];
  commands: CompletionCommand[];
}

const CONTAINER_ARGS = new Set([
  'attach', 'commit', 'cp', 'diff', 'exec', 'export', 'kill', 'logs', 'pause', 'port', 'rename', 'restart', 'rm', 'remove',
  'start', 'stats', 'stop', 'top', 'unpause', 'update', 'wait',
]);
const IMAGE_ARGS = new Set(['run', 'create', 'history', 'push', 'rmi', 'save', 'tag']);

/** What a command's positionals name, by its (full) name: "stop", "container stop", "image rm". */
export function argKind(full: string): ArgKind {
  const [group, verb] = full.includes(' ') ? full.split(' ') : ['', full];
  if (full === 'inspect') return 'container-or-image';
  if (full === 'completion') return 'shell';
  if (group === 'image') return ['inspect', 'rm', 'remove', 'history', 'push', 'save', 'tag'].includes(verb) ? 'image' : 'none';
  if (group === 'network') return ['inspect', 'rm', 'remove', 'connect', 'disconnect'].includes(verb) ? 'network' : 'none';
  if (group === 'volume') return ['inspect', 'rm', 'remove'].includes(verb) ? 'volume' : 'none';
  if (group === 'container') return verb === 'inspect' ? 'container' : argKind(verb);
  if (group) return 'none';
  if (CONTAINER_ARGS.has(verb)) return 'container';
  if (IMAGE_ARGS.has(verb)) return 'image';
  return 'none';
}

export function completionFlags(options: readonly OptionSpec[]): CompletionFlag[] {
  return options.filter((o) => !o.hidden).map((o) => ({
    long: o.name, ...(o.short ? { short: o.short } : {}), takesValue: o.type !== 'bool', description: o.description,
  }));
}

function describe(full: string, cmd: AnyCommand, summary: string): CompletionCommand {
  return { name: full.split(' ').pop() ?? full, summary, flags: completionFlags(cmd.options), args: argKind(full) };
}

/** Loads every visible command (and every verb of a group): only `mydocker completion` pays for this. */
export async function buildModel(commands: Readonly<Record<string, Loader>>, globalOptions: readonly OptionSpec[]): Promise<CompletionModel> {
  const out: CompletionCommand[] = [];
  for (const name of visibleCommands(Object.keys(commands)).sort()) {
    const cmd = (await commands[name]()).command;
    const summary = COMMAND_SUMMARIES[name]?.summary ?? cmd.summary.split('\n')[0];
    const entry = describe(name, cmd, summary);
    if (isCommandGroup(cmd)) {
      entry.subcommands = [];
      for (const [verbName, verb] of Object.entries(cmd.verbs).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const verbCmd = (await verb.load()).command;
        for (const alias of [verbName, ...(verb.aliases ?? [])]) entry.subcommands.push(describe(`${name} ${alias}`, verbCmd, verb.summary));
      }
    }
    out.push(entry);
  }
  return { globalFlags: completionFlags(globalOptions), commands: out };
}

// ---- the scripts ---------------------------------------------------------------------------------

/** A single-quoted shell word ('it'\''s'), safe in bash, zsh and fish alike for our texts. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function flagWords(flags: readonly CompletionFlag[]): string {
  return flags.flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]).join(' ');
}

function valueFlagWords(flags: readonly CompletionFlag[]): string[] {
  return flags.filter((f) => f.takesValue).flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
}

/** Every command key ("run", "container ls") with its flags and argument kind. */
function keyed(model: CompletionModel): [string, CompletionCommand][] {
  return model.commands.flatMap((c) => [[c.name, c] as [string, CompletionCommand], ...(c.subcommands ?? []).map((s) => [`${c.name} ${s.name}`, s] as [string, CompletionCommand])]);
}

const QUERIES: Record<string, string> = {
  containers: `ps -a --format '{{.Names}}'`,
  images: `images --format '{{.Repository}}:{{.Tag}}'`,
  networks: `network ls --format '{{.Name}}'`,
  volumes: 'volume ls -q',
};

/** The shell function (bash and zsh alike) that lists names of one kind from mydocker itself; `shells` prints the shell names. */
function namesFunction(shells: string): string {
  return `__mydocker_names() {
  case "$1" in
    container) __mydocker_q ${QUERIES.containers} ;;
    image) __mydocker_q ${QUERIES.images} | grep -v '<none>' ;;
    network) __mydocker_q ${QUERIES.networks} ;;
    volume) __mydocker_q ${QUERIES.volumes} ;;
    container-or-image) __mydocker_names container; __mydocker_names image ;;
    shell) ${shells} ;;
  esac
}`;
}

export function bashScript(model: CompletionModel): string {
  const groups = model.commands.filter((c) => c.subcommands);
  const keys = keyed(model);
  const globalValue = valueFlagWords(model.globalFlags);
  const caseArms = (f: (c: CompletionCommand) => string) => keys.map(([k, c]) => `    ${sq(k)}) echo ${sq(f(c))} ;;`).join('\n');
  return `# bash completion for mydocker (generated by \`mydocker completion bash\`)
# Load it now:      source <(mydocker completion bash)
# Or for every shell: mydocker completion bash > /etc/bash_completion.d/mydocker

__mydocker_commands=${sq(model.commands.map((c) => c.name).join(' '))}
__mydocker_global_flags=${sq(flagWords(model.globalFlags))}

__mydocker_subcommands() {
  case "$1" in
${groups.map((g) => `    ${sq(g.name)}) echo ${sq((g.subcommands ?? []).map((s) => s.name).join(' '))} ;;`).join('\n')}
  esac
}

__mydocker_flags() {
  case "$1" in
${caseArms((c) => flagWords(c.flags))}
  esac
}

__mydocker_value_flags() {
  case "$1" in
${caseArms((c) => valueFlagWords(c.flags).join(' '))}
  esac
}

__mydocker_args() {
  case "$1" in
${caseArms((c) => c.args)}
  esac
}

# mydocker itself, pointed at the store the command line names (--root, --runroot)
__mydocker_q() {
  "\${COMP_WORDS[0]}" "\${__mydocker_globals[@]}" "$@" 2>/dev/null
}

${namesFunction("echo 'bash zsh fish'")}

# Completes the word under the cursor from a word list; "name:tag" works although ':' splits words.
__mydocker_reply() {
  local line="\${COMP_LINE:0:COMP_POINT}"
  local word="\${line##*[[:space:]]}"
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$1" -- "$word"))
  if [[ "$word" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local colon="\${word%"\${word##*:}"}" i
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[$i]="\${COMPREPLY[$i]#"$colon"}"; done
  fi
}

_mydocker() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local i=1 w cmd="" sub="" key
  __mydocker_globals=()
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --root|--runroot) __mydocker_globals+=("$w" "\${COMP_WORDS[i+1]}"); i=$((i + 2)); continue ;;
${globalValue.filter((f) => f !== '--root' && f !== '--runroot').length ? `      ${globalValue.filter((f) => f !== '--root' && f !== '--runroot').join('|')}) i=$((i + 2)); continue ;;\n` : ''}      -*) i=$((i + 1)); continue ;;
      *) cmd="$w"; break ;;
    esac
  done
  if [ -z "$cmd" ]; then
    case "$prev" in ${globalValue.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
    if [[ "$cur" == -* ]]; then __mydocker_reply "$(echo $__mydocker_global_flags | tr ' ' '\\n')"; else __mydocker_reply "$(echo $__mydocker_commands | tr ' ' '\\n')"; fi
    return
  fi
  key="$cmd"
  local subs
  subs="$(__mydocker_subcommands "$cmd")"
  if [ -n "$subs" ]; then
    i=$((i + 1))
    while [ "$i" -lt "$COMP_CWORD" ]; do
      w="\${COMP_WORDS[i]}"
      case "$w" in -*) ;; *) sub="$w"; break ;; esac
      i=$((i + 1))
    done
    if [ -z "$sub" ]; then
      [[ "$cur" == -* ]] && return
      __mydocker_reply "$(echo $subs | tr ' ' '\\n')"
      return
    fi
    key="$cmd $sub"
  fi
  local vf
  for vf in $(__mydocker_value_flags "$key"); do
    if [ "$prev" = "$vf" ]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
  done
  if [[ "$cur" == -* ]]; then
    __mydocker_reply "$(echo $(__mydocker_flags "$key") | tr ' ' '\\n')"
    return
  fi
  local kind
  kind="$(__mydocker_args "$key")"
  [ "$kind" = none ] || [ -z "$kind" ] && return
  __mydocker_reply "$(__mydocker_names "$kind")"
}

complete -F _mydocker mydocker
`;
}

function zshDescribe(items: readonly [string, string][]): string {
  return `(${items.map(([n, d]) => sq(`${n.replace(/:/g, '\\:')}:${d}`)).join(' ')})`;
}

export function zshScript(model: CompletionModel): string {
  const keys = keyed(model);
  const flagItems = (flags: readonly CompletionFlag[]) =>
    flags.flatMap((f) => [[`--${f.long}`, f.description] as [string, string], ...(f.short ? [[`-${f.short}`, f.description] as [string, string]] : [])]);
  return `#compdef mydocker
# zsh completion for mydocker (generated by \`mydocker completion zsh\`)
# Load it now: source <(mydocker completion zsh)
# Or install it as _mydocker in a directory of your $fpath.

__mydocker_q() {
  local -a globals
  local i
  for (( i = 2; i < CURRENT; i++ )); do
    case "\${words[i]}" in --root|--runroot) globals+=("\${words[i]}" "\${words[i+1]}") ;; esac
  done
  "\${words[1]}" "\${globals[@]}" "$@" 2>/dev/null
}

${namesFunction('print -l bash zsh fish')}

_mydocker() {
  local -a items globalvalue
  local i=2 w cmd="" sub="" key kind
  globalvalue=(${valueFlagWords(model.globalFlags).join(' ')})
  while (( i < CURRENT )); do
    w="\${words[i]}"
    if (( \${globalvalue[(Ie)$w]} )); then (( i += 2 )); continue; fi
    case "$w" in
      -*) (( i++ )); continue ;;
      *) cmd="$w"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    if [[ "\${words[CURRENT]}" == -* ]]; then
      items=${zshDescribe(flagItems(model.globalFlags))}
    else
      items=${zshDescribe(model.commands.map((c) => [c.name, c.summary]))}
    fi
    _describe -t commands 'mydocker command' items
    return
  fi
  key="$cmd"
  case "$cmd" in
${model.commands.filter((c) => c.subcommands).map((g) => `    ${sq(g.name)})
      (( i++ ))
      while (( i < CURRENT )); do
        w="\${words[i]}"
        case "$w" in -*) ;; *) sub="$w"; break ;; esac
        (( i++ ))
      done
      if [[ -z "$sub" ]]; then
        items=${zshDescribe((g.subcommands ?? []).map((s) => [s.name, s.summary]))}
        _describe -t commands 'mydocker ${g.name} command' items
        return
      fi
      key="$cmd $sub" ;;`).join('\n')}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    case "$key" in
${keys.map(([k, c]) => `      ${sq(k)}) items=${zshDescribe(flagItems(c.flags))} ;;`).join('\n')}
      *) items=() ;;
    esac
    _describe -t options 'option' items
    return
  fi
  case "$key" in
${keys.filter(([, c]) => c.args !== 'none').map(([k, c]) => `    ${sq(k)}) kind=${c.args} ;;`).join('\n')}
    *) kind=none ;;
  esac
  [[ "$kind" == none ]] && { _files; return; }
  local -a names
  names=("\${(@f)$(__mydocker_names $kind)}")
  compadd -a names
}

if [[ "$funcstack[1]" == _mydocker ]]; then
  _mydocker "$@"
else
  compdef _mydocker mydocker
fi
`;
}

export function fishScript(model: CompletionModel): string {
  const lines = [
    '# fish completion for mydocker (generated by `mydocker completion fish`)',
    '# Load it now: mydocker completion fish | source',
    '# Or for every shell: mydocker completion fish > ~/.config/fish/completions/mydocker.fish',
    '',
    '# mydocker itself, pointed at the store the command line names (--root, --runroot)',
    'function __mydocker_q',
    '    set -l tokens (commandline -opc)',
    '    set -l globals',
    '    for i in (seq 2 (count $tokens))',
    '        switch $tokens[$i]',
    '            case --root --runroot',
    '                set -a globals $tokens[$i] $tokens[(math $i + 1)]',
    '        end',
    '    end',
    '    $tokens[1] $globals $argv 2>/dev/null',
    'end',
    '',
    `function __mydocker_containers; __mydocker_q ${QUERIES.containers}; end`,
    `function __mydocker_images; __mydocker_q ${QUERIES.images} | string match -v '*<none>*'; end`,
    `function __mydocker_networks; __mydocker_q ${QUERIES.networks}; end`,
    `function __mydocker_volumes; __mydocker_q ${QUERIES.volumes}; end`,
    '',
    'complete -c mydocker -f',
  ];
  for (const f of model.globalFlags) {
    lines.push(`complete -c mydocker -n __fish_use_subcommand -l ${f.long}${f.short ? ` -s ${f.short}` : ''}${f.takesValue ? ' -r' : ''} -d ${sq(f.description)}`);
  }
  for (const c of model.commands) lines.push(`complete -c mydocker -n __fish_use_subcommand -a ${c.name} -d ${sq(c.summary)}`);
  const argFn: Record<ArgKind, string> = {
    container: '(__mydocker_containers)', image: '(__mydocker_images)', network: '(__mydocker_networks)', volume: '(__mydocker_volumes)',
    'container-or-image': '(__mydocker_containers; __mydocker_images)', shell: 'bash zsh fish', none: '',
  };
  const emit = (cond: string, c: CompletionCommand) => {
    for (const f of c.flags) {
      lines.push(`complete -c mydocker -n ${sq(cond)} -l ${f.long}${f.short ? ` -s ${f.short}` : ''}${f.takesValue ? ' -r' : ''} -d ${sq(f.description)}`);
    }
    if (c.args !== 'none') lines.push(`complete -c mydocker -n ${sq(cond)} -a ${sq(argFn[c.args])}`);
  };
  for (const c of model.commands) {
    if (!c.subcommands) {
      emit(`__fish_seen_subcommand_from ${c.name}`, c);
      continue;
    }
    const subNames = c.subcommands.map((s) => s.name).join(' ');
    for (const s of c.subcommands) {
      lines.push(`complete -c mydocker -n ${sq(`__fish_seen_subcommand_from ${c.name}; and not __fish_seen_subcommand_from ${subNames}`)} -a ${s.name} -d ${sq(s.summary)}`);
      emit(`__fish_seen_subcommand_from ${c.name}; and __fish_seen_subcommand_from ${s.name}`, s);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;
