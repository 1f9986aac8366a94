#!/usr/bin/env bash
# Differential conformance: smokehook's valid/invalid verdict against docker
# compose v2's, file by file. Run on demand (not part of ctest):
#
#   tests/conformance/run.sh DIR [VERDICTS.tsv]
#
# With VERDICTS (path, exit status, ... as tab-separated columns, paths
# relative to DIR), the reference verdicts are read from it. Without it, the
# reference binary is fetched from Debian's archive (docker-compose 2.40.3 from
# sid, into a private folder, never into the system's sources) and run on each
# file. Each file is validated on its own, from its own folder, in a clean
# environment, as `docker compose -f FILE config -q` would.
set -uo pipefail
dir=${1:?usage: run.sh DIR [VERDICTS.tsv]}
verdicts=${2:-}
smokehook=${SMOKEHOOK:-$(cd "$(dirname "$0")/../.." && pwd)/build/smokehook}

reference() {  # FILE -> exit status of docker compose config -q (0 or 1)
  (cd "$(dirname "$1")" && env -i PATH=/usr/bin:/bin HOME=/tmp "$compose" -p x -f "$(basename "$1")" config -q \
    >/dev/null 2>&1) && echo 0 || echo 1
}

if [ -z "$verdicts" ]; then
  cache=${SMOKEHOOK_REFERENCE_DIR:-$HOME/.cache/smokehook-reference}
  compose=$cache/usr/libexec/docker/cli-plugins/docker-compose
  if [ ! -x "$compose" ]; then
    mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial"
    mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/debian.sources | head -1 | awk '{print $2}')
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$cache/sources.list"
    opts=(-o Dir::State="$cache/apt" -o Dir::Cache="$cache/apt" -o Dir::Etc::SourceList="$cache/sources.list"
          -o Dir::Etc::SourceParts=/dev/null -o Debug::NoLocking=1)
    apt-get "${opts[@]}" update -qq && (cd "$cache" && apt-get "${opts[@]}" download docker-compose=2.40.3-3) &&
      dpkg-deb -x "$cache"/docker-compose_*.deb "$cache" || { echo "cannot fetch the reference binary"; exit 2; }
  fi
  echo "reference: $("$compose" version 2>/dev/null | head -1)"
fi

tmp=$(mktemp -d)  # private: two runs at once must not read each other's files
trap 'rm -rf "$tmp"' EXIT
agree=0 total=0 models=0 listings=0 listings_equal=0
declare -A equal  # valid files whose model is equal, by rendering
while IFS= read -r -d '' file; do
  rel=${file#"$dir"/}
  if [ -n "$verdicts" ]; then
    want=$(awk -F'\t' -v p="$rel" '$1 == p {print $2}' "$verdicts")
    [ -n "$want" ] || continue
    [ "$want" = 0 ] || want=1
  else
    want=$(reference "$file")
  fi
  (cd "$(dirname "$file")" && env -i PATH=/usr/bin:/bin HOME=/tmp "$smokehook" compose -f "$(basename "$file")" \
    >/dev/null 2>"$tmp/err")
  got=$?
  [ "$got" = 0 ] || got=1
  total=$((total + 1))
  if [ "$got" = "$want" ]; then
    agree=$((agree + 1))
    if [ -z "$verdicts" ] && [ "$got" = 0 ]; then  # both valid: the whole models, then each listing
      models=$((models + 1))
      ref_run() { (cd "$(dirname "$file")" && env -i PATH=/usr/bin:/bin HOME=/tmp "$compose" -p x -f "$(basename "$file")" config "$@" 2>/dev/null); }
      our_run() { (cd "$(dirname "$file")" && env -i PATH=/usr/bin:/bin HOME=/tmp "$smokehook" compose -p x -f "$(basename "$file")" "$@" 2>/dev/null); }
      # The JSON, as docker compose prints it and with each option that changes the rendering;
      # then the YAML, by the value it parses to.
      for variant in "" --no-interpolate --no-normalize; do
        # shellcheck disable=SC2086 # an empty variant is no option
        ref_run --format json $variant | jq -S . >"$tmp/ref.json"
        # shellcheck disable=SC2086
        our_run --format json $variant | jq -S . >"$tmp/ours.json"
        if diff -q "$tmp/ref.json" "$tmp/ours.json" >/dev/null; then
          equal[json$variant]=$((${equal[json$variant]:-0} + 1))
        else
          echo "MODEL $rel ${variant:-(json)}:"
          diff "$tmp/ref.json" "$tmp/ours.json" | head -8
        fi
      done
      ref_run >"$tmp/ref.yaml"
      our_run >"$tmp/ours.yaml"
      if python3 "$(dirname "$0")/compare_models.py" --yaml "$tmp/ref.yaml" "$tmp/ours.yaml" >"$tmp/diff"; then
        equal[yaml]=$((${equal[yaml]:-0} + 1))
      else
        echo "YAML $rel:"
        head -8 "$tmp/diff"
      fi
      for opt in --services --volumes --networks --profiles --images --models --variables --environment; do
        listings=$((listings + 1))
        # Sorted: docker compose prints these in a Go map's order. --variables: names (see cases_test.sh).
        a=$(ref_run "$opt" | { [ "$opt" = --variables ] && awk '{print $1}' || cat; } | LC_ALL=C sort)
        b=$(our_run "$opt" | { [ "$opt" = --variables ] && awk '{print $1}' || cat; } | LC_ALL=C sort)
        if [ "$a" = "$b" ]; then listings_equal=$((listings_equal + 1)); else echo "LISTING $rel $opt differs"; fi
      done
    fi
  else
    echo "DISAGREE $rel: docker compose $want, smokehook $got: $(head -1 "$tmp/err")"
  fi
done < <(find "$dir" -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 | sort -z)
echo "agreement: $agree of $total files"
if [ -z "$verdicts" ]; then
  echo "whole models equal (jq -S): ${equal[json]:-0} of $models valid files"
  echo "  with --no-interpolate: ${equal[json--no-interpolate]:-0} of $models; with --no-normalize: ${equal[json--no-normalize]:-0} of $models"
  echo "  YAML (the value it parses to): ${equal[yaml]:-0} of $models"
  echo "listings equal (--services ... --environment, sorted): $listings_equal of $listings"
fi
[ "$agree" = "$total" ]
