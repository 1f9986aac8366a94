#!/usr/bin/env bash
# What the report says, and how often: a commit that touches no check is one
# line; one mistake in a file that several checks load is one finding, naming
# the checks it fails; a variable's warning once, and only for files the run
# loads; YAML mistakes named at their place; --env-file reads any readable file.
. "$(dirname "$0")/lib.sh"
unset DEV_TAG APP_TAG COMPOSE_PROFILES COMPOSE_FILE COMPOSE_PROJECT_NAME

repo() {
  git -C "$1" init -q
  git -C "$1" add -A
  git -C "$1" commit -q -m "start" --no-verify
}

# A project shaped like langfuse's: a base whose anchor many services share, an overlay on it, a
# profile, and a development file run alone (its comment names the base file).
R=$WORK/app
mkdir -p "$R"
cat >"$R/docker-compose.yml" <<'EOF'
x-worker: &worker
  image: app:${APP_TAG:-dev}
  depends_on: &after-db
    db:
      condition: service_started
services:
  db:
    image: postgres:16
  web:
    <<: *worker
  worker:
    <<: *worker
  worker-2:
    <<: *worker
    profiles: [scale]
EOF
cat >"$R/docker-compose.prod.yml" <<'EOF'
services:
  web:
    restart: always
EOF
cat >"$R/docker-compose.dev.yml" <<'EOF'
# run alone: docker compose -f docker-compose.dev.yml up (not with docker-compose.yml)
services:
  dev:
    image: dev:${DEV_TAG}
    environment:
      TAG: ${DEV_TAG}
EOF
cat >"$R/.smokehook.yml" <<'EOF'
version: 1
checks:
  - id: compose.base
    kind: compose-valid
    files: [docker-compose.yml]
  - id: compose.prod
    kind: compose-valid
    files: [docker-compose.yml, docker-compose.prod.yml]
  - id: compose.scale
    kind: compose-valid
    files: [docker-compose.yml]
    profiles: [scale]
    require_enabled: [worker-2]
  - id: compose.dev
    kind: compose-valid
    files: [docker-compose.dev.yml]
  - id: db.first
    kind: compose-depends
    files: [docker-compose.yml, docker-compose.prod.yml]
    profiles: [scale]
    services: ["worker*"]
    depend_on: db
EOF
echo "# app" >"$R/README.md"
repo "$R"
cd "$R"

t "a commit that affects no check: one line, and the JSON report still lists every check as skipped"
echo "more" >>README.md
git add README.md
run "$SMOKEHOOK"
expect_rc 0
expect_eq "$OUT" "smokehook: 1 file changed, 0 of 5 checks affected: nothing to run ✅"
run "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "[c['status'] for c in j['checks']]")" "['skip', 'skip', 'skip', 'skip', 'skip']"
expect_eq "$(json_get "$OUT" "j['summary']")" "{'passed': 0, 'failed': 0, 'skipped': 5}"
run "$SMOKEHOOK" --format junit
expect_eq "$(grep -c '<skipped' <<<"$OUT")" "5"
run git commit -q -m "readme"
expect_rc 0
git reset -q --hard

t "-v still lists the unaffected checks, with the banner"
echo "more" >>README.md
git add README.md
run "$SMOKEHOOK" -v
expect_rc 0
expect_out "SKIP: compose.base (not affected by the staged changes)"
expect_out "NO CHECK TO RUN"
git reset -q --hard

t "one bad depends_on in the base's anchor: one finding, naming every check it fails"
sed -i 's/^    db:$/    dbb:/' docker-compose.yml
git add docker-compose.yml
run "$SMOKEHOOK"
expect_rc 1
expect_eq "$(grep -c "depends on undefined service 'dbb'" <<<"$OUT")" "1" "the cause is said once"
expect_out "docker-compose.yml:4:5: service 'web' depends on undefined service 'dbb' (the same for 'worker', 'worker-2')"
expect_out "↳ also fails compose.prod, compose.scale, db.first"
for id in compose.base compose.prod compose.scale db.first; do
  expect_out "[$id]"
done
expect_no_out "1 error"
t "the same break in JSON: each check keeps its own findings"
run "$SMOKEHOOK" --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "[(c['id'], c['status'], len(c['findings'])) for c in j['checks']]")" \
  "[('compose.base', 'fail', 2), ('compose.prod', 'fail', 2), ('compose.scale', 'fail', 3), ('compose.dev', 'skip', 0), ('db.first', 'fail', 3)]"
run "$SMOKEHOOK" --format sarif
expect_eq "$(json_get "$OUT" "len(j['runs'][0]['results'])")" "10"
git reset -q --hard

t "variable warnings: only for files the run loads, each variable once"
printf '  cache:\n    image: redis:7\n' >>docker-compose.yml
git add docker-compose.yml
run "$SMOKEHOOK"
expect_rc 0
expect_out "4 of 5 checks affected"
[ -z "$ERR" ] || fail "warnings for a file this commit does not load: $ERR"
git reset -q --hard
run "$SMOKEHOOK" --all
expect_rc 0
expect_eq "$(grep -c 'DEV_TAG' <<<"$ERR")" "1" "one warning for the one variable"
expect_err 'docker-compose.dev.yml:4:12: the "DEV_TAG" variable is not set'
printf '  other:\n    image: other:1\n' >>docker-compose.dev.yml
git add docker-compose.dev.yml
run "$SMOKEHOOK"
expect_eq "$(grep -c 'DEV_TAG' <<<"$ERR")" "1" "the commit loads the file: warned once"
git reset -q --hard

# ---- YAML mistakes at their place --------------------------------------------------------------
yaml_case() {  # FILE EXPECTED-LINE: `smokehook --all` exits as a check failure (compose) or 2 (config)
  run "$SMOKEHOOK" --all
  expect_rc "$1"
  expect_eq "$(grep -cF -- "$2" <<<"$OUT"$'\n'"$ERR")" "1" "one line: $2"
  git checkout -q -- .
}

t "compose: a tab that indents a line is named, at the tab"
printf 'services:\n  db:\n\timage: postgres:16\n' >docker-compose.dev.yml
yaml_case 1 "docker-compose.dev.yml:3:1: YAML syntax error: a tab indents this line (YAML indents with spaces only)"

t "compose: a duplicate key is named, at the second key"
printf 'services:\n  dev:\n    image: a\n    image: b\n' >docker-compose.dev.yml
yaml_case 1 "docker-compose.dev.yml:4:5: duplicate key 'image' (first defined at line 3)"

t "compose: a quote never closed is named, at the quote (yaml-cpp alone took the rest of the file as the string)"
printf 'services:\n  dev:\n    image: "dev:1\n    restart: always\n' >docker-compose.dev.yml
yaml_case 1 "docker-compose.dev.yml:3:12: YAML syntax error: this '\"' is never closed"

t "compose: a quote left open before more keys is named, at the quote"
printf 'services:\n  dev:\n    image: "dev:1\n    restart: "always"\n' >docker-compose.dev.yml
yaml_case 1 "docker-compose.dev.yml:3:12: YAML syntax error: the string this '\"' opens runs on to line 4 (is its closing quote missing?)"

t ".smokehook.yml: a tab, a duplicate key, a quote never closed (exit 2, file:line:col)"
printf 'version: 1\nchecks:\n  - id: a\n\tkind: compose-valid\n' >.smokehook.yml
yaml_case 2 ".smokehook.yml:4:1: YAML syntax error: a tab indents this line (YAML indents with spaces only)"
printf 'version: 1\nchecks:\n  - id: a\n    id: b\n' >.smokehook.yml
yaml_case 2 ".smokehook.yml:4:5: duplicate key 'id' (first defined at line 3)"
printf 'version: 1\nchecks:\n  - id: "a\n    kind: compose-valid\n    files: [docker-compose.yml]\n' >.smokehook.yml
yaml_case 2 ".smokehook.yml:3:9: YAML syntax error: this '\"' is never closed"

# ---- compose --env-file: any readable file -----------------------------------------------------
t "compose --env-file /dev/null: an empty set of variables, as docker compose reads it"
run "$SMOKEHOOK" compose -f docker-compose.dev.yml --env-file /dev/null --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "j['services']['dev']['image']")" "dev:"
t "compose --env-file from a pipe: read once, its variables used"
run bash -c "\"\$SMOKEHOOK\" compose -f docker-compose.dev.yml --env-file <(echo DEV_TAG=7) --format json"
expect_rc 0
expect_eq "$(json_get "$OUT" "(j['services']['dev']['image'], j['services']['dev']['environment']['TAG'])")" "('dev:7', '7')"
[ -z "$ERR" ] || fail "no warning: the pipe set the variable ($ERR)"
t "compose --env-file: a missing file is still docker compose's error"
run "$SMOKEHOOK" compose -f docker-compose.dev.yml --env-file nowhere.env
expect_rc 1
expect_err "couldn't find env file: $R/nowhere.env"

finish
