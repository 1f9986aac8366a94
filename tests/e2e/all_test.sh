#!/usr/bin/env bash
# smokehook --all: the working tree, --rev, folders, configuration, output.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"

t "--all passes every default check on the example"
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "ALL 14 CHECKS PASSED ✅"
[ "$(grep -c '✅ PASS:' <<<"$OUT")" -eq 14 ] || fail "expected 14 PASS lines"

t "--format json follows the contract"
run "$SMOKEHOOK" --all --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "j['mode'], j['source'], len(j['checks']), j['summary']")" \
  "all worktree 14 {'passed': 14, 'failed': 0, 'skipped': 0}"
expect_eq "$(json_get "$OUT" "sorted(j['checks'][0].keys())")" \
  "['duration_ms', 'findings', 'id', 'message', 'status', 'title']"

t "an untracked file counts, an ignored one does not"
echo 'URL = "BAILEYS_BASE_URL"' >server/ignored_leak.py
echo 'server/ignored_leak.py' >>.git/info/exclude
run "$SMOKEHOOK" --all
expect_rc 0 "ignored file"
echo 'import os; URL = os.environ["BAILEYS_BASE_URL"]' >server/leak.py
run "$SMOKEHOOK" --all --format json
expect_rc 1
expect_eq "$(ids_with "$OUT" fail)" "ssot.baileys-base-url"
expect_eq "$(json_get "$OUT" "[ (f['path'], f['line'], f['column']) for c in j['checks'] for f in c['findings']]")" \
  "[('server/leak.py', 1, 30)]"
rm server/leak.py server/ignored_leak.py

t "--all --rev reads the commit, not the working tree"
break_compose "$R"
git commit -qam "broken" --no-verify
git checkout -q HEAD~1 -- docker-compose.yml
run "$SMOKEHOOK" --all
expect_rc 0 "working tree is fixed"
run "$SMOKEHOOK" --all --rev HEAD --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "j['source']")" "$(git rev-parse HEAD)"
expect_eq "$(status_of "$OUT" compose.base)" "fail"
run "$SMOKEHOOK" --all --rev HEAD~1
expect_rc 0
run "$SMOKEHOOK" --all --rev no-such-rev
expect_rc 2
expect_err "unknown revision"
git reset -q --hard HEAD~1

t "outside a repository --all checks the folder"
F=$WORK/folder
mkdir -p "$F" && cp -R "$SMOKEHOOK_EXAMPLE/." "$F/"
run "$SMOKEHOOK" -C "$F" --all
expect_rc 0
expect_out "ALL 14 CHECKS PASSED"
run "$SMOKEHOOK" -C "$F"
expect_rc 2 "staged mode needs a repository"
expect_err "not a git repository"

t "a broken .smokehook.yml is exit 2 with file:line:col"
printf 'version: 1\nchecks:\n  - id: a\n    kind: forbidd\n    word: X\n' >.smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 2
expect_err ".smokehook.yml:4:11: unknown check kind 'forbidd' (did you mean 'forbid'?)"
printf 'version: 1\nchecks:\n  - id: a\n    kind: forbid\n    pattern: "(unclosed"\n' >.smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 2
expect_err ".smokehook.yml:5:14: invalid regex"
printf 'version: 1\nchecks:\n  - {id: a, kind: require, path: x, literals: [y]}\n  - {id: a, kind: require, path: x, literals: [y]}\n' >.smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 2
expect_err ".smokehook.yml:4:10: duplicate check id 'a'"
printf 'version: 1\nchecks: [\n' >.smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 2
expect_err ".smokehook.yml:"

t "a custom configuration replaces the default"
printf 'version: 1\nchecks:\n  - id: no-todo\n    kind: forbid\n    word: TODO\n    paths: ["*.py"]\n' >.smokehook.yml
echo "# TODO: remove" >>server/worker.py
run "$SMOKEHOOK" --all --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "[c['id'] for c in j['checks']]")" "['no-todo']"
git checkout -q -- server/worker.py
rm .smokehook.yml

t "--config names another file"
printf 'version: 1\nchecks:\n  - {id: r, kind: require, path: server/worker.py, literals: [argparse]}\n' >"$WORK/custom.yml"
run "$SMOKEHOOK" --all --config "$WORK/custom.yml" --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "[c['id'] for c in j['checks']]")" "['r']"

t "--only and SMOKEHOOK_SKIP"
run "$SMOKEHOOK" --all --only compose.base,wiring.metrics --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "[c['id'] for c in j['checks']]")" "['compose.base', 'wiring.metrics']"
run "$SMOKEHOOK" --all --only compose.bsae
expect_rc 2
expect_err "did you mean 'compose.base'"
sed -i 's/    register_metrics_endpoint(app)//' server/app_factory.py
run "$SMOKEHOOK" --all
expect_rc 1
SMOKEHOOK_SKIP=wiring.metrics run "$SMOKEHOOK" --all --format json
expect_rc 0
expect_eq "$(status_of "$OUT" wiring.metrics)" "skip"
git checkout -q -- server/app_factory.py

t "colour: never when piped, always when asked, NO_COLOR respected"
run "$SMOKEHOOK" --all
if grep -q $'\033' <<<"$OUT"; then fail "escape codes in piped output"; fi
run "$SMOKEHOOK" --all --color always
grep -q $'\033\\[32m' <<<"$OUT" || fail "--color always has no escape codes"
NO_COLOR=1 run "$SMOKEHOOK" --all --color always
grep -q $'\033' <<<"$OUT" || fail "--color always should win over NO_COLOR"
run "$SMOKEHOOK" --all --color sometimes
expect_rc 2

t "-q prints failures and the summary only"
run "$SMOKEHOOK" --all -q
expect_rc 0
expect_no_out "✅ PASS:"
expect_out "14 checks passed"

t "init --default writes the default, never overwrites; list shows triggers"
run "$SMOKEHOOK" init --default
expect_rc 0
[ -f .smokehook.yml ] || fail "no .smokehook.yml written"
run "$SMOKEHOOK" --all
expect_rc 0
run "$SMOKEHOOK" init --default
expect_rc 2
expect_err "already exists"
run "$SMOKEHOOK" list
expect_rc 0
expect_out "compose.prod"
grep -q "^compose.prod .*docker-compose.prod.yml" <<<"$OUT" || fail "list: compose.prod triggers"
grep -q "^ssot.baileys-base-url .*\*.py" <<<"$OUT" || fail "list: ssot globs"
rm .smokehook.yml

t "usage errors exit 2"
for args in "--bogus" "--full" "--hook post-commit" "instal" "--format xml"; do
  # shellcheck disable=SC2086
  run "$SMOKEHOOK" $args
  expect_rc 2 "$args"
done
run "$SMOKEHOOK" instal
expect_err "did you mean 'install'"
run "$SMOKEHOOK" --version
expect_rc 0
expect_out "smokehook 0.3.0"
run "$SMOKEHOOK" --help
expect_rc 0

t "compose prints the merged model; an invalid project exits 1 with file:line:col"
run "$SMOKEHOOK" compose -f docker-compose.yml -f docker-compose.prod.yml --profile multi-shard --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "sorted(j['services'])")" \
  "['api', 'baileys', 'baileys-2', 'migrate', 'postgres', 'redis', 'worker']"
expect_eq "$(json_get "$OUT" "j['services']['api']['depends_on']['migrate']")" \
  "{'condition': 'service_completed_successfully', 'required': True}"
run "$SMOKEHOOK" compose
expect_rc 0
expect_out "services:"
break_compose "$R"
run "$SMOKEHOOK" compose
expect_rc 1
expect_err "docker-compose.yml:35:5: unknown key 'imag'"
git checkout -q -- docker-compose.yml

t "compose warns once per unset variable, naming the first place, as docker compose does"
mkdir -p "$R/warn"
printf 'services:\n  a:\n    image: "x${UNSET_TAG}"\n    labels: ["${UNSET_TAG}", "${OTHER_UNSET}"]\n' >"$R/warn/compose.yaml"
run env -u UNSET_TAG -u OTHER_UNSET "$SMOKEHOOK" compose -p x -f "$R/warn/compose.yaml" --format json
expect_rc 0
expect_eq "$(grep -c 'UNSET_TAG" variable is not set' <<<"$ERR")" 1
expect_err 'compose.yaml:3:12: the "UNSET_TAG" variable is not set'
expect_err '"OTHER_UNSET" variable is not set'

finish
