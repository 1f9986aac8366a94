#!/usr/bin/env bash
# Pre-push through real `git push` to a local bare remote: every check on
# each pushed tip's tree; deletions skipped; the failing ref named.
. "$(dirname "$0")/lib.sh"

REMOTE=$WORK/remote.git
git init -q --bare "$REMOTE"
R=$WORK/repo
new_repo "$R"
cd "$R"
git remote add origin "$REMOTE"
run "$SMOKEHOOK" install
expect_rc 0

remote_ref() { git --git-dir="$REMOTE" rev-parse -q --verify "$1" 2>/dev/null || echo none; }

t "a good tip is pushed"
run git push -q origin main
expect_rc 0
expect_eq "$(remote_ref refs/heads/main)" "$(git rev-parse HEAD)"

t "a bad tip is refused and the remote ref is unchanged"
before=$(remote_ref refs/heads/main)
break_compose "$R"
git commit -qam "broken compose" --no-verify
run git push origin main
[ "$RC" -ne 0 ] || fail "push of a broken tip was allowed"
expect_log "refs/heads/main"
expect_log "unknown key 'imag'"
expect_eq "$(remote_ref refs/heads/main)" "$before"

t "the pushed commit is checked, not the working tree"
git checkout -q HEAD~1 -- docker-compose.yml   # the working tree is fine; HEAD is not
run git push origin main
[ "$RC" -ne 0 ] || fail "the working tree decided instead of the pushed commit"
git reset -q --hard HEAD~1

t "a new branch with good content is accepted"
git checkout -q -b feature
echo "# feature" >>server/worker.py
git commit -qam "feature" --no-verify
run git push -q origin feature
expect_rc 0
expect_eq "$(remote_ref refs/heads/feature)" "$(git rev-parse feature)"

t "a branch deletion is allowed"
run git push -q origin --delete feature
expect_rc 0
expect_eq "$(remote_ref refs/heads/feature)" "none"

t "two refs in one push, one bad: refused, the bad one named, neither updated"
git checkout -q main
git checkout -q -b good
echo "# good" >>README.md
git commit -qam good --no-verify
git checkout -q -b bad
sed -i 's/    release_call_slot()//' server/routes_twilio.py
git commit -qam "forget to release the slot" --no-verify
run git push origin good bad
[ "$RC" -ne 0 ] || fail "a push with one bad ref was allowed"
expect_log "refs/heads/bad"
expect_log "wiring.calls-slots"
expect_eq "$(remote_ref refs/heads/good)" "none"
expect_eq "$(remote_ref refs/heads/bad)" "none"

t "the JSON report has one entry per check per pushed ref"
z=0000000000000000000000000000000000000000
input="refs/heads/good $(git rev-parse good) refs/heads/good $z
refs/heads/bad $(git rev-parse bad) refs/heads/bad $z
(delete) $z refs/heads/gone $(git rev-parse main)
"
run_in "$input" "$SMOKEHOOK" --hook pre-push origin "$REMOTE" --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "(j['mode'], j['source'], len(j['checks']))")" "('push', 'push', 28)"
expect_eq "$(json_get "$OUT" "sorted({(c['ref'], c['commit'] == '$(git rev-parse bad)') for c in j['checks'] if c['status'] == 'fail'})")" \
  "[('refs/heads/bad', True)]"

t "malformed pre-push input is exit 2"
run_in "not a ref line" "$SMOKEHOOK" --hook pre-push origin "$REMOTE"
expect_rc 2
expect_err "line 1"

# A push reads a working-tree file instead of its blob only when the index's
# stat data proves them equal; these three would pass through a careless shortcut.
git checkout -q main
t "a working-tree edit of a pushed file, same size and mtime, does not decide the push"
printf 'URL = BAILEYS_BASE_URL\n' >server/leak.py
git add server/leak.py
git commit -qm "leak" --no-verify
stamp=$(stat -c %y server/leak.py)
printf 'URL = xxxxxxxxxxxxxxxx\n' >server/leak.py   # same size
touch -d "$stamp" server/leak.py                    # same mtime: only ctime tells
run git push origin main
[ "$RC" -ne 0 ] || fail "the edited working-tree file was read instead of the pushed blob"
expect_log "ssot.baileys-base-url"
git checkout -q -- server/leak.py

t "a clean working tree over a bad commit still refuses it; a fixed commit passes"
run git push origin main
[ "$RC" -ne 0 ] || fail "a forbidden word in the pushed tree was missed"
git rm -q server/leak.py
git commit -qm "no leak" --no-verify
run git push -q origin main
expect_rc 0

t "a clean filter makes blobs differ from files: the blob decides"
git config filter.upper.clean "tr a-z A-Z"
git config filter.upper.smudge cat
printf '*.py filter=upper\n' >.gitattributes
printf 'url = baileys_base_url\n' >server/lower.py   # the blob gets BAILEYS_BASE_URL
git add .gitattributes server/lower.py
git commit -qm "filtered" --no-verify
run git push origin main
[ "$RC" -ne 0 ] || fail "the working-tree file was read instead of the filtered blob"
expect_log "ssot.baileys-base-url"
git rm -q .gitattributes server/lower.py
git commit -qm "unfiltered" --no-verify

t "nothing to push, nothing to check"
run_in "" "$SMOKEHOOK" --hook pre-push origin "$REMOTE"
expect_rc 0

finish
