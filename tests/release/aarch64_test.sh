#!/usr/bin/env bash
# The aarch64 release binary under qemu-user: the example passes and fails as it should, and every
# output (text, JSON without its timings, SARIF, the merged compose model, exit status, stderr) is
# byte-identical to the x86-64 binary's on the same repository.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/roots.sh"
: "${SMOKEHOOK_RELEASE_BIN:?}"
X86=$SMOKEHOOK_RELEASE_BIN/x86_64/smokehook
ARM=$SMOKEHOOK_RELEASE_BIN/aarch64/smokehook
QEMU=$(command -v qemu-aarch64-static || command -v qemu-aarch64) || { echo "SKIP: no qemu-aarch64"; exit 77; }
start_http

R=$WORK/repo
new_repo "$R"
cd "$R" || exit 1
# Timings are the only thing allowed to differ.
untimed() { sed -E 's/"duration_ms": [0-9.e+-]+/"duration_ms": T/; s/ time="[0-9.]+"/ time="T"/'; }
# same NAME ARGS...: both binaries on the repository, everything compared.
same() {
  local name=$1 xo xe xr
  shift
  t "aarch64 = x86-64: $name"
  run "$X86" "$@"
  xo=$(untimed <<<"$OUT") xe=$ERR xr=$RC
  run "$QEMU" "$ARM" "$@"
  expect_eq "$RC" "$xr" "exit status"
  [ "$(untimed <<<"$OUT")" = "$xo" ] || fail "stdout differs: $(diff <(echo "$xo") <(untimed <<<"$OUT") | head -20)"
  [ "$ERR" = "$xe" ] || fail "stderr differs: $(diff <(echo "$xe") <(echo "$ERR") | head -20)"
}

t "the aarch64 binary runs under qemu"
run "$QEMU" "$ARM" --version
expect_rc 0
expect_eq "$OUT" "smokehook $SMOKEHOOK_VERSION"
same "--version" --version
same "--help" --help
same "--all passes" --all
expect_rc 0
same "--all --format json" --all --format json
same "--all --format sarif" --all --format sarif
same "--all --format junit" --all --format junit
same "list" list
same "compose" compose
SMOKEHOOK_API_URL=http://127.0.0.1:$HTTP_PORT same "--all --full against a live server" --all --full --format json
expect_rc 0
SMOKEHOOK_API_URL=http://localhost:$CLOSED_PORT same "--all --full against a closed port" --all --full
expect_rc 1
break_compose "$R"
same "--all fails once an invariant is broken" --all
expect_rc 1
same "--all --format json, broken" --all --format json
git add docker-compose.yml
same "staged mode, broken file staged" 
expect_rc 1
git commit -q -m broken --no-verify
same "--from-ref HEAD~1, the broken commit" --from-ref HEAD~1 --to-ref HEAD --format sarif
expect_rc 1
same "--all --rev HEAD~1, the good commit" --all --rev HEAD~1
expect_rc 0
finish
