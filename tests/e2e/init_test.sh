#!/usr/bin/env bash
# smokehook init in repositories that are not the example: a configuration read
# from the repository passes right away, and breaking what it found fails the
# right check. Also: variables for interpolation, and which configuration ran.
. "$(dirname "$0")/lib.sh"
unset DOMAIN TAG COMPOSE_PROFILES COMPOSE_FILE COMPOSE_PROJECT_NAME

# repo DIR: a fresh repository of what DIR holds, one commit.
repo() {
  git -C "$1" init -q
  git -C "$1" add -A
  git -C "$1" commit -q -m "start" --no-verify
}
# failed_ids: the ids that fail in `smokehook --all` here, space-separated.
failed_ids() {
  run "$SMOKEHOOK" --all --format json
  ids_with "$OUT" fail
}
# listed_ids: the ids `smokehook list` prints.
listed_ids() { "$SMOKEHOOK" list | awk 'NR > 1 && NF { print $1 }' | grep -v '^(a' | tr '\n' ' ' | sed 's/ $//'; }

# ---- one compose project in a subfolder --------------------------------------------------------
S=$WORK/shop
mkdir -p "$S/deploy" "$S/app"
cat >"$S/deploy/compose.yaml" <<'EOF'
services:
  web:
    build: ../app
    image: shop:${TAG:-dev}
    ports: ["8080:8080"]
    depends_on: [cache]
  cache:
    image: redis:7
EOF
echo 'print("shop")' >"$S/app/main.py"
printf 'FROM python:3.12\n' >"$S/app/Dockerfile"
printf 'TAG=1.0\n' >"$S/deploy/.env"
echo ".env" >"$S/.gitignore"
repo "$S"
cd "$S"

t "no configuration: the human report says the built-in suite ran, and how to get one's own"
run "$SMOKEHOOK" --all
expect_rc 1
expect_eq "$(head -1 <<<"$OUT")" \
  "smokehook: no .smokehook.yml here: running the built-in production smoke suite (of the application smokehook was made for); \`smokehook init\` writes a configuration for this repository"
run "$SMOKEHOOK" --all --format json
expect_eq "$(json_get "$OUT" "j['config']")" "built-in"

t "init in a subfolder project: checks with paths from the root, and --all passes"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "wrote $S/.smokehook.yml: 1 check for 1 compose project"
grep -qF 'files: [deploy/compose.yaml]' .smokehook.yml || fail "the check names deploy/compose.yaml"
expect_eq "$(listed_ids)" "deploy.compose.base"
run "$SMOKEHOOK" --all
expect_rc 0
expect_no_out "built-in production smoke suite"
run "$SMOKEHOOK" --all --format json
expect_eq "$(json_get "$OUT" "j['config']")" ".smokehook.yml"
run "$SMOKEHOOK" --all --format json --config .smokehook.yml
expect_eq "$(json_get "$OUT" "j['config']")" ".smokehook.yml"

t "an existing configuration is never overwritten"
before=$(cat .smokehook.yml)
run "$SMOKEHOOK" init
expect_rc 2
expect_err "already exists"
run "$SMOKEHOOK" init --default
expect_rc 2
expect_eq "$(cat .smokehook.yml)" "$before"

t "breaking the subfolder's project fails its check"
sed -i 's/    depends_on: \[cache\]/    depends_on: [cach]/' deploy/compose.yaml
expect_eq "$(failed_ids)" "deploy.compose.base"
git checkout -q deploy/compose.yaml

# ---- compose.yaml + compose.prod.yaml + profiles, then the installed hook -----------------------
B=$WORK/blog
mkdir -p "$B"
cat >"$B/compose.yaml" <<'EOF'
name: blog
services:
  web:
    image: ghost:5
    ports: ["2368:2368"]
    depends_on:
      db: {condition: service_healthy}
  db:
    image: mysql:8
    healthcheck: {test: ["CMD", "mysqladmin", "ping"]}
    volumes: [db:/var/lib/mysql]
  mailhog:
    image: mailhog/mailhog
    profiles: [debug]
  backup:
    image: alpine
    profiles: [ops]
    volumes: [db:/data:ro]
volumes:
  db:
EOF
cat >"$B/compose.prod.yaml" <<'EOF'
services:
  web:
    restart: always
    environment:
      url: https://blog.example.com
  db:
    restart: always
EOF
repo "$B"
cd "$B"

t "init with an overlay and profiles: base, overlay, each profile, overlay with every profile"
run "$SMOKEHOOK" init
expect_rc 0
expect_eq "$(listed_ids)" "compose.base compose.prod compose.profile.debug compose.profile.ops compose.prod.profiles"
"$SMOKEHOOK" list | grep -E '^compose.prod ' | grep -qF 'compose.yaml, compose.prod.yaml' || fail "list shows the files compose.prod watches"
grep -qF '#   distinct_among: "{db,backup}"' .smokehook.yml || fail "the shared volume is a commented suggestion"
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "ALL 5 CHECKS PASSED"

t "breaking the overlay fails compose.prod, not the base"
sed -i 's/    restart: always/    restart: [always]/' compose.prod.yaml
expect_eq "$(failed_ids)" "compose.prod compose.prod.profiles"
git checkout -q compose.prod.yaml

t "a profile's service moved out of its profile fails that profile's check"
sed -i 's/    profiles: \[debug\]/    profiles: [debugging]/' compose.yaml
expect_eq "$(failed_ids)" "compose.profile.debug"
git checkout -q compose.yaml

t "from init to an installed hook: a broken overlay is refused at commit, naming the check"
git add .smokehook.yml
git commit -qm "smokehook configuration" --no-verify
run "$SMOKEHOOK" install
expect_rc 0
sed -i 's/    restart: always/    restart: [always]/' compose.prod.yaml
git add compose.prod.yaml
commit_refused "prod restart"
expect_log "[compose.prod]"
git checkout -q HEAD -- compose.prod.yaml
echo "# a comment" >>compose.yaml
git add compose.yaml
run git commit -qm "comment"
expect_rc 0 "a healthy change commits"

# ---- two projects ------------------------------------------------------------------------------
T=$WORK/two
mkdir -p "$T/services/api" "$T/infra"
printf 'services:\n  proxy:\n    image: traefik:3\n' >"$T/docker-compose.yml"
printf 'services:\n  api:\n    build: .\n' >"$T/services/api/compose.yml"
printf 'FROM scratch\n' >"$T/services/api/Dockerfile"
printf 'services:\n  api:\n    environment: [DEBUG=1]\n' >"$T/services/api/compose.override.yml"
repo "$T"
cd "$T"

t "two projects: each its own checks, ids from the folder"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "3 checks for 2 compose projects"
expect_eq "$(listed_ids)" "compose.base services.api.compose.base services.api.compose.override"
run "$SMOKEHOOK" --all
expect_rc 0
printf 'services:\n  api:\n    environment: DEBUG=1\n' >services/api/compose.override.yml
expect_eq "$(failed_ids)" "services.api.compose.override"

# ---- the migration pattern ---------------------------------------------------------------------
M=$WORK/migrating
mkdir -p "$M"
cat >"$M/compose.yml" <<'EOF'
services:
  db:
    image: postgres:16
  migrate:
    image: app
    command: ["python", "-m", "app.migrate"]
    depends_on: [db]
  api:
    image: app
    depends_on:
      migrate: {condition: service_completed_successfully}
  worker:
    image: app
    depends_on:
      migrate:
        condition: service_completed_successfully
EOF
repo "$M"
cd "$M"

t "the migration pattern: services waiting for a one-shot service become a compose-depends check"
run "$SMOKEHOOK" init
expect_rc 0
expect_eq "$(listed_ids)" "compose.base migrate.ordering"
grep -qF '#   command_runs_module: app.migrate' .smokehook.yml || fail "the one-shot service is a commented suggestion"
run "$SMOKEHOOK" --all
expect_rc 0
sed -i 's/        condition: service_completed_successfully/        condition: service_started/' compose.yml
expect_eq "$(failed_ids)" "migrate.ordering"

# ---- the example application -------------------------------------------------------------------
E=$WORK/example
new_repo "$E"
cd "$E"

t "on the example: base, prod overlay, both profiles and the migration order"
run "$SMOKEHOOK" init
expect_rc 0
expect_eq "$(listed_ids)" \
  "compose.base compose.prod compose.profile.multi-worker compose.profile.multi-shard compose.prod.profiles migrate.ordering"
run "$SMOKEHOOK" --all
expect_rc 0
sed -i 's/^    restart: unless-stopped$/    restart: [unless-stopped]/' docker-compose.prod.yml
run "$SMOKEHOOK" --all --format json
expect_eq "$(status_of "$OUT" compose.prod)" fail
expect_eq "$(status_of "$OUT" compose.base)" pass
git checkout -q docker-compose.prod.yml
sed -i '0,/    profiles: \[multi-shard\]/s//    profiles: [multi-shards]/' docker-compose.yml
run "$SMOKEHOOK" --all --format json
expect_eq "$(status_of "$OUT" compose.profile.multi-shard)" fail
expect_eq "$(status_of "$OUT" compose.profile.multi-worker)" pass
git checkout -q docker-compose.yml
sed -i '0,/    condition: service_completed_successfully/s//    condition: service_healthy/' docker-compose.yml
expect_eq "$(failed_ids)" "migrate.ordering"
git checkout -q docker-compose.yml

t "init --default writes the built-in suite, exactly"
rm .smokehook.yml
run "$SMOKEHOOK" init --default
expect_rc 0
cmp -s .smokehook.yml "$SMOKEHOOK_SOURCE/src/checks/default_config.yml" || fail "init --default differs from src/checks/default_config.yml"

# ---- variables for interpolation ---------------------------------------------------------------
V=$WORK/vars
mkdir -p "$V/ci"
cat >"$V/compose.yaml" <<'EOF'
services:
  web:
    image: nginx
    environment:
      SERVER_NAME: ${DOMAIN:?Variable not set}
EOF
repo "$V"
cd "$V"

t "a required variable: the check is left out (commented), the summary says why, --all passes"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "wrote $V/.smokehook.yml: 0 checks for 1 compose project"
expect_out "init left out 1 thing (commented out in the file, with why):"
expect_out "  compose.base: fails as the repository stands (compose.yaml:5:20: required variable DOMAIN is missing a value"
grep -qF '  # - id: compose.base' .smokehook.yml || fail "the check is there, commented out"
grep -qF '  #   # environment: {DOMAIN: ...}' .smokehook.yml || fail "the hint names DOMAIN"
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "NO CHECK TO RUN"

t "\${VAR:?} passes with the check's environment, once uncommented"
sed -i -e 's/^checks: \[\].*/checks:/' -e '/^  # - id: compose.base$/,/^$/ s/^  # /  /' \
  -e 's/    # environment: {DOMAIN: ...}/    environment: {DOMAIN: example.com}/' .smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "ALL 1 CHECK PASSED"

t "\${VAR:?} passes with the check's env_file, and a staged change to it runs the check"
sed -i 's/    environment: {DOMAIN: example.com}/    env_file: [ci\/prod.env]/' .smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 1 "the env_file does not exist yet"
echo "DOMAIN=example.com" >ci/prod.env
run "$SMOKEHOOK" --all
expect_rc 0
git add -A
git commit -qm "config" --no-verify
echo "OTHER=1" >ci/prod.env
git add ci/prod.env
run "$SMOKEHOOK" --format json
expect_rc 1
expect_eq "$(status_of "$OUT" compose.base)" fail
git checkout -q HEAD -- ci/prod.env
echo "unrelated" >README
git add README
run "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(status_of "$OUT" compose.base)" skip

# ---- one compose file per variant, no base; a git-ignored .env and its example ---------------
V=$WORK/variants
mkdir -p "$V/docker/compose" "$V/proxy"
cat >"$V/docker/compose/docker-compose.postgres.yml" <<'EOF'
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ${PGUSER:?set PGUSER}
  web:
    image: app
    depends_on: [db]
EOF
cat >"$V/docker/compose/docker-compose.sqlite.yml" <<'EOF'
services:
  web:
    image: app
EOF
cat >"$V/proxy/docker-compose.caddy.yml" <<'EOF'
services:
  caddy: {image: caddy}
  web:
    labels: [proxied=yes]
EOF
printf 'PGUSER=root\n' >"$V/docker/compose/.env.example"
echo ".env" >"$V/.gitignore"
repo "$V"
cd "$V"

t "variant files with no base: each is a project, with the example env file it needs; a fragment is left out"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "wrote $V/.smokehook.yml: 2 checks for 2 compose projects"
expect_out "  proxy/docker-compose.caddy.yml: not a project alone"
expect_eq "$(listed_ids)" "docker.compose.postgres.compose.base docker.compose.sqlite.compose.base"
grep -qF -x '    env_file: [docker/compose/.env.example]' .smokehook.yml || fail "the example env file is the check's"
expect_eq "$(failed_ids)" ""

t "variant files: the hook blocks a broken variant only"
"$SMOKEHOOK" install >/dev/null
sed -i '1i # the database variant' docker/compose/docker-compose.postgres.yml
git add -A
run git commit -q -m "comment only"
expect_rc 0
sed -i 's/depends_on: \[db\]/depends_on: [dbb]/' docker/compose/docker-compose.postgres.yml
git add -A
commit_refused "a dependency on nothing"
expect_log "[docker.compose.postgres.compose.base]"
git reset -q --hard

# ---- no compose file ---------------------------------------------------------------------------
N=$WORK/none
mkdir -p "$N"
echo 'print(1)' >"$N/main.py"
repo "$N"
cd "$N"

t "no compose file: a valid configuration with no check, that says how to add some"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "0 checks for 0 compose projects (none found"
grep -qF "No compose file was found" .smokehook.yml || fail "the file says why it has no check"
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "NO CHECK TO RUN"

# ---- an overlay run alone, a profile only in an overlay (as langfuse) --------------------------
L=$WORK/alone
mkdir -p "$L"
cat >"$L/docker-compose.yml" <<'EOF'
services:
  web:
    image: web:3
    depends_on: [clickhouse]
  clickhouse:
    image: clickhouse/clickhouse-server
EOF
cat >"$L/docker-compose.dev.yml" <<'EOF'
services:
  clickhouse:
    image: clickhouse/clickhouse-server
    ports: ["8123:8123"]
  worker-tests:
    image: web:3
    command: pnpm test
    profiles: [worker-tests]
EOF
cat >"$L/package.json" <<'EOF'
{
  "scripts": {
    "infra:dev:up": "docker compose -f ./docker-compose.dev.yml up -d --wait"
  }
}
EOF
repo "$L"
cd "$L"

t "an overlay the repository runs alone: checked alone and merged; its own profile keeps its services"
run "$SMOKEHOOK" init
expect_rc 0
expect_eq "$(listed_ids)" "compose.base compose.dev compose.dev.alone compose.dev.profile.worker-tests compose.dev.profiles"
grep -qF '# the repository runs it alone (package.json:3)' .smokehook.yml || fail "the alone check says where it is run"
run "$SMOKEHOOK" --all
expect_rc 0
cp .smokehook.yml first.yml
rm .smokehook.yml
"$SMOKEHOOK" init >/dev/null
cmp -s first.yml .smokehook.yml || fail "a second init writes the same ids and checks"
rm first.yml

t "through the installed hook: an image removed from the file run alone, a profile emptied in the overlay"
git add .smokehook.yml
git commit -qm "smokehook configuration" --no-verify
"$SMOKEHOOK" install >/dev/null
sed -i '0,/    image: clickhouse\/clickhouse-server/{//d}' docker-compose.dev.yml
git add docker-compose.dev.yml
commit_refused "clickhouse's image comes from the base"
expect_log "[compose.dev.alone]"
git checkout -q HEAD -- docker-compose.dev.yml
sed -i 's/    profiles: \[worker-tests\]/    profiles: [worker-test]/' docker-compose.dev.yml
git add docker-compose.dev.yml
commit_refused "the worker-tests profile emptied"
expect_log "[compose.dev.profile.worker-tests]"
git checkout -q HEAD -- docker-compose.dev.yml

# ---- COMPOSE_FILE chains of a CI workflow; a base that fails alone (as docker-zulip) ------------
Z=$WORK/chains
mkdir -p "$Z/ci/basic" "$Z/ci/tls" "$Z/.github/workflows"
cat >"$Z/compose.yaml" <<'EOF'
services:
  zulip:
    image: zulip/docker-zulip:10
    secrets: [zulip__secret_key]
EOF
cat >"$Z/compose.override.yaml.example" <<'EOF'
secrets:
  zulip__secret_key: {environment: SECRET_KEY}
EOF
cat >"$Z/ci/base.yaml" <<'EOF'
secrets:
  zulip__secret_key: {environment: ZULIP__SECRET_KEY}
services:
  zulip:
    image: "${GITHUB_CI_IMAGE:?error}"
EOF
printf 'ZULIP__SECRET_KEY=django_secret_key\n' >"$Z/ci/base.env"
printf 'services:\n  zulip:\n    environment:\n      SETTING_EXTERNAL_HOST: zulip.example.net\n' >"$Z/ci/basic/compose.yaml"
printf 'services:\n  zulip:\n    environment:\n      CERTIFICATES: self-signed\n' >"$Z/ci/tls/compose.yaml"
cat >"$Z/.github/workflows/test.yaml" <<'EOF'
jobs:
  docker-compose-test:
    runs-on: ubuntu-latest
    env:
      GITHUB_CI_IMAGE: zulip/zulip-server:pr-${{ github.event.pull_request.number }}
      COMPOSE_FILE: compose.yaml:ci/base.yaml:${{ matrix.dir }}compose.yaml
      COMPOSE_ENV_FILES: ci/base.env
    steps:
      - run: docker compose config
EOF
repo "$Z"
cd "$Z"

t "COMPOSE_FILE chains of a workflow are checked; the base that fails alone is left out, said why"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "2 checks for 1 compose project"
expect_out "  compose.base: fails as the repository stands (compose.yaml:4:15: service 'zulip' refers to undefined secret"
expect_eq "$(listed_ids)" "compose.base.basic.env.base compose.base.tls.env.base"
grep -qF '    environment: {GITHUB_CI_IMAGE: "zulip/zulip-server:pr-x"}' .smokehook.yml || fail "the workflow's variables"
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "ALL 2 CHECKS PASSED"

t "through the installed hook: a scenario broken in the chain is refused, naming its check"
git add .smokehook.yml
git commit -qm "smokehook configuration" --no-verify
"$SMOKEHOOK" install >/dev/null
printf 'services:\n  zulip:\n    environment: [CERTIFICATES: self-signed]\n' >ci/tls/compose.yaml
git add ci/tls/compose.yaml
commit_refused "a mapping written as a list"
expect_log "[compose.base.tls.env.base]"
git checkout -q HEAD -- ci/tls/compose.yaml

# ---- a .gitignore that ignores the configuration (as penpot's /*.yml) ---------------------------
I=$WORK/ignored
mkdir -p "$I"
printf 'services:\n  web:\n    image: nginx\n' >"$I/compose.yaml"
printf '/*.yml\n' >"$I/.gitignore"
repo "$I"
cd "$I"

t "init warns when git ignores the .smokehook.yml it writes, and says how to add it"
run "$SMOKEHOOK" init
expect_rc 0
expect_err "warning: git ignores .smokehook.yml here"
expect_err "git add -f .smokehook.yml"
cd "$S"
rm .smokehook.yml
run "$SMOKEHOOK" init
expect_rc 0
expect_eq "$ERR" "" "no warning where git does not ignore it"


finish
