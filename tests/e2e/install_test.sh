#!/usr/bin/env bash
# install / uninstall: nothing is ever lost, installing twice changes
# nothing, core.hooksPath and linked worktrees are honoured, and a hook whose
# binary is gone says what to do.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"
H=.git/hooks

t "an existing hook is kept, still runs first, and its failure fails the commit"
printf '#!/bin/sh\n# the team'"'"'s own hook\necho ran >>"%s/foreign.log"\nexit ${FOREIGN_EXIT:-0}\n' "$WORK" >$H/pre-commit
chmod 755 $H/pre-commit
cp -p $H/pre-commit "$WORK/original-hook"
run "$SMOKEHOOK" install
expect_rc 0
expect_out "kept the existing pre-commit hook"
grep -qx '# smokehook:managed-hook:v1' $H/pre-commit || fail "our hook is not installed"
cmp -s $H/pre-commit.smokehook-orig "$WORK/original-hook" || fail "the original hook was altered"
echo "# x" >>server/worker.py && git add server/worker.py
run git commit -m "with both hooks"
expect_rc 0
[ "$(cat "$WORK/foreign.log")" = ran ] || fail "the original hook did not run"
expect_log "1 file changed"
echo "# y" >>server/worker.py && git add server/worker.py
FOREIGN_EXIT=3 run git commit -m "the original hook fails"
[ "$RC" -ne 0 ] || fail "the original hook's failure did not fail the commit"
git reset -q --hard

t "installing twice changes nothing"
cp -p $H/pre-commit "$WORK/ours"
run "$SMOKEHOOK" install
expect_rc 0
expect_out "already installed"
cmp -s $H/pre-commit "$WORK/ours" || fail "second install rewrote the hook"
cmp -s $H/pre-commit.smokehook-orig "$WORK/original-hook" || fail "second install touched the kept hook"
[ ! -e $H/pre-commit.smokehook-orig.smokehook-orig ] || fail "the kept hook was kept twice"

t "uninstall restores the original byte for byte, mode included"
run "$SMOKEHOOK" uninstall
expect_rc 0
cmp -s $H/pre-commit "$WORK/original-hook" || fail "the original hook was not restored byte for byte"
expect_eq "$(stat -c %a $H/pre-commit)" "$(stat -c %a "$WORK/original-hook")"
[ ! -e $H/pre-commit.smokehook-orig ] || fail "the kept copy is still there"
[ ! -e $H/pre-push ] || fail "our pre-push hook is still there"
run "$SMOKEHOOK" uninstall
expect_rc 0
cmp -s $H/pre-commit "$WORK/original-hook" || fail "a second uninstall touched the hook"

t "a foreign pre-push hook receives git's refs too"
printf '#!/bin/sh\ncat >"%s/prepush.stdin"\n' "$WORK" >$H/pre-push
chmod 755 $H/pre-push
git init -q --bare "$WORK/remote.git"
git remote add origin "$WORK/remote.git"
run "$SMOKEHOOK" install
expect_rc 0
run git push -q origin main
expect_rc 0
grep -q "^refs/heads/main $(git rev-parse HEAD) refs/heads/main" "$WORK/prepush.stdin" || fail "the original pre-push hook lost its stdin"
run "$SMOKEHOOK" uninstall
expect_rc 0

t "core.hooksPath is where the hooks go"
git config core.hooksPath .githooks
run "$SMOKEHOOK" install
expect_rc 0
[ -x .githooks/pre-commit ] || fail "not installed into core.hooksPath"
break_compose "$R"
run git commit -qam broken
[ "$RC" -ne 0 ] || fail "the hook in core.hooksPath did not run"
git reset -q --hard
run "$SMOKEHOOK" uninstall
expect_rc 0
[ ! -e .githooks/pre-commit ] || fail "uninstall left the hook in core.hooksPath"
git config --unset core.hooksPath

t "a core.hooksPath outside the repository needs --force"
git config core.hooksPath "$WORK/shared-hooks"
run "$SMOKEHOOK" install
expect_rc 2
expect_err "--force"
[ ! -e "$WORK/shared-hooks/pre-commit" ] || fail "installed without --force"
run "$SMOKEHOOK" install --force
expect_rc 0
[ -x "$WORK/shared-hooks/pre-commit" ] || fail "--force did not install"
"$SMOKEHOOK" uninstall >/dev/null
git config --unset core.hooksPath

t "a linked worktree shares the common hooks and checks its own index"
run "$SMOKEHOOK" install
W=$WORK/linked
git worktree add -q "$W" -b side
run "$SMOKEHOOK" -C "$W" install
expect_out "already installed"
break_compose "$W"
git -C "$W" add docker-compose.yml
run git -C "$W" commit -m "broken in the worktree"
[ "$RC" -ne 0 ] || fail "the hook did not guard the linked worktree"
expect_log "compose.base"
git -C "$W" reset -q --hard
echo "# fine" >>"$W/docker-compose.prod.yml"
git -C "$W" add docker-compose.prod.yml
run git -C "$W" commit -m "fine in the worktree"
expect_rc 0

t "a binary that moved away: a clear message, and the commit is not let through silently"
mkdir -p "$WORK/bin"
cp "$SMOKEHOOK" "$WORK/bin/smokehook"
"$SMOKEHOOK" uninstall >/dev/null
run "$WORK/bin/smokehook" install
expect_rc 0
rm "$WORK/bin/smokehook"
echo "# z" >>server/worker.py && git add server/worker.py
PATH=/usr/bin:/bin run git commit -m "binary gone"
[ "$RC" -ne 0 ] || fail "commit went through without its check"
expect_err "cannot find smokehook"
expect_err "git commit --no-verify"
expect_err "smokehook uninstall"

t "install outside a repository is exit 2"
mkdir -p "$WORK/plain"
run "$SMOKEHOOK" -C "$WORK/plain" install
expect_rc 2
expect_err "not a git repository"

finish
