#!/usr/bin/env bash
# The pre-commit framework (Debian's pre-commit package) runs this
# repository's .pre-commit-hooks.yaml, for both stages, with `try-repo`.
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
run pre-commit try-repo "$HOOKS" smokehook --verbose
expect_rc 0
expect_log "ALL 3 CHECKS PASSED"
git reset -q --hard

t "pre-commit stage: a broken staged file fails, whatever the working tree says"
break_compose "$R"
git add docker-compose.yml
git show HEAD:docker-compose.yml >docker-compose.yml   # the working tree is fine, the index is not
run pre-commit try-repo "$HOOKS" smokehook --verbose
[ "$RC" -ne 0 ] || fail "pre-commit passed a broken staged file"
expect_log "unknown key 'imag'"
git reset -q --hard

t "push stage: the pushed commit is checked"
echo "# fine" >>docker-compose.prod.yml
git commit -qam good --no-verify
break_compose "$R"
git commit -qam broken --no-verify
run pre-commit try-repo "$HOOKS" smokehook-push --hook-stage push --from-ref HEAD~1 --to-ref HEAD --verbose
[ "$RC" -ne 0 ] || fail "the push stage passed a broken commit"
expect_log "compose.base"
run pre-commit try-repo "$HOOKS" smokehook-push --hook-stage push --from-ref HEAD~2 --to-ref HEAD~1 --verbose
expect_rc 0
expect_log "ALL 14 CHECKS PASSED"

finish
