#!/usr/bin/env bash
# install / uninstall: nothing is ever lost, installing twice changes
# nothing, core.hooksPath and linked worktrees are honoured, and a hook whose
# binary is gone says what to do. Run twice by ctest: once with the compiled
# hook, once with SMOKEHOOK_HOOK_SCRIPT=1 (the shell hook).
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"
H=.git/hooks

t "the form of hook this build installs"
run "$SMOKEHOOK" install
expect_rc 0
if [ "${SMOKEHOOK_HOOK_SCRIPT:-}" = 1 ]; then
  expect_eq "$(head -1 $H/pre-commit)" "#!/bin/sh" "the shell hook"
  sh -n $H/pre-commit || fail "the shell hook is not valid sh"
elif [ "$(uname -s)" = Linux ] && case $(uname -m) in x86_64 | aarch64) true ;; *) false ;; esac; then
  expect_eq "$(head -c 4 $H/pre-commit | od -An -c | tr -d ' ')" '177ELF' "the compiled hook"
fi
grep -qax '# smokehook:managed-hook:v2' $H/pre-commit || fail "no marker line in the hook"
run "$SMOKEHOOK" uninstall
expect_rc 0
[ ! -e $H/pre-commit ] && [ ! -e $H/pre-push ] || fail "uninstall left a hook behind"

t "an existing hook is kept, still runs first, and its failure fails the commit"
printf '#!/bin/sh\n# the team'"'"'s own hook\necho ran >>"%s/foreign.log"\nexit ${FOREIGN_EXIT:-0}\n' "$WORK" >$H/pre-commit
chmod 755 $H/pre-commit
cp -p $H/pre-commit "$WORK/original-hook"
run "$SMOKEHOOK" install
expect_rc 0
expect_out "kept the existing pre-commit hook"
grep -qax '# smokehook:managed-hook:v2' $H/pre-commit || fail "our hook is not installed"
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

t "a foreign pre-push hook receives git's refs and arguments too"
printf '#!/bin/sh\ncat >"%s/prepush.stdin"\necho "$@" >"%s/prepush.args"\n' "$WORK" "$WORK" >$H/pre-push
chmod 755 $H/pre-push
git init -q --bare "$WORK/remote.git"
git remote add origin "$WORK/remote.git"
run "$SMOKEHOOK" install
expect_rc 0
run git push -q origin main
expect_rc 0
grep -q "^refs/heads/main $(git rev-parse HEAD) refs/heads/main" "$WORK/prepush.stdin" || fail "the original pre-push hook lost its stdin"
expect_eq "$(cat "$WORK/prepush.args")" "origin $WORK/remote.git" "the original pre-push hook's arguments"
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

t "a binary that moved onto PATH is found there"
mkdir -p "$WORK/bin" "$WORK/moved"
cp "$SMOKEHOOK" "$WORK/bin/smokehook"
run "$WORK/bin/smokehook" install
expect_rc 0
mv "$WORK/bin/smokehook" "$WORK/moved/smokehook"
break_compose "$R"
PATH="$WORK/moved:/usr/bin:/bin" run git commit -qam "broken, binary moved"
[ "$RC" -ne 0 ] || fail "the hook did not run smokehook from PATH"
expect_log "compose.base"
git reset -q --hard
echo "# fine" >>server/worker.py && git add server/worker.py
PATH="$WORK/moved:/usr/bin:/bin" run git commit -qm "fine, binary moved"
expect_rc 0
rm -f "$WORK/moved/smokehook"

t "a kept hook without a #! line runs through sh, as git runs it"
printf 'echo kept-ran >"%s/nosheb.log"\nexit 5\n' "$WORK" >$H/pre-commit.smokehook-orig
chmod 755 $H/pre-commit.smokehook-orig
"$SMOKEHOOK" install >/dev/null
echo "# w" >>server/worker.py && git add server/worker.py
run git commit -qm "kept hook fails"
[ "$RC" -ne 0 ] || fail "the kept hook's failure did not fail the commit"
expect_eq "$(cat "$WORK/nosheb.log")" kept-ran "the kept hook ran"
git reset -q --hard

t "a kept hook killed by a signal blocks the commit and says so"
printf '#!/bin/sh\nkill -9 $$\n' >$H/pre-commit.smokehook-orig
echo "# v" >>server/worker.py && git add server/worker.py
commit_refused "kept hook killed"
expect_err "interrupted (signal 9)"
git reset -q --hard
"$SMOKEHOOK" uninstall >/dev/null
[ -e $H/pre-commit ] && ! grep -qa smokehook:managed-hook $H/pre-commit || fail "uninstall did not put the kept hook back"
rm -f $H/pre-commit

t "a hook of an earlier smokehook (v1) is replaced, not kept"
printf '#!/bin/sh\n# smokehook:managed-hook:v1\nexit 0\n' >$H/pre-commit
chmod 755 $H/pre-commit
run "$SMOKEHOOK" install
expect_rc 0
[ ! -e $H/pre-commit.smokehook-orig ] || fail "the earlier smokehook hook was kept as a foreign one"
grep -qax '# smokehook:managed-hook:v2' $H/pre-commit || fail "the earlier hook was not replaced"
"$SMOKEHOOK" uninstall >/dev/null

t "a bare repository gets pre-receive alone; a working repository never does"
B=$WORK/bare.git
git init -q --bare "$B"
run "$SMOKEHOOK" -C "$B" install
expect_rc 0
[ -x "$B/hooks/pre-receive" ] || fail "no pre-receive hook in the bare repository"
[ ! -e "$B/hooks/pre-commit" ] && [ ! -e "$B/hooks/pre-push" ] || fail "client hooks in a bare repository"
run "$SMOKEHOOK" -C "$B" install
expect_out "already installed"
run "$SMOKEHOOK" -C "$B" uninstall
expect_rc 0
[ ! -e "$B/hooks/pre-receive" ] || fail "uninstall left the pre-receive hook"
printf '#!/bin/sh\nexit 0\n' >$H/pre-receive && chmod 755 $H/pre-receive
run "$SMOKEHOOK" install
expect_rc 0
expect_no_out "pre-receive"
run "$SMOKEHOOK" uninstall
expect_rc 0
expect_no_out "pre-receive"
[ -x $H/pre-receive ] || fail "uninstall touched a working repository's own pre-receive"
rm $H/pre-receive

t "install outside a repository is exit 2"
mkdir -p "$WORK/plain"
run "$SMOKEHOOK" -C "$WORK/plain" install
expect_rc 2
expect_err "not a git repository"

finish
