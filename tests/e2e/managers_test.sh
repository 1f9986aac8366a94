#!/usr/bin/env bash
# Hook managers, end to end: managers_test.sh TOOL, TOOL one of pre-commit,
# prek, lefthook, husky. The configuration snippets come from README.md (the
# blocks marked <!-- snippet: NAME -->): what users copy is what is tested.
# pre-commit is Debian 12's; prek, lefthook and husky are the npm packages
# install/test.sh pins into the build ($SMOKEHOOK_NPM_DIR/node_modules/.bin).
# For pre-commit and prek every mode of the framework is checked: a commit,
# run --all-files, run --files, run --from-ref/--to-ref and the push stage each
# fail on a tree that breaks a default check and pass on a healthy one.
. "$(dirname "$0")/lib.sh"
: "${SMOKEHOOK_SOURCE:?SMOKEHOOK_SOURCE must name this repository}"
TOOL=${1:?usage: managers_test.sh pre-commit|prek|lefthook|husky}

npm_bin=${SMOKEHOOK_NPM_DIR:-}/node_modules/.bin
case $TOOL in
  pre-commit)
    command -v pre-commit >/dev/null ||
      { echo "SKIP: pre-commit is not installed (apt-get install pre-commit; install/deps.sh --tests)"; exit 77; } ;;
  prek | lefthook | husky)
    [ -x "$npm_bin/$TOOL" ] ||
      { echo "SKIP: $TOOL is not in ${SMOKEHOOK_NPM_DIR:-<SMOKEHOOK_NPM_DIR unset>}/node_modules/.bin (install/test.sh installs it from npm)"; exit 77; } ;;
  *) echo "unknown tool $TOOL"; exit 2 ;;
esac

# smokehook on PATH, as `language: system` and the README's lines expect it.
mkdir -p "$WORK/bin"
ln -s "$SMOKEHOOK" "$WORK/bin/smokehook"
export PATH="$WORK/bin:$npm_bin:$PATH"
export PRE_COMMIT_HOME="$WORK/pre-commit-cache" PREK_HOME="$WORK/prek-cache"

# snippet NAME: the fenced block after <!-- snippet: NAME --> in README.md.
snippet() {
  awk -v want="<!-- snippet: $1 -->" '
    $0 == want { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$SMOKEHOOK_SOURCE/README.md"
}
[ -n "$(snippet pre-commit-config)" ] || { echo "README.md has no pre-commit-config snippet"; exit 1; }

REMOTE=$WORK/remote.git
git init -q --bare "$REMOTE"
R=$WORK/repo
new_repo "$R"
cd "$R" || exit 1
git remote add origin "$REMOTE"
git push -q origin main

case $TOOL in
  pre-commit | prek)
    # The hooks repository: this project's manifest, committed (the framework clones it).
    HOOKS=$WORK/hooks-repo
    mkdir -p "$HOOKS"
    cp "$SMOKEHOOK_SOURCE/.pre-commit-hooks.yaml" "$HOOKS/"
    git -C "$HOOKS" init -q && git -C "$HOOKS" add -A && git -C "$HOOKS" commit -qm hooks
    # This test runs the smokehook on PATH: the ids become the language: system variants (the
    # language: python ones, which install the wheel, are tests/release/precommit_test.sh's).
    snippet pre-commit-config |
      sed -e "s|repo: .*|repo: $HOOKS|" -e "s|rev: .*|rev: $(git -C "$HOOKS" rev-parse HEAD)|" \
        -e 's/\(id: smokehook-push\)\([[:space:]]\|$\)/\1-system\2/' \
        -e 's/\(id: smokehook\)\([[:space:]]\|$\)/\1-system\2/' >.pre-commit-config.yaml
    grep -q "id: smokehook-system" .pre-commit-config.yaml || fail "the snippet names no smokehook hook"
    git add .pre-commit-config.yaml && git commit -qm "hook manager" --no-verify
    sh -ec "$(snippet "$TOOL-install")" >/dev/null || fail "$TOOL install failed" ;;
  lefthook)
    snippet lefthook.yml >lefthook.yml
    git add lefthook.yml && git commit -qm "hook manager" --no-verify
    lefthook install >/dev/null || fail "lefthook install failed" ;;
  husky)
    husky >/dev/null || fail "husky failed"
    for hook in pre-commit pre-push; do snippet ".husky/$hook" >".husky/$hook"; done
    git add .husky && git commit -qm "hook manager" --no-verify ;;
esac
git push -q origin main --no-verify
BASE=$(git rev-parse HEAD)

# Through the manager's installed hooks: a commit and a push.
t "$TOOL: a healthy staged change is committed"
echo "# fine" >>docker-compose.prod.yml && git add docker-compose.prod.yml
run git commit -m "healthy change"
expect_rc 0
git reset -q --hard "$BASE"

t "$TOOL: a commit that stages a breakage is blocked, whatever the working tree holds"
break_compose "$R"
git add docker-compose.yml
git show HEAD:docker-compose.yml >docker-compose.yml
commit_refused "broken compose"
expect_log "unknown key 'imag'"
git reset -q --hard "$BASE"

t "$TOOL: a commit that deletes a required file is blocked"
git rm -q server/db_migrate.py
commit_refused "delete the migrations"
expect_log "db_migrate.py"
git reset -q --hard "$BASE"

t "$TOOL: a push of a bad commit is blocked, the remote unchanged"
break_compose "$R"
git commit -qam "broken compose" --no-verify
BROKEN=$(git rev-parse HEAD)
run git push origin main
[ "$RC" -ne 0 ] || fail "the push of a broken commit went through"
expect_log "unknown key 'imag'"
expect_eq "$(git --git-dir="$REMOTE" rev-parse main)" "$BASE" "the remote's main"

t "$TOOL: a push of a good commit goes through"
git reset -q --hard "$BASE"
echo "# fine" >>README.md && git commit -qam fine --no-verify
GOOD=$(git rev-parse HEAD)
run git push origin main
expect_rc 0
expect_eq "$(git --git-dir="$REMOTE" rev-parse main)" "$GOOD" "the remote's main"

case $TOOL in lefthook | husky) finish ;; esac

# Every mode of the framework, on committed trees: GOOD (healthy) and BROKEN.
# mode_case NAME HEALTHY_TREE BROKEN_TREE ARGS...: checks out each tree (nothing
# staged) and runs `$TOOL run ARGS`; %A and %B in ARGS are the commit's parent and the commit.
mode_case() {
  local name=$1 good=$2 bad=$3 args
  shift 3
  t "$TOOL $name: a healthy tree passes"
  git checkout -q --detach "$good"
  args=$(sed -e "s/%A/$BASE/g" -e "s/%B/$good/g" <<<"$*")
  run $TOOL run $args
  expect_rc 0 "$TOOL run $args on a healthy tree"
  t "$TOOL $name: a broken tree fails"
  git checkout -q --detach "$bad"
  args=$(sed -e "s/%A/$BASE/g" -e "s/%B/$bad/g" <<<"$*")
  run $TOOL run $args
  expect_rc 1 "$TOOL run $args on a broken tree"
  expect_log "smokehook"
  git checkout -q main
}
mode_case "--all-files" "$GOOD" "$BROKEN" --all-files
mode_case "--files" "$GOOD" "$BROKEN" --files docker-compose.yml README.md
mode_case "--from-ref/--to-ref" "$GOOD" "$BROKEN" --from-ref %A --to-ref %B
# pre-commit 3.0.4 names the stage `push`; prek only accepts `pre-push` on its command line.
push_stage=push
[ "$TOOL" = prek ] && push_stage=pre-push
mode_case "push stage" "$GOOD" "$BROKEN" --hook-stage $push_stage --from-ref %A --to-ref %B

t "$TOOL --all-files: a required file deleted in an earlier commit fails (nothing staged, nothing passed names it)"
git checkout -q --detach "$BASE"
git rm -q server/db_migrate.py && git commit -qm "no migrations" --no-verify
run $TOOL run --all-files
expect_rc 1
expect_log "db_migrate.py"
git checkout -q main

t "$TOOL --files: only what the files affect (a broken compose file is not README's business)"
git checkout -q --detach "$BROKEN"
run $TOOL run --files README.md
expect_rc 0
git checkout -q main

t "$TOOL --all-files over a file list long enough to be split: checked once, and still fails"
git checkout -q --detach "$BROKEN"
mkdir -p generated
for i in $(seq 1 4000); do echo "x = $i" >"generated/module_with_a_long_descriptive_name_$i.py"; done
git add generated && git commit -qm generated --no-verify
run $TOOL run --all-files --verbose
expect_rc 1
expect_eq "$(grep -c "FAIL: Base docker-compose.yml valid" <<<"$OUT$ERR")" "1" "the base compose check is reported once"
t "$TOOL --all-files over a long list: a forbidden word in a generated file is found"
git checkout -q --detach "$BASE"
mkdir -p generated
for i in $(seq 1 4000); do echo "x = $i" >"generated/module_with_a_long_descriptive_name_$i.py"; done
echo "url = BAILEYS_BASE_URL" >>generated/module_with_a_long_descriptive_name_3999.py
git add generated && git commit -qm generated --no-verify
run $TOOL run --all-files
expect_rc 1
expect_log "module_with_a_long_descriptive_name_3999.py"
git checkout -q main

finish
