# bash completion for coupongen(1): commands, each command's options, formats after -f/--format,
# template names after --template, ledger actions, file names otherwise.
#
# Installed as ${datadir}/bash-completion/completions/coupongen, where bash-completion loads it on
# demand; or source it from ~/.bashrc. It works without bash-completion, and uses its _filedir
# for file names when that is loaded.
#
# tests/cli/completion_test.cc checks that every command and option of the command table is here.

_coupongen_commands="generate validate lint check convert init ledger keygen help"
_coupongen_formats="csv json jsonapi imports xlsx"
# Installed as $datadir/bash-completion/completions/coupongen, beside $datadir/coupongen/templates.
_coupongen_installed_templates="${BASH_SOURCE[0]%/*}/../../coupongen/templates"

# The options of command $1, long and short.
_coupongen_options() {
    case $1 in
        generate) echo "-o --output -f --format -n --count --now --exclude --ledger --seed --report --force -q --quiet --progress --range --shard --create-key -h --help" ;;
        validate) echo "--now --json -h --help" ;;
        lint) echo "--spec --now --json -h --help" ;;
        check) echo "--spec --ledger --json -h --help" ;;
        convert) echo "-f --format -o --output --promotion-rule --rejects --now --force -q --quiet -h --help" ;;
        init) echo "--template --list -h --help" ;;
        ledger) echo "--ledger -f --format -o --output --force -q --quiet -h --help" ;;
        *) echo "-h --help" ;;
    esac
}

# Template names: what `coupongen init --list` lists (so COUPONGEN_TEMPLATES and the installed
# directory are honoured), else the *.yaml files of $COUPONGEN_TEMPLATES or the installed directory.
_coupongen_templates() {
    local prog=$1 list name rest f
    if list=$("$prog" init --list 2>/dev/null) && [[ -n $list ]]; then
        while read -r name rest; do printf '%s\n' "$name"; done <<<"$list"
        return
    fi
    for f in "${COUPONGEN_TEMPLATES:-$_coupongen_installed_templates}"/*.yaml; do
        [[ -e $f ]] || continue
        f=${f##*/}
        printf '%s\n' "${f%.yaml}"
    done
}

# COMPREPLY := the words of $1 (separated by blanks) that start with $2.
_coupongen_words() {
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

_coupongen_files() {
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
        return
    fi
    # Undo the shell quoting of the word typed so far ("spring\ c", 'spring c), as _filedir does.
    local word=$1
    [[ $word == [\'\"]* ]] && word=${word:1}
    word=${word//\\\\/$'\x01'}
    word=${word//\\/}
    word=${word//$'\x01'/\\}
    mapfile -t COMPREPLY < <(compgen -f -- "$word")
    compopt -o filenames 2>/dev/null
}

_coupongen() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev='' i cmd='' cmd_at=0 action=''
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # --format=csv: bash splits at '=' (COMP_WORDBREAKS); complete the value of the option.
    if [[ $cur == "=" ]]; then
        cur=
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # The command: the first word after the program that is not an option or an option's value.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]} cmd_at=$i; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _coupongen_words "--help -h --version" "$cur"
        else
            _coupongen_words "$_coupongen_commands" "$cur"
        fi
        return 0
    fi

    # The value of an option.
    case $prev in
        -f | --format) _coupongen_words "$_coupongen_formats" "$cur"; return 0 ;;
        --template) _coupongen_words "$(_coupongen_templates "${COMP_WORDS[0]}")" "$cur"; return 0 ;;
        -n | --count | --now | --seed | --promotion-rule | --range | --shard) return 0 ;;  # free text
        -o | --output | --exclude | --ledger | --spec | --rejects | --report) _coupongen_files "$cur"; return 0 ;;
    esac

    if [[ $cur == -* ]]; then
        _coupongen_words "$(_coupongen_options "$cmd")" "$cur"
        return 0
    fi
    case $cmd in
        help)
            ((COMP_CWORD == cmd_at + 1)) && _coupongen_words "${_coupongen_commands% help}" "$cur"
            return 0 ;;
        ledger)
            for ((i = cmd_at + 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in find | stats | export) action=${COMP_WORDS[i]}; break ;; esac
            done
            if [[ -z $action ]]; then
                _coupongen_words "find stats export" "$cur"
            fi
            return 0 ;;  # codes to find are not completed: they are secrets, not files
        check) return 0 ;;  # nor are codes to check
    esac
    _coupongen_files "$cur"
    return 0
}

complete -F _coupongen coupongen
