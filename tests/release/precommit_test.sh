#!/usr/bin/env bash
# The pre-commit framework installs smokehook itself: Debian 12's pre-commit,
# a clone of this repository as the hooks repository (`language: python`:
# setup.py depends on the smokehook wheel), the built wheels as the only
# package source (PIP_NO_INDEX=1 PIP_FIND_LINKS=DIR), no smokehook on PATH.
# `run --all-files` passes on the example and fails once an invariant is
# broken; a commit and a push through the framework's hooks are checked; the
# binary the framework runs is the wheel's, unwrapped.
# prek (SMOKEHOOK_NPM_DIR): its `language: python` needs uv, which it fetches
# from the network; when it cannot, that part says so and is skipped.
. "$(dirname "$0")/lib.sh"
need_artifacts
command -v pre-commit >/dev/null || { echo "SKIP: pre-commit is not installed (install/deps.sh --tests)"; exit 77; }
WHEEL=$ARTIFACTS/smokehook-$VERSION-py3-none-manylinux_2_17_$ARCH.whl
mkdir -p "$WORK/wheels" && cp "$ARTIFACTS"/*.whl "$WORK/wheels/"

# A clone of this repository: its files as git would commit them.
HOOKS=$WORK/smokehook-clone
mkdir -p "$HOOKS"
if git -C "$SMOKEHOOK_SOURCE" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$SMOKEHOOK_SOURCE" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$HOOKS"
else
  cp -R "$SMOKEHOOK_SOURCE/." "$HOOKS/"
fi
git -C "$HOOKS" init -q && git -C "$HOOKS" add -A && git -C "$HOOKS" commit -qm smokehook --no-verify
REV=$(git -C "$HOOKS" rev-parse HEAD)

export PIP_NO_INDEX=1 PIP_FIND_LINKS=$WORK/wheels PIP_DISABLE_PIP_VERSION_CHECK=1
export PRE_COMMIT_HOME=$WORK/pre-commit-cache PREK_HOME=$WORK/prek-cache
PATH=$(clean_path)
export PATH
command -v smokehook && fail "a smokehook is on PATH"

REMOTE=$WORK/remote.git
git init -q --bare "$REMOTE"
R=$WORK/repo
new_repo "$R"
cd "$R" || exit 1
git remote add origin "$REMOTE"
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $HOOKS
    rev: $REV
    hooks:
      - id: smokehook
      - id: smokehook-push
YAML
git add .pre-commit-config.yaml && git commit -qm "pre-commit" --no-verify
git push -q origin main --no-verify
BASE=$(git rev-parse HEAD)

t "pre-commit installs the hooks offline, smokehook from the wheel"
run pre-commit install --hook-type pre-commit --hook-type pre-push
expect_rc 0
run pre-commit install-hooks
expect_rc 0
INSTALLED=$(find "$PRE_COMMIT_HOME" -path '*/bin/smokehook' | head -1)
[ -n "$INSTALLED" ] || fail "no smokehook in the framework's environment"
python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sys.exit(z.read("smokehook-%s.data/scripts/smokehook" % sys.argv[3]) != open(sys.argv[2], "rb").read())' \
  "$WHEEL" "$INSTALLED" "$VERSION" || fail "$INSTALLED is not the wheel's binary, byte for byte"

t "pre-commit run --all-files passes on the example, running every check"
run pre-commit run --all-files --verbose
expect_rc 0
expect_out "smokehook (infrastructure checks)"
ALL=$(cd "$R" && "$INSTALLED" --all --color never 2>&1 | grep -c 'PASS')
expect_eq "$(grep -c 'PASS' <<<"$OUT")" "$ALL" "checks reported as run by run --all-files (as many as --all)"
expect_no_out "files changed"   # the passed-files mode's first line: --all-files must not run in it

t "pre-commit run --all-files fails once an invariant is broken (a file deleted: no passed file names it)"
git rm -q server/db_migrate.py && git commit -qm "no migrations" --no-verify
run pre-commit run --all-files
expect_rc 1
expect_log "db_migrate.py"
git reset -q --hard "$BASE"

t "a commit through the framework's hook: healthy goes through, a staged breakage is blocked"
echo "# fine" >>docker-compose.prod.yml && git add docker-compose.prod.yml
run git commit -m healthy
expect_rc 0
GOOD=$(git rev-parse HEAD)
break_compose "$R"
git add docker-compose.yml
commit_refused "broken compose"
expect_log "unknown key 'imag'"

t "a push through the framework's hook: a broken commit is refused, the remote unchanged"
git commit -qm "broken compose" --no-verify
run git push origin main
[ "$RC" -ne 0 ] || fail "the push of a broken commit went through"
expect_log "unknown key 'imag'"
expect_eq "$(git --git-dir="$REMOTE" rev-parse main)" "$BASE" "the remote's main"
git reset -q --hard "$GOOD"
run git push origin main
expect_rc 0

t "pip install smokehook (offline, the wheel) puts the binary itself in the environment's bin"
/usr/bin/python3 -m virtualenv -q "$WORK/venv" >/dev/null 2>&1 || /usr/bin/python3 -m venv "$WORK/venv"
run "$WORK/venv/bin/pip" install smokehook=="$VERSION"
expect_rc 0
run "$WORK/venv/bin/smokehook" --version
expect_out "smokehook $VERSION"
[ "$(head -c 4 "$WORK/venv/bin/smokehook")" = $'\x7fELF' ] || fail "the installed smokehook is not the binary itself"

t "prek installs the same hooks offline"
PREK=${SMOKEHOOK_NPM_DIR:-}/node_modules/.bin/prek
if [ ! -x "$PREK" ]; then
  echo "  (skipped: no prek in SMOKEHOOK_NPM_DIR)"
else
  run "$PREK" install-hooks
  if [ "$RC" -ne 0 ] && grep -qi "uv" <<<"$OUT$ERR"; then
    echo "  (skipped: prek's language: python needs uv, which it cannot fetch offline:"
    grep -i "uv" <<<"$OUT$ERR" | head -3 | sed 's/^/    /'
    echo "  )"
  else
    expect_rc 0
    run "$PREK" run --all-files
    expect_rc 0
    git rm -q server/db_migrate.py && git commit -qm "no migrations" --no-verify
    run "$PREK" run --all-files
    expect_rc 1
    expect_log "db_migrate.py"
    git reset -q --hard "$GOOD"
  fi
fi

finish
