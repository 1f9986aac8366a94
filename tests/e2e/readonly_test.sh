#!/usr/bin/env bash
# The read-only promise: no mode changes the index (bytes or mtime), the
# working tree or git's state, or leaves a lock; staged mode reads nothing
# from the working tree.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"
git init -q --bare "$WORK/remote.git"
git remote add origin "$WORK/remote.git"
# Some staged and some unstaged work, an untracked file, an ignored .env.
echo "# staged" >>docker-compose.prod.yml && git add docker-compose.prod.yml
echo "# unstaged" >>server/worker.py
echo "notes" >untracked.txt
echo "API_PORT=9000" >.env

snapshot() {
  {
    sha256sum .git/index
    stat -c '%Y %y %s' .git/index
    git --no-optional-locks status --porcelain=v1 --untracked-files=all --ignored
    find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
    find .git -name '*.lock'
    find .git -newer "$WORK/stamp" -type f ! -name index
  } 2>&1
}

z=0000000000000000000000000000000000000000
head=$(git rev-parse HEAD)
modes=(
  "staged|"
  "hook pre-commit|--hook pre-commit"
  "all|--all"
  "all json|--all --format json"
  "rev|--all --rev HEAD"
  "list|list"
  "compose|compose -f docker-compose.yml -f docker-compose.prod.yml"
  "broken config|--config /nonexistent.yml"
)
touch "$WORK/stamp"
sleep 1.1
before=$(snapshot)
for m in "${modes[@]}"; do
  name=${m%%|*}
  args=${m#*|}
  t "read-only: $name"
  # shellcheck disable=SC2086
  run "$SMOKEHOOK" $args
  [ "$RC" -le 2 ] || fail "crashed with status $RC"
  after=$(snapshot)
  [ "$before" = "$after" ] || fail "the repository changed: $(diff <(echo "$before") <(echo "$after") | head -10)"
done

t "read-only: pre-push"
run_in "refs/heads/main $head refs/heads/main $z
" "$SMOKEHOOK" --hook pre-push origin "$WORK/remote.git"
expect_rc 0
after=$(snapshot)
[ "$before" = "$after" ] || fail "pre-push changed the repository"

t "read-only: during git commit -a (the hook reads index.lock, takes no lock of its own)"
"$SMOKEHOOK" install >/dev/null
echo "# more" >>docker-compose.yml
run git commit -qam "via -a"
expect_rc 0
[ -z "$(find .git -name '*.lock')" ] || fail "a lock file was left"
"$SMOKEHOOK" uninstall >/dev/null

t "staged mode reads nothing from the working tree"
W=$WORK/no-worktree
new_repo "$W"
cd "$W"
"$SMOKEHOOK" init --default >/dev/null
git add .smokehook.yml   # a configuration change: every check runs, every gate in full
# Make the working tree useless: every tracked file gone or broken.
git ls-files -z | xargs -0 rm -f
mkdir -p server && printf 'BAILEYS_BASE_URL\n' >server/app_factory.py
printf 'services: [broken\n' >docker-compose.yml
run "$SMOKEHOOK" --format json
expect_rc 0 "the index is good whatever the working tree holds"
expect_eq "$(json_get "$OUT" "j['summary']")" "{'passed': 14, 'failed': 0, 'skipped': 0}"
# And the other way round: a broken index with a perfect working tree fails.
git checkout -q -- . 2>/dev/null
git reset -q --hard
"$SMOKEHOOK" init --default >/dev/null
sed -i 's/release_call_slot()$/pass/' server/routes_twilio.py
git add .smokehook.yml server/routes_twilio.py
git checkout -q -- server/routes_twilio.py
run "$SMOKEHOOK" --format json
expect_rc 1
expect_eq "$(ids_with "$OUT" fail)" "wiring.calls-slots"

finish
