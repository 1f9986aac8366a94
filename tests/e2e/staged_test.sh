#!/usr/bin/env bash
# Staged mode through the installed pre-commit hook and real `git commit`:
# the index decides, never the working tree; only affected checks run.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"
run "$SMOKEHOOK" install
expect_rc 0

good_compose=$(cat docker-compose.yml)
restore() { git reset -q --hard; git clean -qfd; }

t "staged content broken, working tree fixed: the commit is blocked"
break_compose "$R"
git add docker-compose.yml
printf '%s\n' "$good_compose" >docker-compose.yml
run git commit -m "broken in the index"
[ "$RC" -ne 0 ] || fail "commit was allowed"
expect_log "❌ FAIL: Base docker-compose.yml valid"
expect_log "docker-compose.yml:35:5: unknown key 'imag'"
expect_eq "$(git rev-list --count HEAD)" "1" "no commit was made"
restore

t "staged content fine, working tree broken: the commit is allowed"
echo "# tuned" >>docker-compose.yml
git add docker-compose.yml
break_compose "$R"
run git commit -m "fine in the index"
expect_rc 0
expect_eq "$(git rev-list --count HEAD)" "2"
restore

t "git commit -a checks what -a stages (the index.lock git hands the hook)"
break_compose "$R"
run git commit -am "broken via -a"
[ "$RC" -ne 0 ] || fail "commit -a of a broken file was allowed"
expect_log "compose.base"
[ ! -e .git/index.lock ] || fail "index.lock left behind"
restore
echo "# fine" >>docker-compose.prod.yml
run git commit -am "fine via -a"
expect_rc 0

t "git commit -- PATH checks that path as it is on disk"
break_compose "$R"
git add docker-compose.yml
printf '%s\n' "$good_compose" >docker-compose.yml
echo "# touch" >>docker-compose.yml
run git commit -m "only this path" -- docker-compose.yml
expect_rc 0 "the path's working-tree content is fine"
restore
break_compose "$R"
run git commit -m "only this path, broken" -- docker-compose.yml
[ "$RC" -ne 0 ] || fail "commit -- PATH of a broken file was allowed"
restore

t "an unrelated file runs no check"
echo "more words" >>README.md
git add README.md
run "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(ids_with "$OUT" pass)" ""
expect_eq "$(json_get "$OUT" "(j['mode'], j['source'], j['summary']['skipped'])")" "('staged', 'index', 14)"
run git commit -m "docs"
expect_rc 0
expect_log "1 file changed, 0 of 14 checks affected"

# affected FILE... : the checks that run when these files change.
affected() {
  run "$SMOKEHOOK" --format json
  ids_with "$OUT" pass
}

t "each input kind selects exactly its checks"
echo "# x" >>docker-compose.prod.yml && git add docker-compose.prod.yml
expect_eq "$(affected)" "compose.prod compose.profile.combined migrate.ordering"
restore
echo "# x" >>docker-compose.yml && git add docker-compose.yml
expect_eq "$(affected)" "compose.base compose.prod compose.profile.multi-worker compose.profile.multi-shard compose.profile.combined migrate.service migrate.command migrate.ordering shards.volumes"
restore
echo "X=1" >>.env.defaults && git add .env.defaults
expect_eq "$(affected)" "compose.base compose.prod compose.profile.multi-worker compose.profile.multi-shard compose.profile.combined migrate.service migrate.command migrate.ordering shards.volumes"
restore
echo "# x" >>server/app_factory.py && git add server/app_factory.py
expect_eq "$(affected)" "ssot.baileys-base-url wiring.metrics"
restore
echo "# x" >>server/routes_twilio.py && git add server/routes_twilio.py
expect_eq "$(affected)" "ssot.baileys-base-url wiring.calls-capacity wiring.calls-slots"
restore
echo "// x" >>baileys/index.js && git add baileys/index.js
expect_eq "$(affected)" "ssot.baileys-base-url"
restore
"$SMOKEHOOK" init --default >/dev/null && git add .smokehook.yml
run "$SMOKEHOOK" --format json
expect_eq "$(json_get "$OUT" "j['summary']")" "{'passed': 14, 'failed': 0, 'skipped': 0}"
restore

t "the gate scans only the changed files, all of them when the configuration changes"
echo 'URL = "BAILEYS_BASE_URL"' >server/old_leak.py
git add server/old_leak.py && git commit -qm "a leak from before smokehook" --no-verify
echo "# x" >>server/worker.py && git add server/worker.py
run git commit -m "unrelated python change"
expect_rc 0
"$SMOKEHOOK" init --default >/dev/null && git add .smokehook.yml
run git commit -m "configuration change: everything in full"
[ "$RC" -ne 0 ] || fail "the old leak should be found when the configuration changes"
expect_log "server/old_leak.py:1:8"
git reset -q --hard HEAD~2

t "a leak in a staged file is blocked, at its line"
printf 'import os\nURL = os.environ["BAILEYS_BASE_URL"]\n' >server/new_leak.py
git add server/new_leak.py
run git commit -m "leak"
[ "$RC" -ne 0 ] || fail "leak committed"
expect_log "server/new_leak.py:2:19"
restore

t "deleting or renaming a required file is blocked"
git rm -q server/routes_twilio.py
run git commit -m "remove twilio routes"
[ "$RC" -ne 0 ] || fail "deletion allowed"
expect_log "wiring.calls-slots"
restore
git mv server/db_migrate.py server/migrations.py
run git commit -m "rename migrations"
[ "$RC" -ne 0 ] || fail "rename allowed"
expect_log "migrations.whatsapp-shard"
restore

t "the first commit on an unborn HEAD checks every staged file"
U=$WORK/unborn
mkdir -p "$U" && cp -R "$SMOKEHOOK_EXAMPLE/." "$U/" && git -C "$U" init -q
(cd "$U" && "$SMOKEHOOK" install >/dev/null)
break_compose "$U"
git -C "$U" add -A
run git -C "$U" commit -m first
[ "$RC" -ne 0 ] || fail "broken first commit allowed"
git -C "$U" checkout -q -- . 2>/dev/null || true
cp "$SMOKEHOOK_EXAMPLE/docker-compose.yml" "$U/docker-compose.yml"
git -C "$U" add -A
run git -C "$U" commit -m first
expect_rc 0
expect_log "ALL 14 CHECKS PASSED"

t "a merge commit is checked on the merge result"
git checkout -q -b feature
sed -i 's/memory: 1g/memory: 2g/' docker-compose.prod.yml
git commit -qam "feature: more memory"
git checkout -q main
sed -i 's/memory: 1g/memory: 512m/' docker-compose.prod.yml
git commit -qam "main: less memory"
git merge -q feature >/dev/null 2>&1
# A bad resolution of the conflict:
cp "$SMOKEHOOK_EXAMPLE/docker-compose.prod.yml" docker-compose.prod.yml
sed -i 's/          memory: 1g/          memroy: 1g/' docker-compose.prod.yml
git add docker-compose.prod.yml
run git commit --no-edit
[ "$RC" -ne 0 ] || fail "a broken merge resolution was committed"
expect_log "unknown key 'memroy'"
sed -i 's/memroy: 1g/memory: 1536m/' docker-compose.prod.yml
git add docker-compose.prod.yml
run git commit --no-edit
expect_rc 0
expect_eq "$(git rev-list --parents -n1 HEAD | wc -w)" "3" "a merge commit with two parents"

t "a .smokehook.yml is parsed once per text, kept in the user's cache under its blob id"
C=$WORK/cached
new_repo "$C"
cd "$C"
"$SMOKEHOOK" init --default >/dev/null && git add .smokehook.yml && git commit -qm "configuration" --no-verify
echo "# c" >>server/worker.py && git add server/worker.py
run "$SMOKEHOOK"
expect_rc 0
first=$OUT
entry=$(ls "$HOME/.cache/smokehook/$(git rev-parse :.smokehook.yml)-"* 2>/dev/null)
[ -f "$entry" ] || fail "no cache entry named by the configuration's blob id"
expect_eq "$(stat -c %a "$HOME/.cache/smokehook")" 700 "a private cache folder"
printf 'damaged' >"$entry"
run "$SMOKEHOOK"
expect_rc 0
expect_eq "$OUT" "$first" "the same run from a damaged entry"
! grep -qx damaged "$entry" || fail "the damaged entry was not written again"
# A hit reads the entry and leaves it be; a miss would write a new file in its place.
inode=$(stat -c %i "$entry")
run "$SMOKEHOOK"
expect_rc 0
expect_eq "$OUT" "$first" "the same run from the cache"
expect_eq "$(stat -c %i "$entry")" "$inode" "the entry read back, not parsed and written again"
sed -i 's/^version: 1/version: 2/' .smokehook.yml && git add .smokehook.yml
run "$SMOKEHOOK"
expect_rc 2
expect_err ".smokehook.yml:4:10: unsupported configuration version"
SMOKEHOOK_CACHE_DIR= run "$SMOKEHOOK"
expect_rc 2
expect_err ".smokehook.yml:4:10: unsupported configuration version"

finish
