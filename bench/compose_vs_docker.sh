#!/usr/bin/env bash
# smokehook compose against docker compose config, file by file, both timed in the same hyperfine
# run (-N, medians), each file run from its own folder in a clean environment, as
# tests/conformance/run.sh runs them:
#
#   bench/compose_vs_docker.sh CORPUS_DIR [REAL_COMPOSE_FILE...]
#
# Every *.yml/*.yaml under CORPUS_DIR that docker compose accepts is timed, then each REAL file.
# Prints a row per file (docker median, smokehook median, ratio), the rows sorted by ratio, and
# the smallest ratio over the corpus. RUNS (default 10) and WARMUP (default 2) set hyperfine's
# counts; SMOKEHOOK and DOCKER_COMPOSE the binaries; OUT where the JSON exports go.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:?usage: compose_vs_docker.sh CORPUS_DIR [REAL_COMPOSE_FILE...]}
shift
corpus=$(cd "$corpus" && pwd)
runs=${RUNS:-10}
warmup=${WARMUP:-2}
out=${OUT:-/tmp/smokehook-bench-compose}
smokehook=${SMOKEHOOK:-$here/../build/smokehook}
compose=${DOCKER_COMPOSE:-$HOME/.cache/smokehook-reference/usr/libexec/docker/cli-plugins/docker-compose}
[ -x "$compose" ] || { echo "no docker compose at $compose (tests/conformance/run.sh fetches it)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }
mkdir -p "$out"
# Measured as installed: a binary the linker has just written takes more page faults than a copy.
install -m 755 "$smokehook" "$out/smokehook"
smokehook=$out/smokehook
clean=(env -i PATH=/usr/bin:/bin HOME=/tmp)

results=$out/results.tsv
: >"$results"
bench_file() {  # KIND FILE: one same-run hyperfine of both commands, a row appended to $results
  local kind=$1 file=$2 dir base json
  dir=$(dirname "$file") base=$(basename "$file")
  json=$out/$(printf '%s' "${file#/}" | tr '/ ' '__').json
  (cd "$dir" && "${clean[@]}" hyperfine -N --style none --warmup "$warmup" --runs "$runs" --export-json "$json" \
    "$compose -p x -f '$base' config --format json" "$smokehook compose -p x -f '$base' --format json" >/dev/null 2>&1) ||
    { echo "hyperfine failed on $file" >&2; return 0; }
  python3 - "$json" "$kind" "$file" >>"$results" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
d, s = r[0]["median"] * 1000, r[1]["median"] * 1000
print("%s\t%s\t%.1f\t%.1f\t%.1f" % (sys.argv[2], sys.argv[3], d, s, d / s))
EOF
}

while IFS= read -r -d '' file; do
  (cd "$(dirname "$file")" && "${clean[@]}" "$compose" -p x -f "$(basename "$file")" config -q >/dev/null 2>&1) || continue
  bench_file corpus "$file"
done < <(find "$corpus" -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 | sort -z)
for file in "$@"; do bench_file real "$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"; done

echo "docker compose: $("$compose" version 2>/dev/null | head -1); smokehook: $("$smokehook" --version | head -1)"
echo "hyperfine -N, $warmup warm-up runs, $runs runs, medians; ratio = docker / smokehook"
python3 - "$results" "$corpus" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
corpus = sys.argv[2].rstrip("/") + "/"
print("| file | docker compose config | smokehook compose | ratio |")
print("| --- | --- | --- | --- |")
for kind, f, d, s, ratio in sorted(rows, key=lambda r: float(r[4])):
    name = f[len(corpus):] if f.startswith(corpus) else f
    print("| %s%s | %s ms | %s ms | %s× |" % (name, "" if kind == "corpus" else " (real)", d, s, ratio))
c = [r for r in rows if r[0] == "corpus"]
if c:
    low = min(c, key=lambda r: float(r[4]))
    print("corpus: %d files; smallest ratio %s× (%s)" % (len(c), low[4], low[1][len(corpus):]))
for r in rows:
    if r[0] == "real":
        print("real: %s: %s×" % (r[1], r[4]))
EOF
