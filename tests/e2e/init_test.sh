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

t "a required variable: init still writes the check, says so, and hints at environment"
run "$SMOKEHOOK" init
expect_rc 0
expect_err "compose.base"
expect_err "DOMAIN"
grep -qF '# environment: {DOMAIN: ...}' .smokehook.yml || fail "the hint names DOMAIN"
expect_eq "$(failed_ids)" "compose.base"

t "\${VAR:?} passes with the check's environment"
sed -i 's/    # environment: {DOMAIN: ...}/    environment: {DOMAIN: example.com}/' .smokehook.yml
run "$SMOKEHOOK" --all
expect_rc 0

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

t "variant files with no base: each is a project, an overlay of nothing is left out and said"
run "$SMOKEHOOK" init
expect_rc 0
expect_out "wrote $V/.smokehook.yml: 2 checks for 2 compose projects"
expect_err "proxy/docker-compose.caddy.yml is left out"
expect_eq "$(listed_ids)" "docker.compose.postgres.compose.base docker.compose.sqlite.compose.base"
grep -qF 'add `env_file: [docker/compose/.env.example]` beside `files`' .smokehook.yml \
  || fail "the example env file is named"
expect_eq "$(failed_ids)" "docker.compose.postgres.compose.base"

t "variant files: with the example env file as env_file it passes; the hook blocks a broken variant only"
sed -i 's|^    files: \[docker/compose/docker-compose.postgres.yml\]$|&\n    env_file: [docker/compose/.env.example]|' .smokehook.yml
expect_eq "$(failed_ids)" ""
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

finish
