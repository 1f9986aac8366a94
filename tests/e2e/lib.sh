# Shared helpers for the end-to-end tests. Each test script sources this,
# makes real repositories in a temporary folder, and runs the built binary
# through real `git commit` and `git push`.
set -uo pipefail

: "${SMOKEHOOK:?SMOKEHOOK must name the built binary}"
: "${SMOKEHOOK_EXAMPLE:?SMOKEHOOK_EXAMPLE must name examples/prod-app}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/smokehook-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# A clean, predictable git: no user or system configuration, fixed identity.
export HOME="$WORK/home"
mkdir -p "$HOME"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=t@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=t@example.com
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE SMOKEHOOK_SKIP NO_COLOR
# The configuration cache goes to $HOME/.cache/smokehook, inside $WORK.
unset XDG_CACHE_HOME SMOKEHOOK_CACHE_DIR
git config --global init.defaultBranch main
git config --global advice.detachedHead false

TESTS=0
FAILS=0
CURRENT=""

t() { CURRENT=$1; TESTS=$((TESTS + 1)); echo "--- $1"; }
fail() {
  FAILS=$((FAILS + 1))
  echo "FAIL [$CURRENT]: $*"
  [ -n "${OUT:-}" ] && printf '  stdout:\n%s\n' "$OUT" | sed 's/^/    /' | head -40
  [ -n "${ERR:-}" ] && printf '  stderr:\n%s\n' "$ERR" | sed 's/^/    /' | head -20
  return 0
}
finish() {
  echo "$((TESTS - FAILS)) passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
  exit $?
}

# run CMD...: runs it, keeping stdout in $OUT, stderr in $ERR and the status in $RC.
run() {
  local o e
  o=$(mktemp "$WORK/out.XXXXXX")
  e=$(mktemp "$WORK/err.XXXXXX")
  "$@" >"$o" 2>"$e" </dev/null
  RC=$?
  OUT=$(cat "$o")
  ERR=$(cat "$e")
  rm -f "$o" "$e"
}
# run_in STDIN CMD...: as run, with STDIN as standard input.
run_in() {
  local input=$1 o e
  shift
  o=$(mktemp "$WORK/out.XXXXXX")
  e=$(mktemp "$WORK/err.XXXXXX")
  printf '%s' "$input" | "$@" >"$o" 2>"$e"
  RC=$?
  OUT=$(cat "$o")
  ERR=$(cat "$e")
  rm -f "$o" "$e"
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC${2:+ ($2)}"; }
expect_out() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks: $1"; }
expect_no_out() { ! grep -qF -- "$1" <<<"$OUT" || fail "stdout should not contain: $1"; }
expect_err() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1"; }
expect_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }

# new_repo DIR: the example app as a fresh repository with one commit.
new_repo() {
  mkdir -p "$1"
  cp -R "$SMOKEHOOK_EXAMPLE/." "$1/"
  git -C "$1" init -q
  git -C "$1" add -A
  git -C "$1" commit -q -m "prod-app" --no-verify
}

# json_get JSON EXPR: evaluates a Python expression over the parsed JSON `j`.
json_get() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print($2)" "$1"; }

# A status of one check in a JSON report.
status_of() { json_get "$1" "next(c['status'] for c in j['checks'] if c['id']=='$2')"; }
# The ids of the checks with a status, space-separated, in order.
ids_with() { json_get "$1" "' '.join(c['id'] for c in j['checks'] if c['status']=='$2')"; }

# commit_refused MESSAGE: `git commit -m MESSAGE` fails, makes no commit, and
# leaves its output in $OUT / $ERR as run does.
commit_refused() {
  local before
  before=$(git rev-list --count HEAD)
  run git commit -m "$1"
  [ "$RC" -ne 0 ] || fail "the commit '$1' went through"
  expect_eq "$(git rev-list --count HEAD)" "$before" "no commit was made"
}
break_compose() { sed -i 's/^    image: redis:7-alpine/    imag: redis:7-alpine/' "$1/docker-compose.yml"; }
# Hooks print through git, which sends them to stderr: look in both.
expect_log() { grep -qF -- "$1" <<<"$OUT$ERR" || fail "output lacks: $1"; }
