/**
 * `edgepack completion bash|zsh|fish`: a completion script generated from the command tree (describeCommand, i.e.
 * commander's own commands and options), so a new command or option completes without anyone editing a list. The
 * scripts complete subcommands, options and the values of options and arguments that have fixed choices; anything
 * else (a checkpoint, an image, a folder) falls back to the shell's file names.
 */
import type { CommandDescription } from './schemas';

export type Shell = 'bash' | 'zsh' | 'fish';

interface Node {
  /** The words after `edgepack`, space-separated ('' for `edgepack` itself). */
  path: string;
  commands: { name: string; description: string }[];
  options: { names: string[]; description: string; takesValue: boolean; choices: string[] }[];
  /** Values the command's arguments take, when they are fixed (a shell name, a command to get help on). */
  argumentChoices: string[];
}

function flatten(root: CommandDescription): Node[] {
  const nodes: Node[] = [];
  const visit = (command: CommandDescription, path: string[], parent: CommandDescription | null) => {
    nodes.push({
      path: path.join(' '),
      commands: command.commands.map((c) => ({ name: c.name, description: c.description })),
      options: command.options.map((o) => ({
        names: [o.short, o.long].filter((n): n is string => Boolean(n)),
        description: o.description,
        takesValue: o.valueRequired,
        choices: o.choices ?? [],
      })),
      argumentChoices:
        command.name === 'help' && parent
          ? parent.commands.map((c) => c.name).filter((n) => n !== 'help')
          : command.arguments.flatMap((a) => a.choices ?? []),
    });
    for (const sub of command.commands) visit(sub, [...path, sub.name], command);
  };
  visit(root, [], null);
  return nodes;
}

export function completionScript(shell: Shell, root: CommandDescription): string {
  const nodes = flatten(root);
  if (shell === 'bash') return bashScript(nodes);
  if (shell === 'zsh') return zshScript(nodes);
  return fishScript(nodes);
}

/** A POSIX single-quoted word. */
function sq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A `case` over command paths, printing each node's words. */
function caseOf(nodes: Node[], words: (n: Node) => string[], indent = '    '): string {
  return nodes
    .map((n) => ({ n, list: words(n) }))
    .filter(({ list }) => list.length > 0)
    .map(({ n, list }) => `${indent}${sq(n.path)}) echo ${sq(list.join(' '))} ;;`)
    .join('\n');
}

const valueOptions = (n: Node) => n.options.filter((o) => o.takesValue).flatMap((o) => o.names);
const optionChoices = (nodes: Node[]) =>
  nodes.flatMap((n) =>
    n.options
      .filter((o) => o.choices.length)
      .flatMap((o) => o.names.map((name) => ({ path: `${n.path}|${name}`, choices: o.choices }))),
  );

function bashScript(nodes: Node[]): string {
  const choices = [
    ...nodes
      .filter((n) => n.argumentChoices.length)
      .map((n) => ({ path: `${n.path}|`, choices: n.argumentChoices })),
    ...optionChoices(nodes),
  ];
  return `# edgepack completion for bash, generated from its command tree by \`edgepack completion bash\`.
# Install: edgepack completion bash > ~/.local/share/bash-completion/completions/edgepack
#      or: echo 'source <(edgepack completion bash)' >> ~/.bashrc

# The subcommands, options, options taking a value, and fixed values of a command path ('' is edgepack itself).
_edgepack_commands() {
  case "$1" in
${caseOf(nodes, (n) => n.commands.map((c) => c.name))}
  esac
}
_edgepack_options() {
  case "$1" in
${caseOf(nodes, (n) => n.options.flatMap((o) => o.names))}
  esac
}
_edgepack_value_options() {
  case "$1" in
${caseOf(nodes, valueOptions)}
  esac
}
_edgepack_choices() {
  case "$1|$2" in
${choices.map((c) => `    ${sq(c.path)}) echo ${sq(c.choices.join(' '))} ;;`).join('\n')}
  esac
}

# The command path of the words before the cursor: subcommands are followed, options (and their values) skipped.
_edgepack_path() {
  local cmdpath='' word skip=0 i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --*=*) continue ;;
      -*)
        [[ " $(_edgepack_value_options "$cmdpath") " == *" $word "* ]] && skip=1
        continue
        ;;
    esac
    [[ " $(_edgepack_commands "$cmdpath") " == *" $word "* ]] && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  echo "$cmdpath"
}

_edgepack() {
  # The words offered have no spaces nor glob characters, so plain word splitting is safe (and bash 3.2 has no mapfile).
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath
  cmdpath="$(_edgepack_path)"
  COMPREPLY=()
  if ((COMP_CWORD > 1)) && [[ "$prev" == -* && " $(_edgepack_value_options "$cmdpath") " == *" $prev "* ]]; then
    # An option's value: its choices, else file names (complete -o default).
    COMPREPLY=($(compgen -W "$(_edgepack_choices "$cmdpath" "$prev")" -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_edgepack_options "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_edgepack_commands "$cmdpath") $(_edgepack_choices "$cmdpath" '')" -- "$cur"))
  fi
}

complete -o default -F _edgepack edgepack
`;
}

/** zsh's _describe entries: `name:description`, with colons in the name escaped. */
function zshEntries(entries: { name: string; description: string }[]): string {
  return entries.map((e) => sq(`${e.name.replace(/:/g, '\\:')}:${e.description.split('\n')[0]}`)).join(' ');
}

function zshScript(nodes: Node[]): string {
  const lines = (pick: (n: Node) => { name: string; description: string }[]) =>
    nodes
      .map((n) => ({ n, entries: pick(n) }))
      .filter(({ entries }) => entries.length > 0)
      .map(({ n, entries }) => `    ${sq(n.path)}) reply=(${zshEntries(entries)}) ;;`)
      .join('\n');
  const choices = [
    ...nodes
      .filter((n) => n.argumentChoices.length)
      .map((n) => ({ path: `${n.path}|`, choices: n.argumentChoices })),
    ...optionChoices(nodes),
  ];
  return `#compdef edgepack
# edgepack completion for zsh, generated from its command tree by \`edgepack completion zsh\`.
# Install: edgepack completion zsh > ~/.zfunc/_edgepack, with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc
#      or: echo 'source <(edgepack completion zsh)' >> ~/.zshrc   (after compinit)

_edgepack_commands() {
  reply=()
  case "$1" in
${lines((n) => n.commands)}
  esac
}
_edgepack_options() {
  reply=()
  case "$1" in
${lines((n) => n.options.flatMap((o) => o.names.map((name) => ({ name, description: o.description }))))}
  esac
}
_edgepack_value_options() {
  reply=()
  case "$1" in
${nodes
  .filter((n) => valueOptions(n).length)
  .map((n) => `    ${sq(n.path)}) reply=(${valueOptions(n).map(sq).join(' ')}) ;;`)
  .join('\n')}
  esac
}
_edgepack_choices() {
  reply=()
  case "$1|$2" in
${choices.map((c) => `    ${sq(c.path)}) reply=(${c.choices.map(sq).join(' ')}) ;;`).join('\n')}
  esac
}

_edgepack() {
  local cmdpath='' word skip=0 i
  local -a reply subcommands
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --*=*) continue ;;
      -*)
        _edgepack_value_options "$cmdpath"
        (( \${reply[(Ie)$word]} )) && skip=1
        continue
        ;;
    esac
    _edgepack_commands "$cmdpath"
    subcommands=(\${reply%%:*})
    (( \${subcommands[(Ie)$word]} )) && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  if ((skip)); then
    _edgepack_choices "$cmdpath" "\${words[CURRENT-1]}"
    if ((\${#reply})); then compadd -a reply; else _files; fi
    return
  fi
  if [[ "\${words[CURRENT]}" == -* ]]; then
    _edgepack_options "$cmdpath"
    _describe -t options 'option' reply
    return
  fi
  _edgepack_commands "$cmdpath"
  if ((\${#reply})); then
    _describe -t commands 'command' reply
    return
  fi
  _edgepack_choices "$cmdpath" ''
  if ((\${#reply})); then compadd -a reply; else _files; fi
}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _edgepack "$@"
else
  compdef _edgepack edgepack
fi
`;
}

/** A fish single-quoted word. */
function fq(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(nodes: Node[]): string {
  const switchOf = (words: (n: Node) => string[]) =>
    nodes
      .map((n) => ({ n, list: words(n) }))
      .filter(({ list }) => list.length > 0)
      .map(
        ({ n, list }) => `        case ${fq(n.path)}\n            printf '%s\\n' ${list.map(fq).join(' ')}`,
      )
      .join('\n');
  const completes: string[] = [];
  for (const n of nodes) {
    const at = `-n ${fq(`__edgepack_at ${fq(n.path)}`)}`;
    for (const c of n.commands) {
      completes.push(
        `complete -c edgepack ${at} -f -a ${fq(c.name)} -d ${fq(c.description.split('\n')[0]!)}`,
      );
    }
    for (const o of n.options) {
      const flags = o.names
        .map((name) => (name.startsWith('--') ? `-l ${fq(name.slice(2))}` : `-s ${fq(name.slice(1))}`))
        .join(' ');
      const value = o.takesValue ? (o.choices.length ? ` -x -a ${fq(o.choices.join(' '))}` : ' -r') : '';
      completes.push(`complete -c edgepack ${at} ${flags}${value} -d ${fq(o.description.split('\n')[0]!)}`);
    }
    if (n.argumentChoices.length) {
      completes.push(`complete -c edgepack ${at} -f -a ${fq(n.argumentChoices.join(' '))}`);
    }
  }
  return `# edgepack completion for fish, generated from its command tree by \`edgepack completion fish\`.
# Install: edgepack completion fish > ~/.config/fish/completions/edgepack.fish

function __edgepack_commands
    switch "$argv[1]"
${switchOf((n) => n.commands.map((c) => c.name))}
    end
end

function __edgepack_value_options
    switch "$argv[1]"
${switchOf(valueOptions)}
    end
end

# The command path of the words before the cursor: subcommands are followed, options (and their values) skipped.
function __edgepack_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case '--*=*'
                continue
            case '-*'
                if contains -- $word (__edgepack_value_options "$cmdpath")
                    set skip 1
                end
                continue
        end
        if contains -- $word (__edgepack_commands "$cmdpath")
            set cmdpath (string trim -- "$cmdpath $word")
        end
    end
    echo $cmdpath
end

function __edgepack_at
    set -l cmdpath (__edgepack_path)
    test "$cmdpath" = "$argv[1]"
end

${completes.join('\n')}
`;
}
