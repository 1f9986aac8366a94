#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan) and runs each
# for SECONDS (default 600), two at a time, starting from the seed corpora in
# tests/fuzz/corpus/<target>. New inputs stay in BUILD/corpus; a crash leaves
# its input in BUILD/artifacts, prints the report and fails the run. BUILD is
# $SMOKEHOOK_FUZZ_BUILD, by default build-fuzz; the test suite runs every
# target for 30 seconds in its own build folder (ctest -R fuzz).
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config compose glob dotenv pre_push pre_receive index nodes)
build=${SMOKEHOOK_FUZZ_BUILD:-build-fuzz}

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is missing: sh install/deps.sh --tests installs it (clang, libclang-rt-14-dev)" >&2
  exit 1
fi
launcher=""
command -v ccache >/dev/null && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache"
# shellcheck disable=SC2086
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSMOKEHOOK_FUZZ=ON -DSMOKEHOOK_TESTS=OFF -DSMOKEHOOK_SANITIZE=ON $launcher >/dev/null
started=$(date +%s)
cmake --build "$build" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") >"$build/build.log" 2>&1 ||
  { tail -40 "$build/build.log"; exit 1; }
echo "fuzz: targets built in $(($(date +%s) - started)) s"

mkdir -p "$build/artifacts"
status=0
run_one() {
  local t=$1
  mkdir -p "$build/corpus/$t"
  local rc=0
  "$build/tests/fuzz/fuzz_$t" "$build/corpus/$t" "tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 >"$build/$t.log" 2>&1 || rc=$?
  echo "fuzz_$t: exit $rc, $(grep -E '^stat::number_of_executed_units' "$build/$t.log" | awk '{print $2}') runs in ${seconds}s"
  if [ $rc -ne 0 ]; then
    grep -E -A30 'ERROR: |runtime error|==[0-9]+==' "$build/$t.log" | head -60
    ls "$build/artifacts/$t-"* 2>/dev/null
  fi
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
