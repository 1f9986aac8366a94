#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan) and runs each
# for SECONDS (default 600), two at a time, starting from the seed corpora in
# tests/fuzz/corpus/<target>. New inputs stay in build-fuzz/corpus; a crash
# leaves its input in build-fuzz/artifacts and fails the run.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config compose glob dotenv pre_push pre_receive index nodes)

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSMOKEHOOK_FUZZ=ON -DSMOKEHOOK_TESTS=OFF -DSMOKEHOOK_SANITIZE=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

mkdir -p build-fuzz/artifacts
status=0
run_one() {
  local t=$1
  mkdir -p "build-fuzz/corpus/$t"
  ./build-fuzz/tests/fuzz/fuzz_"$t" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="build-fuzz/artifacts/$t-" -print_final_stats=1 >"build-fuzz/$t.log" 2>&1
  local rc=$?
  echo "fuzz_$t: exit $rc, $(grep -E '^stat::number_of_executed_units' "build-fuzz/$t.log" | awk '{print $2}') runs in ${seconds}s"
  return $rc
}
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$(nproc)" ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
