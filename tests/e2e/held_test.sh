#!/usr/bin/env bash
# Every commit as git holds it: a file the commit does not hold is missing in
# every mode but --all (the untracked .env stays the one exception); a
# .smokehook.yml git does not have is refused, not ignored; split and sparse
# indexes; merges (pre-merge-commit); submodules; a SHA-256 repository; and a
# server whose HEAD names a branch that does not exist.
. "$(dirname "$0")/lib.sh"

Z=0000000000000000000000000000000000000000
R=$WORK/repo
new_repo "$R"
cd "$R"
base=$(git rev-parse HEAD)

t "an overlay removed from the index fails its check, naming it, though it is still on disk"
git rm -q --cached docker-compose.prod.yml
run "$SMOKEHOOK" --format json
expect_rc 1 "staged mode"
expect_eq "$(status_of "$OUT" compose.prod)" "fail"
expect_out "compose file not found: docker-compose.prod.yml"
git commit -qm "the overlay leaves git" --no-verify
dropped=$(git rev-parse HEAD)
run "$SMOKEHOOK" --all --rev HEAD --format json
expect_rc 1 "--all --rev"
expect_eq "$(status_of "$OUT" compose.prod)" "fail"
run_in "refs/heads/main $dropped refs/heads/main $base
" "$SMOKEHOOK" --hook pre-push origin "file:///nowhere" --format json
expect_rc 1 "pre-push"
expect_out "compose file not found: docker-compose.prod.yml"
run "$SMOKEHOOK" --from-ref "$base" --to-ref HEAD --format json
expect_rc 1 "--from-ref"
expect_eq "$(status_of "$OUT" compose.prod)" "fail"
# --all reads the working tree, where the file still is (untracked, not ignored).
run "$SMOKEHOOK" --all --format json
expect_rc 0 "--all on the working tree"
git reset -q --hard "$base"

t "an untracked .env is still read from the working tree: the documented exception"
sed -i 's/^    image: redis:7-alpine/    image: redis:${REDIS_TAG:?REDIS_TAG is required}/' docker-compose.yml
git add docker-compose.yml
run env -u REDIS_TAG "$SMOKEHOOK" --only compose.base
expect_rc 1 "no .env: the variable is missing"
echo "REDIS_TAG=7-alpine" >.env  # ignored by the example's .gitignore
run env -u REDIS_TAG "$SMOKEHOOK" --only compose.base
expect_rc 0 "the untracked .env is read"
rm .env
git reset -q --hard "$base"

t "a label_file the commit does not hold is missing, even on disk"
sed -i 's/^    image: redis:7-alpine/    image: redis:7-alpine\n    label_file: redis.labels/' docker-compose.yml
echo "tier=cache" >redis.labels
git add docker-compose.yml
run "$SMOKEHOOK" --only compose.base --format json
expect_rc 1
expect_out "label file redis.labels not found"
git add redis.labels
run "$SMOKEHOOK" --only compose.base
expect_rc 0 "once added"
git reset -q --hard "$base"

t "a .smokehook.yml that git ignores or does not track: staged mode exits 2 naming it and saying git add"
echo '/*.yml' >>.gitignore
git commit -qam "ignore top-level yml" --no-verify
run "$SMOKEHOOK" init
expect_rc 0
sed -i 's/^services:/servics:/' docker-compose.yml
git add docker-compose.yml
run "$SMOKEHOOK"
expect_rc 2 "an ignored configuration"
expect_err ".smokehook.yml is in the working tree but not in the index"
expect_err "git add -f .smokehook.yml"
"$SMOKEHOOK" install >/dev/null
commit_refused "servics"
git checkout -q HEAD~1 -- .gitignore
run "$SMOKEHOOK"
expect_rc 2 "an untracked configuration"
expect_err "git add .smokehook.yml"
git add .smokehook.yml
run "$SMOKEHOOK"
expect_rc 1 "the configuration in the index checks the broken file"
"$SMOKEHOOK" uninstall >/dev/null
git reset -q --hard "$base"
rm -f .smokehook.yml

t "a split index is read with its shared index file"
git update-index --split-index
ls .git/sharedindex.* >/dev/null 2>&1 || fail "git wrote no shared index"
echo "# split" >>docker-compose.prod.yml && git add docker-compose.prod.yml
run "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "j['summary']['passed']")" "3"
sed -i 's/^    image: redis:7-alpine/    imag: redis:7-alpine/' docker-compose.yml && git add docker-compose.yml
run "$SMOKEHOOK" --format json
expect_rc 1 "a broken file staged over a split index"
expect_eq "$(status_of "$OUT" compose.base)" "fail"
git reset -q --hard "$base"
git update-index --no-split-index

t "a sparse index: folders outside the cone compared as trees, their files read from them"
git sparse-checkout set --sparse-index baileys >/dev/null 2>&1
git ls-files -s --sparse | grep -qP '^040000 .*\tserver/$' || fail "git did not write a sparse index"
echo "// x" >>baileys/index.js && git add baileys/index.js
run "$SMOKEHOOK" --format json
expect_rc 0 "a change inside the cone"
# A commit that breaks a file outside the cone, undone with reset --soft: the index keeps it in its folder's tree.
git sparse-checkout disable >/dev/null 2>&1
sed -i 's/register_metrics_endpoint(/register_metrics(/' server/app_factory.py
git commit -qam "break it" --no-verify
git sparse-checkout set --sparse-index baileys >/dev/null 2>&1
git reset -q --soft HEAD~1
git ls-files -s --sparse | grep -qP '^040000 .*\tserver/$' || fail "server/ is no longer a folder entry"
run "$SMOKEHOOK" --format json
expect_rc 1 "the staged breakage, outside the cone"
expect_eq "$(status_of "$OUT" wiring.metrics)" "fail"
git sparse-checkout disable >/dev/null 2>&1
git reset -q --hard "$base"

t "install and uninstall handle pre-merge-commit; a clean merge into a broken tree is refused"
printf '#!/bin/sh\necho foreign merge hook\n' >.git/hooks/pre-merge-commit
chmod +x .git/hooks/pre-merge-commit
cp .git/hooks/pre-merge-commit "$WORK/foreign"
run "$SMOKEHOOK" install
expect_rc 0
expect_out "installed $R/.git/hooks/pre-merge-commit"
grep -qax '# smokehook:managed-hook:v2' .git/hooks/pre-merge-commit || fail "no marker line in pre-merge-commit"
# Two branches, each valid alone: one renames redis, the other makes postgres depend on redis.
git checkout -q -b rename
sed -i 's/redis:6379/cache:6379/; s/^  redis:$/  cache:/' docker-compose.yml
git commit -qam "redis is now cache"
run "$SMOKEHOOK" --all --rev HEAD
expect_rc 0 "the rename alone"
git checkout -q main
sed -i 's/^    image: postgres:16$/    image: postgres:16\n    depends_on: [redis]/' docker-compose.yml
git commit -qam "postgres waits for redis"
run "$SMOKEHOOK" --all --rev HEAD
expect_rc 0 "the dependency alone"
before=$(git rev-parse HEAD)
run git merge --no-edit rename
[ "$RC" -ne 0 ] || fail "the merge went through"
expect_eq "$(git rev-parse HEAD)" "$before" "no merge commit was made"
expect_log "foreign merge hook"
expect_log "depends on undefined service 'redis'"
git merge --abort 2>/dev/null || git reset -q --hard "$before"
run "$SMOKEHOOK" uninstall
expect_rc 0
cmp -s .git/hooks/pre-merge-commit "$WORK/foreign" || fail "the foreign pre-merge-commit hook was not restored"
git reset -q --hard "$base"
git branch -qD rename

t "a staged submodule bump is a changed path, never read; checks naming it run"
git clone -q "$R" "$WORK/sub"
git -c protocol.file.allow=always submodule -q add "$WORK/sub" vendor/sub >/dev/null 2>&1
printf 'version: 1\nchecks:\n  - id: vendor.pinned\n    kind: forbid\n    word: DO-NOT-SHIP\n    paths: ["vendor/**"]\n' >.smokehook.yml
git add .smokehook.yml
git commit -qm "a submodule" --no-verify
git -C vendor/sub commit -q --allow-empty -m "moved"
git add vendor/sub
expect_eq "$(git diff --cached --name-only)" "vendor/sub" "git's view"
run "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(status_of "$OUT" vendor.pinned)" "pass" "the check naming the submodule ran"
run "$SMOKEHOOK"
expect_log "1 file changed, 1 of 1 check affected"
git reset -q --hard "$base"
rm -rf vendor .gitmodules .git/modules

t "a SHA-256 repository is refused in plain words"
git init -q --object-format=sha256 "$WORK/sha256" || fail "git cannot make a SHA-256 repository"
if [ -d "$WORK/sha256/.git" ]; then
  cp "$SMOKEHOOK_EXAMPLE/docker-compose.yml" "$WORK/sha256/"
  git -C "$WORK/sha256" add -A && git -C "$WORK/sha256" commit -qm one --no-verify
  for args in "" "--all" "install"; do
    # shellcheck disable=SC2086
    run "$SMOKEHOOK" -C "$WORK/sha256" $args
    expect_rc 2 "sha256: smokehook $args"
    expect_err "sha256 ids"
    grep -qF "unsupported extension" <<<"$ERR" && fail "libgit2's raw message"
  done
fi

t "a server whose HEAD names a missing branch: rules from the only branch, refused with several"
S=$WORK/server.git
git init -q --bare -b master "$S"
run "$SMOKEHOOK" -C "$S" install
expect_rc 0
expect_err "HEAD is unborn"
expect_err "refs/heads/master"
git remote add origin "$S"
run git push origin main
expect_rc 0 "the first push"
expect_log "the repository holds no branch yet"
printf 'version: 1\nchecks: []\n' >.smokehook.yml
sed -i 's/^    image: postgres:16$/    image: postgres:16\n    depends_on: [nothing-here]/' docker-compose.yml
git add -A && git commit -qm "weaker rules and a broken compose" --no-verify
run git push origin main
[ "$RC" -ne 0 ] || fail "a push weakening the rules was accepted: its own rules were used"
expect_log "the only branch, refs/heads/main, is the default one"
expect_log "compose.base"
git --git-dir="$S" update-ref refs/heads/other "$base"
run git push origin main
[ "$RC" -ne 0 ] || fail "with two branches and HEAD unborn the push was accepted"
expect_log "git symbolic-ref HEAD refs/heads/NAME"
expect_log "--config"
git --git-dir="$S" symbolic-ref HEAD refs/heads/main
run git push origin main
[ "$RC" -ne 0 ] || fail "the default branch's rules were not used"
expect_log "compose.base"
git reset -q --hard "$base"
echo "# fine" >>README.md && git commit -qam fine --no-verify
run git push origin main
expect_rc 0 "a good push once HEAD names main"

finish
