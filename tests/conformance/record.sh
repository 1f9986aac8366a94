#!/usr/bin/env bash
# Records docker compose's verdict, merged model and listings for each case in
# tests/conformance/cases, with the reference binary that run.sh fetches. Run it
# after adding a case; review and commit the result.
#
# A case is a folder that docker compose reads by itself (compose.yaml, its
# override, .env). Optional files in it:
#   args  the global options to use instead of "-p x" (one line; may be empty)
#   cwd   a subfolder to run from (docker compose then searches the parents)
#   options  `config` options (one line, e.g. --no-interpolate), used for the model
#         and for each listing
# Recorded: verdicts.tsv (exit status), and for a valid case reference.json
# (`config --format json`), reference.yaml (`config`, YAML: not the same value as
# the JSON, see docs/compose-config.md) and listings.txt (each listing option's lines, sorted:
# docker compose prints most of them in a Go map's random order).
set -euo pipefail
cases=$(cd "$(dirname "$0")/cases" && pwd)
compose=${DOCKER_COMPOSE:-$HOME/.cache/smokehook-reference/usr/libexec/docker/cli-plugins/docker-compose}
. "$(dirname "$0")/case.sh"
printf 'case\tdocker_compose_2.40.3_exit\n' >"$cases/verdicts.tsv"
for dir in "$cases"/*/; do
  name=$(basename "$dir")
  read_case "$dir"
  rm -f "$dir/reference.json" "$dir/reference.yaml" "$dir/listings.txt"
  # shellcheck disable=SC2086 # args is a list of options
  if (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$compose" $args config $options --format json >"$dir/reference.json" 2>/dev/null); then
    printf '%s\t0\n' "$name" >>"$cases/verdicts.tsv"
    (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$compose" $args config $options >"$dir/reference.yaml" 2>/dev/null)
    for opt in $listings; do
      echo "== $opt"
      (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$compose" $args config $options "$opt" 2>/dev/null | names "$opt" | LC_ALL=C sort) || true
    done >"$dir/listings.txt"
  else
    rm -f "$dir/reference.json"
    printf '%s\t1\n' "$name" >>"$cases/verdicts.tsv"
  fi
done
