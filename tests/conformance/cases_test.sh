#!/usr/bin/env bash
# One small project per compose rule (tests/conformance/cases/*): smokehook's
# verdict and merged model against what docker compose 2.40.3 said for the same
# folder (recorded in verdicts.tsv and each valid case's reference.json by
# tests/conformance/record.sh). Both tools read compose.yaml, compose.override.yaml
# and .env by themselves.
set -uo pipefail
: "${SMOKEHOOK:?}"
here=$(cd "$(dirname "$0")" && pwd)
fails=0 total=0
while IFS=$'\t' read -r name want; do
  [ "$name" = case ] && continue
  total=$((total + 1))
  dir=$here/cases/$name
  (cd "$dir" && env -i PATH=/usr/bin:/bin HOME=/tmp "$SMOKEHOOK" compose --format json >/tmp/smokehook-case.json 2>/tmp/smokehook-case.err)
  got=$?
  [ "$got" = 0 ] || got=1
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: docker compose exit $want, smokehook $got: $(head -1 /tmp/smokehook-case.err)"
    fails=$((fails + 1))
  elif [ "$got" = 0 ] && ! diffs=$(python3 "$here/compare_models.py" "$dir/reference.json" /tmp/smokehook-case.json); then
    echo "FAIL $name: merged model differs:"
    echo "$diffs"
    fails=$((fails + 1))
  fi
done <"$here/cases/verdicts.tsv"
echo "$((total - fails)) passed, $fails failed"
[ "$fails" = 0 ]
