#!/usr/bin/env bash
# The man page and the completions (`smokehook --generate-docs DIR`) hold every
# option and command that `--help` shows, for the top level and each command:
# they are written from the same CLI11 definition, and this test fails the day
# one is missing. The man page renders without warnings; bash's completion
# completes; zsh's and fish's parse (when those shells are installed).
. "$(dirname "$0")/../e2e/lib.sh"
DOCS=$WORK/docs

t "--generate-docs writes the man page and the three completions"
run "$SMOKEHOOK" --generate-docs "$DOCS"
expect_rc 0
for f in smokehook.1 completions/smokehook.bash completions/_smokehook completions/smokehook.fish; do
  [ -s "$DOCS/$f" ] || fail "no $f"
done

# The commands and, per command, the option spellings, as --help prints them.
run "$SMOKEHOOK" --help
COMMANDS=$(awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' <<<"$OUT")
[ -n "$COMMANDS" ] || fail "--help lists no commands"
# spellings HELP: -h --help --all ... (the first column of the option lines).
spellings() { awk '/^  -/ { n = split($1, s, ","); for (i = 1; i <= n; i++) print s[i] }' <<<"$1"; }
TOP=$(spellings "$OUT")
[ "$(wc -l <<<"$TOP")" -ge 15 ] || fail "--help shows only $(wc -l <<<"$TOP") option spellings"

roff_of() { echo "${1//-/\\-}"; }
declare -A HELP
for cmd in $COMMANDS; do HELP[$cmd]=$(spellings "$("$SMOKEHOOK" "$cmd" --help)"); done
# check_docs DIR: every command and spelling is in each file; prints what is missing.
check_docs() {
  local dir=$1 missing="" cmd sp
  for sp in $TOP; do
    grep -qF -- "\\fB$(roff_of "$sp")\\fR" "$dir/smokehook.1" || missing+=" man:$sp"
    grep -q -- "^        \*) .*[' ]${sp}[' ]" "$dir/completions/smokehook.bash" || missing+=" bash:$sp"
    grep -qF -- "$sp" "$dir/completions/_smokehook" || missing+=" zsh:$sp"
    case $sp in
      --*) grep -qE -- "^complete -c smokehook( -n '[^']*')?( -s [^ ]+)* -l ${sp#--}( |$)" "$dir/completions/smokehook.fish" || missing+=" fish:$sp" ;;
      -*) grep -qE -- "^complete -c smokehook( -n '[^']*')? -s ${sp#-}( |$)" "$dir/completions/smokehook.fish" || missing+=" fish:$sp" ;;
    esac
  done
  for cmd in $COMMANDS; do
    grep -q "^\.SS $cmd\$" "$dir/smokehook.1" || missing+=" man:$cmd"
    grep -q "^        $cmd) COMPREPLY" "$dir/completions/smokehook.bash" || missing+=" bash:$cmd"
    grep -q "^        '$cmd:" "$dir/completions/_smokehook" || missing+=" zsh:$cmd"
    grep -q "__fish_use_subcommand -a $cmd " "$dir/completions/smokehook.fish" || missing+=" fish:$cmd"
    for sp in ${HELP[$cmd]}; do
      [ "$sp" = -h ] || [ "$sp" = --help ] || grep -qF -- "\\fB$(roff_of "$sp")\\fR" "$dir/smokehook.1" || missing+=" man:$cmd:$sp"
      grep -q -- "^        $cmd) .*[' ]${sp}[' ]" "$dir/completions/smokehook.bash" || missing+=" bash:$cmd:$sp"
      grep -qF -- "$sp" "$dir/completions/_smokehook" || missing+=" zsh:$cmd:$sp"
      case $sp in
        --*) grep -qE -- "^complete -c smokehook -n '__fish_seen_subcommand_from $cmd'( -s [^ ]+)* -l ${sp#--}( |$)" "$dir/completions/smokehook.fish" || missing+=" fish:$cmd:$sp" ;;
        -*) grep -qE -- "^complete -c smokehook -n '__fish_seen_subcommand_from $cmd' -s ${sp#-}( |$)" "$dir/completions/smokehook.fish" || missing+=" fish:$cmd:$sp" ;;
      esac
    done
  done
  echo "$missing"
}

t "every command and option of --help is in the man page and in the bash, zsh and fish completions"
MISSING=$(check_docs "$DOCS")
[ -z "$MISSING" ] || fail "missing:$MISSING"

t "the check itself notices an option missing from the man page or a completion"
for cut in "smokehook.1:only" "completions/smokehook.bash:--profiles" "completions/_smokehook:--no-normalize" \
  "completions/smokehook.fish:-l color"; do
  rm -rf "$WORK/cut" && cp -R "$DOCS" "$WORK/cut"
  file=${cut%%:*} word=${cut#*:}
  grep -vF -- "$word" "$DOCS/$file" | sed "s/ $word / /g" >"$WORK/cut/$file"
  [ -n "$(check_docs "$WORK/cut")" ] || fail "a $file without '$word' passed the check"
done

t "the man page renders without a warning"
if command -v groff >/dev/null; then
  run groff -man -Tutf8 -ww -z "$DOCS/smokehook.1"
  expect_rc 0
  expect_eq "$ERR" "" "groff's warnings"
else
  echo "  (groff is not installed: not rendered)"
fi
grep -q "^\.TH SMOKEHOOK 1 .*\"smokehook $("$SMOKEHOOK" --version | cut -d' ' -f2)\"" "$DOCS/smokehook.1" ||
  fail "the man page's title line does not name this version"

t "bash completes options, commands, a command's options and an option's choices"
complete_bash() { # WORDS...: the completions of the last word
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _smokehook; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$DOCS/completions/smokehook.bash" "$@"
}
bash -n "$DOCS/completions/smokehook.bash" || fail "smokehook.bash is not valid bash"
expect_eq "$(complete_bash smokehook --co | sort | tr '\n' ' ')" "--color --config " "smokehook --co<TAB>"
expect_eq "$(complete_bash smokehook comp)" "compose" "smokehook comp<TAB>"
expect_eq "$(complete_bash smokehook compose --pro | sort | tr '\n' ' ')" \
  "--profile --profiles --project-directory --project-name " "smokehook compose --pro<TAB>"
expect_eq "$(complete_bash smokehook --color '' | tr '\n' ' ')" "auto always never " "smokehook --color <TAB>"
expect_eq "$(complete_bash smokehook compose --format '' | tr '\n' ' ')" "json yaml " "smokehook compose --format <TAB>"
expect_eq "$(complete_bash smokehook --format '' | tr '\n' ' ')" "human json sarif junit " "smokehook --format <TAB>"

t "zsh's and fish's completions parse"
if command -v zsh >/dev/null; then
  zsh -n "$DOCS/completions/_smokehook" || fail "_smokehook is not valid zsh"
else
  echo "  (zsh is not installed: not parsed)"
fi
if command -v fish >/dev/null; then
  fish -n "$DOCS/completions/smokehook.fish" || fail "smokehook.fish is not valid fish"
  run fish -c "source $DOCS/completions/smokehook.fish; complete -C 'smokehook --col'"
  expect_out "--color"
else
  echo "  (fish is not installed: not parsed)"
fi

finish
