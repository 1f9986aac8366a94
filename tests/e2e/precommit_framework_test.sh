#!/usr/bin/env bash
# The pre-commit framework (Debian's pre-commit package) runs this
# repository's .pre-commit-hooks.yaml (the language: system hooks), for both stages, with `try-repo`.
. "$(dirname "$0")/lib.sh"
: "${SMOKEHOOK_SOURCE:?SMOKEHOOK_SOURCE must name this repository}"

if ! command -v pre-commit >/dev/null; then
  echo "pre-commit is not installed (apt-get install pre-commit); .ci/run installs it"
  exit 77
fi
# language: system finds smokehook on PATH.
mkdir -p "$WORK/bin"
ln -s "$SMOKEHOOK" "$WORK/bin/smokehook"
export PATH="$WORK/bin:$PATH"
export PRE_COMMIT_HOME="$WORK/pre-commit-cache"
# try-repo clones the hooks repository: it has to be one, with the hooks file committed.
HOOKS=$WORK/hooks-repo
mkdir -p "$HOOKS"
cp "$SMOKEHOOK_SOURCE/.pre-commit-hooks.yaml" "$HOOKS/"
git -C "$HOOKS" init -q && git -C "$HOOKS" add -A && git -C "$HOOKS" commit -qm hooks

R=$WORK/repo
new_repo "$R"
cd "$R"

t "pre-commit stage: a good staged change passes"
echo "# fine" >>docker-compose.prod.yml && git add docker-compose.prod.yml
run pre-commit try-repo "$HOOKS" smokehook-system --verbose
expect_rc 0
expect_log "ALL 3 CHECKS PASSED"
git reset -q --hard

t "pre-commit stage: a broken staged file fails, whatever the working tree says"
break_compose "$R"
git add docker-compose.yml
git show HEAD:docker-compose.yml >docker-compose.yml   # the working tree is fine, the index is not
run pre-commit try-repo "$HOOKS" smokehook-system --verbose
[ "$RC" -ne 0 ] || fail "pre-commit passed a broken staged file"
expect_log "unknown key 'imag'"
git reset -q --hard

t "push stage: the pushed commit is checked"
echo "# fine" >>docker-compose.prod.yml
git commit -qam good --no-verify
break_compose "$R"
git commit -qam broken --no-verify
run pre-commit try-repo "$HOOKS" smokehook-push-system --hook-stage push --from-ref HEAD~1 --to-ref HEAD --verbose
[ "$RC" -ne 0 ] || fail "the push stage passed a broken commit"
expect_log "compose.base"
run pre-commit try-repo "$HOOKS" smokehook-push-system --hook-stage push --from-ref HEAD~2 --to-ref HEAD~1 --verbose
expect_rc 0
expect_log "ALL 14 CHECKS PASSED"

# `smokehook --framework FILE...` directly, with what the framework would set
# (tests/e2e/managers_test.sh drives the real frameworks through every mode).
git reset -q --hard HEAD~1   # the healthy commit
GOOD=$(git rev-parse HEAD)
git checkout -q -b broken-branch
break_compose "$R"
git commit -qam broken --no-verify

t "--framework: PRE_COMMIT_FROM_REF/TO_REF run range mode on A...B"
run env PRE_COMMIT_FROM_REF="$GOOD" PRE_COMMIT_TO_REF=HEAD "$SMOKEHOOK" --format json --framework docker-compose.yml
expect_rc 1
expect_eq "$(json_get "$OUT" "j['mode']")" "range"
run env PRE_COMMIT_FROM_REF="$GOOD" PRE_COMMIT_TO_REF="$GOOD" "$SMOKEHOOK" --framework
expect_rc 0

t "--framework: files passed are the change, on the working tree"
run "$SMOKEHOOK" --format json --framework README.md
expect_rc 0
expect_eq "$(json_get "$OUT" "j['mode']")" "files"
expect_eq "$(ids_with "$OUT" pass)" "" "README.md affects no check"
run "$SMOKEHOOK" --format json --framework ./docker-compose.yml README.md
expect_rc 1
expect_eq "$(status_of "$OUT" compose.base)" "fail"
expect_eq "$(status_of "$OUT" wiring.metrics)" "skip"

t "--framework: GIT_INDEX_FILE set (a git commit) runs staged mode, deletions included"
git rm -q --cached server/db_migrate.py
run env GIT_INDEX_FILE=.git/index "$SMOKEHOOK" --format json --framework
expect_rc 1
expect_eq "$(json_get "$OUT" "j['mode']")" "staged"
expect_eq "$(status_of "$OUT" migrations.whatsapp-shard)" "fail"
git reset -q

# A parent process standing for the framework: its arguments and its invocations.
as_framework() {  # as_framework FRAMEWORK-ARGS... -- SMOKEHOOK-ARGS: two invocations, outputs joined
  python3 - "$@" <<'PY'
import subprocess, sys
cut = sys.argv.index("--")
for _ in range(2):
    r = subprocess.run(sys.argv[cut + 1:], capture_output=True, text=True)
    print("rc=%d" % r.returncode)
    print(r.stdout, end="")
PY
}

t "--framework under a framework run with --all-files: every check, once per framework run"
run as_framework run --all-files -- "$SMOKEHOOK" --framework README.md
expect_out "rc=1"
expect_out "rc=0"
expect_eq "$(grep -c "FAIL: Base docker-compose.yml valid" <<<"$OUT")" "1" "the second invocation of the same run is silent"
run as_framework run -a -- "$SMOKEHOOK" --framework README.md
expect_out "rc=1"
run as_framework run --files README.md -- "$SMOKEHOOK" --framework README.md
expect_eq "$(grep -c "^rc=0" <<<"$OUT")" "2" "--files README.md: nothing affected, in both invocations"

t "--framework: two entries of one framework run that differ in options each run"
# One parent, as a configuration listing the hook twice with other options (args before --framework
# are the entry's own): the second entry is not the first one's later invocation.
cat >"$WORK/two_entries.py" <<'PY'
import subprocess, sys
exe = sys.argv[1]
for only in ("compose.base", "wiring.metrics"):
    r = subprocess.run([exe, "--only", only, "--framework", "README.md"], capture_output=True, text=True)
    print("rc=%d" % r.returncode)
    print(r.stdout, end="")
PY
run python3 "$WORK/two_entries.py" "$SMOKEHOOK" run --all-files
expect_eq "$(grep -c "FAIL: Base docker-compose.yml valid" <<<"$OUT")" "1" "the first entry runs its check"
expect_out "register_metrics_endpoint called in app_factory"   # the second entry ran too

t "--framework: every argument after it is a file; options before it; no mixing with other modes"
run "$SMOKEHOOK" --framework --all
expect_rc 0   # a file named --all affects nothing
run "$SMOKEHOOK" --all --framework README.md
expect_rc 2
run "$SMOKEHOOK" --from-ref HEAD --framework README.md
expect_rc 2

finish
