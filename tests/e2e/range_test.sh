#!/usr/bin/env bash
# CI ranges: `smokehook --from-ref A --to-ref B` runs the checks `git diff
# A...B` affects, on B's tree from the object database. Its verdicts equal
# staged mode's for the same change (the merge base checked out, B's tree in
# the index) on scripted and random histories; the working tree never decides;
# a shallow clone works; bad refs and bad combinations are usage errors.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R" || exit 1
SEED=$(git rev-parse HEAD)

# verdicts JSON: "id status finding-paths" per check, one line each (messages
# differ: "not affected by the changes" against "... the staged changes").
verdicts() {
  python3 -c '
import json, sys
j = json.loads(sys.argv[1])
print(j["mode"], j["source"])
for c in j["checks"]:
    print(c["id"], c["status"], ",".join(sorted("%s:%s" % (f.get("path", ""), f.get("line", "")) for f in c["findings"])))
' "$1"
}

# same_as_staged A B: range mode's verdicts on A...B equal staged mode's with
# the merge base checked out and B's tree staged.
same_as_staged() {
  local a=$1 b=$2 head range staged
  head=$(git rev-parse HEAD)
  run "$SMOKEHOOK" --from-ref "$a" --to-ref "$b" --format json
  [ "$RC" -le 1 ] || { fail "range $a...$b: exit $RC"; return; }
  range=$(verdicts "$OUT")
  local rc_range=$RC
  expect_eq "$(head -1 <<<"$range")" "range $(git rev-parse "$b^{commit}")" "$a...$b: mode and source"
  git checkout -q --detach "$(git merge-base "$a" "$b")" && git read-tree "$b"
  run "$SMOKEHOOK" --format json
  staged=$(verdicts "$OUT")
  git reset -q --hard && git checkout -q --detach "$head"
  expect_eq "$(tail -n +2 <<<"$range")" "$(tail -n +2 <<<"$staged")" "$a...$b: range against staged"
  expect_eq "$rc_range" "$RC" "$a...$b: exit status"
}

t "one branch that breaks compose: only what it affects runs, and fails"
git checkout -q -b broken
break_compose "$R"
git commit -qam broken --no-verify
git checkout -q main
echo "# later" >>README.md && git commit -qam later --no-verify   # main moves on: A is not the merge base
run "$SMOKEHOOK" --from-ref main --to-ref broken --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "j['mode']")" "range"
expect_eq "$(json_get "$OUT" "j['source']")" "$(git rev-parse broken)"
expect_eq "$(status_of "$OUT" compose.base)" "fail"
expect_eq "$(status_of "$OUT" wiring.metrics)" "skip"
expect_eq "$(json_get "$OUT" "j['summary']['skipped']")" "5" "the five checks that do not read docker-compose.yml"
same_as_staged main broken
run "$SMOKEHOOK" --from-ref broken --to-ref main --format json
expect_rc 0
expect_eq "$(ids_with "$OUT" pass)" "" "main's own change (README) affects nothing"

t "human report: how many files changed and how many checks they affect"
run "$SMOKEHOOK" --from-ref main --to-ref broken
expect_rc 1
expect_out "1 file changed, 9 of 14 checks affected"
expect_out "unknown key 'imag'"

t "B's tree decides, whatever the working tree holds"
git checkout -q broken
git show main:docker-compose.yml >docker-compose.yml   # the working tree is healthy, B is not
run "$SMOKEHOOK" --from-ref main --to-ref broken
expect_rc 1
git checkout -q -- . && git checkout -q -b good-topic main
echo "# fine" >>docker-compose.yml && git commit -qam fine --no-verify
break_compose "$R"                                         # now B is healthy and the working tree broken
run "$SMOKEHOOK" --from-ref main --to-ref good-topic
expect_rc 0
expect_out "ALL 9 CHECKS PASSED"
git checkout -q -- . && git checkout -q main

t "without --to-ref, B is HEAD"
git checkout -q broken
run "$SMOKEHOOK" --from-ref main --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "j['source']")" "$(git rev-parse broken)"
git checkout -q main

t "a deleted required file and a renamed one fail their check"
git checkout -q -b deleted
git rm -q server/db_migrate.py && git mv server/routes_twilio.py server/routes.py
git commit -qm deleted --no-verify
run "$SMOKEHOOK" --from-ref main --to-ref deleted --format json
expect_rc 1
expect_eq "$(status_of "$OUT" migrations.whatsapp-shard)" "fail"
expect_eq "$(status_of "$OUT" wiring.calls-slots)" "fail"
same_as_staged main deleted
git checkout -q main

# Random histories: branches from random commits, random edits that break,
# fix or do not touch checks, merges; range mode against staged mode on random pairs.
edit() {
  case $1 in
    0) break_compose "$R" ;;
    1) git show "$SEED:docker-compose.yml" >docker-compose.yml ;;
    2) echo "url = BAILEYS_BASE_URL" >>server/worker.py ;;
    3) git show "$SEED:server/worker.py" >server/worker.py ;;
    4) sed -i 's/register_metrics_endpoint(app)/pass/' server/app_factory.py ;;
    5) git show "$SEED:server/app_factory.py" >server/app_factory.py ;;
    6) rm -f server/db_migrate.py ;;
    7) git show "$SEED:server/db_migrate.py" >server/db_migrate.py ;;
    8) echo "# note $RANDOM" >>README.md ;;
    9) echo "# prod $RANDOM" >>docker-compose.prod.yml ;;
    10) sed -i 's/whatsapp_auth_shard2/whatsapp_auth/' docker-compose.yml ;;
    11) [ -f .smokehook.yml ] && git rm -q .smokehook.yml || "$SMOKEHOOK" init >/dev/null ;;
    12) mkdir -p docs && echo "doc $RANDOM" >"docs/n$((RANDOM % 3)).md" ;;
    13) [ -f server/calls.py ] && git mv -f server/calls.py server/calls2.py || git mv -f server/calls2.py server/calls.py ;;
  esac
}

t "random histories: range mode selects and decides exactly as staged mode"
RANDOM=17
commits=(main)
for round in $(seq 1 10); do
  git checkout -q -b "r$round" "${commits[RANDOM % ${#commits[@]}]}"
  for _ in $(seq $((1 + RANDOM % 3))); do edit $((RANDOM % 14)); done
  git add -A && git commit -q --allow-empty -m "r$round" --no-verify
  if [ $((round % 4)) -eq 0 ]; then
    git merge -q --no-edit -X ours "${commits[RANDOM % ${#commits[@]}]}" >/dev/null 2>&1 ||
      { git checkout -q --ours . 2>/dev/null; git add -A; git commit -q --no-edit --no-verify; }
  fi
  commits+=("r$round")
done
git checkout -q main
fails_before=$FAILS
for _ in $(seq 1 10); do
  same_as_staged "${commits[RANDOM % ${#commits[@]}]}" "${commits[RANDOM % ${#commits[@]}]}"
done
expect_eq "$FAILS" "$fails_before" "every random pair agreed"

t "a bare repository: no working tree needed"
git clone -q --bare "$R" "$WORK/bare.git"
run "$SMOKEHOOK" -C "$WORK/bare.git" --from-ref main --to-ref broken --format json
expect_rc 1
expect_eq "$(status_of "$OUT" compose.base)" "fail"

t "a shallow CI clone holding A and B, with no merge base: every check, and it says so"
git -C "$R" checkout -q broken
git clone -q --depth 1 --branch broken "file://$R" "$WORK/shallow"
git -C "$WORK/shallow" fetch -q --depth 1 origin main:refs/remotes/origin/main
cd "$WORK/shallow" || exit 1
run "$SMOKEHOOK" --from-ref origin/main --to-ref HEAD --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "j['summary']['skipped']")" "0" "every check ran"
expect_eq "$(status_of "$OUT" compose.base)" "fail"
json_get "$OUT" "j['message']" | grep -q "no merge base" || fail "the JSON message does not say why every check ran"
expect_err "no merge base"
run "$SMOKEHOOK" --from-ref origin/main --to-ref HEAD
expect_out "no merge base of origin/main...HEAD is reachable"
expect_out "shallow"

t "a shallow clone deep enough to hold the merge base selects as usual"
git fetch -q --deepen 5 origin
run "$SMOKEHOOK" --from-ref origin/main --to-ref HEAD --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "j['summary']['skipped']")" "5"
cd "$R" || exit 1

t "errors: unknown refs, and --from-ref with --all, --rev or --hook"
run "$SMOKEHOOK" --from-ref nosuch
expect_rc 2
expect_err "--from-ref"
run "$SMOKEHOOK" --from-ref main --to-ref nosuch
expect_rc 2
expect_err "--to-ref"
run "$SMOKEHOOK" --from-ref main --all
expect_rc 2
run "$SMOKEHOOK" --from-ref main --rev HEAD
expect_rc 2
run "$SMOKEHOOK" --from-ref main --all --rev HEAD
expect_rc 2
run "$SMOKEHOOK" --to-ref main
expect_rc 2
run "$SMOKEHOOK" --from-ref main --hook pre-commit
expect_rc 2
mkdir -p "$WORK/plain" && cd "$WORK/plain" || exit 1
run "$SMOKEHOOK" --from-ref main
expect_rc 2
cd "$R" || exit 1

finish
