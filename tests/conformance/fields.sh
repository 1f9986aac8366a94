#!/usr/bin/env bash
# Field-by-field comparison of the whole model, run on demand (not part of ctest):
# each case of a cases file is one compose file; both tools print it with
# `-p x config --format json` from a scratch folder in a clean environment, and
# the outputs are compared after `jq -S`, with the exit status.
#
#   tests/conformance/fields.sh SMOKEHOOK [REFERENCE] [CASES]
#
# CASES defaults to fields.txt beside this script: cases separated by lines
# "=== name"; the scratch folder holds f.txt, a.env (A=1), b.env (B=2) and a
# Dockerfile. Prints one line per case that differs (with the diff when
# FIELDS_VERBOSE=1) and a summary; exits 1 when any case differs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
smokehook=$(realpath "${1:-$here/../../build/smokehook}")
compose=${2:-${SMOKEHOOK_REFERENCE_DIR:-$HOME/.cache/smokehook-reference}/usr/libexec/docker/cli-plugins/docker-compose}
cases=${3:-$here/fields.txt}
[ -x "$compose" ] || { echo "no reference binary at $compose (tests/conformance/run.sh fetches it)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/f.txt"
printf 'A=1\n' >"$work/a.env"
printf 'B=2\n' >"$work/b.env"
printf 'FROM scratch\n' >"$work/Dockerfile"
printf "services:\n  inc: {image: y, volumes: [iv:/x]}\nvolumes:\n  iv: {}\n" >"$work/inc.yaml"
total=0 equal=0 differ=0

run() {  # run OUT COMMAND...: prints the exit status (0 or 1), the sorted JSON in OUT
  if (cd "$work" && env -i PATH=/usr/bin:/bin HOME=/tmp/h "${@:2}" 2>/dev/null | jq -S . >"$1" 2>/dev/null &&
      [ "${PIPESTATUS[0]}" = 0 ]); then echo 0; else : >"$1"; echo 1; fi
}

check() {  # check NAME: compares both tools on $work/compose.yaml
  local theirs ours
  theirs=$(run "$work/theirs.json" "$compose" -p x -f compose.yaml config --format json)
  ours=$(run "$work/ours.json" "$smokehook" compose -p x -f compose.yaml --format json)
  total=$((total + 1))
  if [ "$theirs" = "$ours" ] && cmp -s "$work/theirs.json" "$work/ours.json"; then
    equal=$((equal + 1))
    return
  fi
  differ=$((differ + 1))
  echo "DIFFERS $1 (exit: docker $theirs, smokehook $ours)"
  [ "${FIELDS_VERBOSE:-0}" = 1 ] && diff "$work/theirs.json" "$work/ours.json" | head -20 | sed 's/^/    /'
  [ "${FIELDS_VERBOSE:-0}" = 1 ] && [ "$theirs" = 1 ] &&
    (cd "$work" && env -i PATH=/usr/bin:/bin HOME=/tmp/h "$compose" -p x -f compose.yaml config 2>&1 >/dev/null | head -3 | sed 's/^/    docker: /')
  [ "${FIELDS_VERBOSE:-0}" = 1 ] && [ "$ours" = 1 ] &&
    (cd "$work" && env -i PATH=/usr/bin:/bin HOME=/tmp/h "$smokehook" compose -p x -f compose.yaml 2>&1 >/dev/null | head -3 | sed 's/^/    smokehook: /')
  return 0
}

name=""
while IFS= read -r line || [ -n "$line" ]; do
  if [[ $line == "=== "* ]]; then
    [ -n "$name" ] && check "$name"
    name=${line#=== }
    : >"$work/compose.yaml"
  elif [ -n "$name" ]; then
    printf '%s\n' "$line" >>"$work/compose.yaml"
  fi
done <"$cases"
[ -n "$name" ] && check "$name"
echo "cases: $total, equal: $equal, differ: $differ"
[ "$differ" = 0 ]
