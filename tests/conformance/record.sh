#!/usr/bin/env bash
# Records docker compose's verdict (and merged model, when valid) for each
# case in tests/conformance/cases, with the reference binary that run.sh
# fetches. Run it after adding a case; review and commit the result.
set -euo pipefail
cases=$(cd "$(dirname "$0")/cases" && pwd)
compose=${DOCKER_COMPOSE:-$HOME/.cache/smokehook-reference/usr/libexec/docker/cli-plugins/docker-compose}
printf 'case\tdocker_compose_2.40.3_exit\n' >"$cases/verdicts.tsv"
for dir in "$cases"/*/; do
  name=$(basename "$dir")
  rm -f "$dir/reference.json"
  if (cd "$dir" && env -i PATH=/usr/bin:/bin HOME=/tmp "$compose" -p x config --format json >reference.json 2>/dev/null); then
    printf '%s\t0\n' "$name" >>"$cases/verdicts.tsv"
  else
    rm -f "$dir/reference.json"
    printf '%s\t1\n' "$name" >>"$cases/verdicts.tsv"
  fi
done
