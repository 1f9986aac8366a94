#!/usr/bin/env bash
# One small project per compose rule (tests/conformance/cases/*): smokehook's
# verdict, whole merged model and listings against what docker compose 2.40.3
# said for the same folder (recorded in verdicts.tsv, each valid case's
# reference.json and listings.txt by tests/conformance/record.sh, which also
# describes a case's optional `args`, `cwd` and `options` files). Both tools read
# compose.yaml, compose.override.yaml and .env by themselves.
set -uo pipefail
: "${SMOKEHOOK:?}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/case.sh"
fails=0 total=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r name want; do
  [ "$name" = case ] && continue
  total=$((total + 1))
  dir=$here/cases/$name
  read_case "$dir"
  # shellcheck disable=SC2086 # args is a list of options
  (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$SMOKEHOOK" compose $args $options --format json >"$tmp/model.json" 2>"$tmp/err")
  got=$?
  [ "$got" = 0 ] || got=1
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: docker compose exit $want, smokehook $got: $(head -1 "$tmp/err")"
    fails=$((fails + 1))
    continue
  fi
  [ "$got" = 0 ] || continue
  if ! diffs=$(python3 "$here/compare_models.py" "$dir/reference.json" "$tmp/model.json"); then
    echo "FAIL $name: merged model differs:"
    echo "$diffs"
    fails=$((fails + 1))
  fi
  if [ -f "$dir/reference.yaml" ]; then
    (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$SMOKEHOOK" compose $args $options >"$tmp/model.yaml" 2>/dev/null)
    if ! diffs=$(python3 "$here/compare_models.py" --yaml "$dir/reference.yaml" "$tmp/model.yaml"); then
      echo "FAIL $name: YAML model differs:"
      echo "$diffs"
      fails=$((fails + 1))
    fi
  fi
  # -o writes the same model to a file; -q prints nothing.
  (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$SMOKEHOOK" compose $args $options --format json -o "$tmp/out.json" \
    >"$tmp/stdout" 2>/dev/null && [ ! -s "$tmp/stdout" ] && cmp -s "$tmp/out.json" "$tmp/model.json") ||
    { echo "FAIL $name: -o does not write the model alone"; fails=$((fails + 1)); }
  quiet=$(cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$SMOKEHOOK" compose $args $options -q 2>/dev/null) &&
    [ -z "$quiet" ] || { echo "FAIL $name: -q prints or fails"; fails=$((fails + 1)); }
  if [ -f "$dir/listings.txt" ]; then
    for opt in $listings; do
      echo "== $opt"
      (cd "$run" && env -i PATH=/usr/bin:/bin HOME=/tmp "$SMOKEHOOK" compose $args $options "$opt" 2>/dev/null | names "$opt" | LC_ALL=C sort)
    done >"$tmp/listings.txt"
    if ! python3 "$here/compare_models.py" --text "$dir/listings.txt" "$tmp/listings.txt" >"$tmp/diff"; then
      echo "FAIL $name: listings differ:"
      cat "$tmp/diff"
      fails=$((fails + 1))
    fi
  fi
done <"$here/cases/verdicts.tsv"
echo "$((total - fails)) passed, $fails failed"
[ "$fails" = 0 ]
