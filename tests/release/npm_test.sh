#!/usr/bin/env bash
# npm: `npm i -D` of the packages, offline from their .tgz files; then
# node_modules/.bin/smokehook is the native binary itself (the launcher execs
# it: same process, so command line, stdin, exit status and signals are the
# binary's), and `smokehook install` from there records the native binary, so
# a commit runs with neither node nor smokehook on PATH.
. "$(dirname "$0")/lib.sh"
need_artifacts
command -v npm >/dev/null || { echo "SKIP: npm is not installed"; exit 77; }
LAUNCHER=$ARTIFACTS/smokehook-$VERSION.tgz
PLATFORM=$ARTIFACTS/smokehook-linux-$NPM_CPU-$VERSION.tgz

R="$WORK/repo with space"
new_repo "$R"
cd "$R" || exit 1
echo node_modules/ >.gitignore
echo '{ "private": true }' >package.json
git add .gitignore package.json && git commit -qm npm --no-verify
npm_i() { run npm install --offline --cache "$WORK/npm-cache" --no-audit --no-fund --ignore-scripts "$@"; }

t "npm i -D, offline, from the packages' .tgz files"
npm_i -D "$LAUNCHER" "$PLATFORM"
expect_rc 0
NATIVE=$(realpath "node_modules/@smokehook/linux-$NPM_CPU/bin/smokehook")
[ -x "$NATIVE" ] || fail "no native binary in node_modules/@smokehook/linux-$NPM_CPU"
run node_modules/.bin/smokehook --version
expect_rc 0
expect_out "smokehook $VERSION"

t "the command line passes through whole: an argument with spaces, exit 0, 1 and 2"
run node_modules/.bin/smokehook -C "$R" --all -q
expect_rc 0
break_compose "$R"
run node_modules/.bin/smokehook -C "$R" --all
expect_rc 1
expect_out "unknown key 'imag'"
git checkout -q docker-compose.yml
run node_modules/.bin/smokehook --no-such-option
expect_rc 2
expect_err "--no-such-option"

t "stdin passes through: pre-push lines"
GOOD=$(git rev-parse HEAD)
run_in "refs/heads/main $GOOD refs/heads/main 0000000000000000000000000000000000000000
" node_modules/.bin/smokehook --hook pre-push origin url
expect_rc 0

t "the launcher becomes the native binary: same process (/proc/PID/exe), a signal reaches it"
mkfifo "$WORK/fifo"
node_modules/.bin/smokehook --hook pre-push origin url <"$WORK/fifo" >/dev/null 2>&1 &
pid=$!
exec 3>"$WORK/fifo"
exe=""
for _ in $(seq 50); do
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
  [ "$exe" = "$NATIVE" ] && break
  sleep 0.1
done
expect_eq "$exe" "$NATIVE" "the process's executable"
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" 143 "the status of a process killed by SIGTERM"
exec 3>&-

t "smokehook install from node_modules/.bin records the native binary"
run node_modules/.bin/smokehook install
expect_rc 0
for hook in pre-commit pre-push; do
  grep -aqF "$NATIVE" ".git/hooks/$hook" || fail "the $hook hook does not record $NATIVE"
  grep -aqE "node_modules/\.bin|bin/node|npx" ".git/hooks/$hook" && fail "the $hook hook names node, npx or node_modules/.bin"
done

t "a commit runs the hook with neither node nor smokehook on PATH"
mkdir -p "$WORK/onlygit"
ln -s "$(command -v git)" "$WORK/onlygit/git"
(PATH=$WORK/onlygit command -v node smokehook) && fail "node or smokehook is still on PATH"
echo "# fine" >>docker-compose.prod.yml && git add docker-compose.prod.yml
run env PATH="$WORK/onlygit" git commit -m healthy
expect_rc 0
break_compose "$R"
git add docker-compose.yml
run env PATH="$WORK/onlygit" git commit -m broken
[ "$RC" -ne 0 ] || fail "a broken commit went through"
expect_log "unknown key 'imag'"
git checkout -q HEAD -- docker-compose.yml

t "the launcher finds the platform package in pnpm's layout (links into a store)"
P=$WORK/pnpm/node_modules
STORE=$P/.pnpm
mkdir -p "$STORE/smokehook@$VERSION/node_modules/smokehook" "$STORE/@smokehook+linux-$NPM_CPU@$VERSION/node_modules/@smokehook" \
  "$STORE/smokehook@$VERSION/node_modules/@smokehook" "$P/.bin"
cp -R "$R/node_modules/smokehook/." "$STORE/smokehook@$VERSION/node_modules/smokehook/"
cp -R "$R/node_modules/@smokehook/linux-$NPM_CPU" "$STORE/@smokehook+linux-$NPM_CPU@$VERSION/node_modules/@smokehook/"
ln -s "../../../@smokehook+linux-$NPM_CPU@$VERSION/node_modules/@smokehook/linux-$NPM_CPU" \
  "$STORE/smokehook@$VERSION/node_modules/@smokehook/linux-$NPM_CPU"
ln -s "../.pnpm/smokehook@$VERSION/node_modules/smokehook/bin/smokehook" "$P/.bin/smokehook"
run "$P/.bin/smokehook" --version
expect_rc 0
expect_out "smokehook $VERSION"

t "without its platform package the launcher says what is missing (exit 2)"
P2=$WORK/launcher-only
mkdir -p "$P2" && cd "$P2" && echo '{ "private": true }' >package.json
npm_i -D "$LAUNCHER"
expect_rc 0
run node_modules/.bin/smokehook --version
expect_rc 2
expect_err "@smokehook/linux-$NPM_CPU"

finish
