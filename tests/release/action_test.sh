#!/usr/bin/env bash
# The CI channels, run here as far as they can be: install/fetch-release.sh (the
# GitHub Action's install step) against a local copy of the release folder, its
# checksum check refusing a corrupted artifact; action.yml's install step and
# ci/github/run.sh (its check step) on real repositories; the GitLab template's
# job script with the release served from a file:// URL.
. "$(dirname "$0")/lib.sh"
need_artifacts
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import yaml' 2>/dev/null || { echo "SKIP: needs Debian's python3-yaml"; exit 77; }
FETCH=$SMOKEHOOK_SOURCE/install/fetch-release.sh
TARBALL=smokehook-$VERSION-linux-$ARCH.tar.gz
REL=$WORK/release
mkdir -p "$REL" && cp "$ARTIFACTS/SHA256SUMS" "$ARTIFACTS/$TARBALL" "$REL/"

t "fetch-release.sh installs the release from a folder, checksum verified"
run sh "$FETCH" "$REL" "$VERSION" "$WORK/dest"
expect_rc 0
BIN=$OUT
expect_eq "$BIN" "$WORK/dest/smokehook-$VERSION-linux-$ARCH/bin/smokehook" "the printed path"
run "$BIN" --version
expect_out "smokehook $VERSION"

t "fetch-release.sh from a file:// URL, version given as vX.Y.Z"
run sh "$FETCH" "file://$REL" "v$VERSION" "$WORK/dest2"
expect_rc 0
[ -x "$WORK/dest2/smokehook-$VERSION-linux-$ARCH/bin/smokehook" ] || fail "nothing installed"

t "fetch-release.sh refuses a corrupted tarball and installs nothing"
BAD=$WORK/bad
mkdir -p "$BAD" && cp "$REL/"* "$BAD/"
size=$(stat -c %s "$BAD/$TARBALL")
printf 'X' | dd of="$BAD/$TARBALL" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run sh "$FETCH" "$BAD" "$VERSION" "$WORK/dest3"
[ "$RC" -ne 0 ] || fail "a corrupted tarball was installed"
expect_err "does not match SHA256SUMS"
[ ! -e "$WORK/dest3/smokehook-$VERSION-linux-$ARCH" ] || fail "a refused tarball was unpacked into DEST"

t "fetch-release.sh refuses a tarball SHA256SUMS does not list"
grep -v " $TARBALL\$" "$REL/SHA256SUMS" >"$BAD/SHA256SUMS"
cp "$REL/$TARBALL" "$BAD/"
run sh "$FETCH" "$BAD" "$VERSION" "$WORK/dest3"
[ "$RC" -ne 0 ] || fail "an unlisted tarball was installed"
expect_err "SHA256SUMS has no line for $TARBALL"

t "fetch-release.sh refuses a version the release does not hold"
run sh "$FETCH" "$REL" 9.9.9 "$WORK/dest3"
[ "$RC" -ne 0 ] || fail "version 9.9.9 was installed"

# A repository with a healthy commit and a broken one on top.
R=$WORK/repo
new_repo "$R"
GOOD=$(git -C "$R" rev-parse HEAD)
break_compose "$R"
git -C "$R" commit -qam broken --no-verify
BROKEN=$(git -C "$R" rev-parse HEAD)

# action_step ID: action.yml's step ID's `run` script.
action_step() {
  "$PY" -c 'import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
print(next(s["run"] for s in a["runs"]["steps"] if s.get("id") == sys.argv[2]))' "$SMOKEHOOK_SOURCE/action.yml" "$1"
}

t "action.yml: inputs config, only, format, version; SARIF uploaded by codeql-action; scripts exist"
cat >"$WORK/action_check.py" <<'PY'
import os, re, sys, yaml
src = sys.argv[1]
a = yaml.safe_load(open(os.path.join(src, "action.yml")))
assert a["runs"]["using"] == "composite"
for name in ("config", "only", "format", "version"):
    assert name in a["inputs"], name
steps = a["runs"]["steps"]
assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
paths = [p for s in steps for p in re.findall(r"action_path\W*/([\w./-]+)", s.get("run", ""), re.I)]
assert sorted(set(paths)) == ["CMakeLists.txt", "ci/github/run.sh", "install/fetch-release.sh"], paths
for path in paths:
    assert os.path.isfile(os.path.join(src, path)), path
print("ok")
PY
run "$PY" "$WORK/action_check.py" "$SMOKEHOOK_SOURCE"
expect_rc 0
expect_out ok

t "action.yml's install step, run as the runner would, installs the release and puts it on PATH"
mkdir -p "$WORK/runner"
: >"$WORK/runner/output" && : >"$WORK/runner/path"
run env VERSION="" RELEASE_URL="file://$REL" ACTION_PATH="$SMOKEHOOK_SOURCE" ACTION_REPOSITORY=owner/smokehook \
  SERVER_URL=https://github.invalid RUNNER_TEMP="$WORK/runner" GITHUB_OUTPUT="$WORK/runner/output" \
  GITHUB_PATH="$WORK/runner/path" sh -c "$(action_step install)"
expect_rc 0
expect_out "smokehook $VERSION"
grep -qx "binary=$WORK/runner/smokehook/smokehook-$VERSION-linux-$ARCH/bin/smokehook" "$WORK/runner/output" ||
  fail "no binary= output: $(cat "$WORK/runner/output")"
grep -qx "$WORK/runner/smokehook/smokehook-$VERSION-linux-$ARCH/bin" "$WORK/runner/path" || fail "not put on PATH"
ABIN=$WORK/runner/smokehook/smokehook-$VERSION-linux-$ARCH/bin/smokehook

# check EVENT HEAD [BASE]: ci/github/run.sh in the repository at HEAD, SARIF into $WORK/report.sarif.
check() {
  git -C "$R" checkout -q --detach "$2"
  : >"$WORK/runner/output"
  cd "$R" || exit 1
  run env SMOKEHOOK="$ABIN" EVENT="$1" HEAD="$2" BASE="${3:-}" FORMAT=sarif REPORT="$WORK/report.sarif" \
    GITHUB_OUTPUT="$WORK/runner/output" sh "$SMOKEHOOK_SOURCE/ci/github/run.sh"
  cd "$WORK" || exit 1
}
sarif_results() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["version"]=="2.1.0"; print(sum(len(r["results"]) for r in j["runs"]))' "$WORK/report.sarif"; }

t "the action's check on a push: every check; a healthy tree passes with an empty SARIF"
check push "$GOOD"
expect_rc 0
expect_out "every check (push)"
expect_eq "$(sarif_results)" 0 "SARIF results"
grep -qx "exit-code=0" "$WORK/runner/output" || fail "no exit-code=0 output"

t "the action's check on a push: a broken tree fails, the SARIF names the finding"
check push "$BROKEN"
expect_rc 1
[ "$(sarif_results)" -ge 1 ] || fail "the SARIF has no result"
grep -q "docker-compose.yml" "$WORK/report.sarif" || fail "the SARIF does not name docker-compose.yml"
grep -qx "exit-code=1" "$WORK/runner/output" || fail "no exit-code=1 output"

t "the action's check on a pull request: the range BASE...HEAD"
check pull_request "$BROKEN" "$GOOD"
expect_rc 1
expect_out "the checks affected by $GOOD...$BROKEN"
expect_log "unknown key 'imag'"
t "the action's check on a pull request that changes nothing a check reads passes"
git -C "$R" checkout -q --detach "$GOOD"
echo "# docs" >>"$R/README.md" && git -C "$R" commit -qam docs --no-verify
DOCS=$(git -C "$R" rev-parse HEAD)
check pull_request "$DOCS" "$GOOD"
expect_rc 0

t "the GitLab template's job: a merge request's range, JUnit and SARIF reports"
GL=$WORK/gitlab
mkdir -p "$GL/v$VERSION" && cp "$REL/"* "$GL/v$VERSION/"
gitlab_script() {
  "$PY" -c 'import sys, yaml
t = yaml.safe_load(open(sys.argv[1]))
print("\n".join(t["smokehook"]["script"]))' "$SMOKEHOOK_SOURCE/ci/gitlab/smokehook.gitlab-ci.yml"
}
gitlab_job() { # HEAD [BASE]
  git -C "$R" checkout -q --detach "$1"
  rm -f "$R/smokehook-junit.xml" "$R/smokehook.sarif"
  local script
  script=$(gitlab_script)
  cd "$R" || exit 1
  run env SMOKEHOOK_VERSION="$VERSION" SMOKEHOOK_RELEASES="file://$GL" SMOKEHOOK_CONFIG= SMOKEHOOK_ONLY= \
    CI_COMMIT_SHA="$1" CI_MERGE_REQUEST_DIFF_BASE_SHA="${2:-}" sh -c "$script"
  cd "$WORK" || exit 1
}
gitlab_job "$BROKEN" "$GOOD"
expect_rc 1
expect_log "unknown key 'imag'"
xmllint --noout "$R/smokehook-junit.xml" 2>/dev/null || [ -s "$R/smokehook-junit.xml" ] || fail "no JUnit report"
grep -q "<failure" "$R/smokehook-junit.xml" || fail "the JUnit report has no failure"
grep -q '"2.1.0"' "$R/smokehook.sarif" || fail "no SARIF report"
t "the GitLab template's job on a branch: every check; healthy passes"
gitlab_job "$GOOD"
expect_rc 0
grep -q "<failure" "$R/smokehook-junit.xml" && fail "a healthy tree's JUnit report has a failure"
t "the GitLab template's job refuses a corrupted tarball"
cp "$BAD/$TARBALL" "$GL/v$VERSION/$TARBALL"
cp "$REL/SHA256SUMS" "$GL/v$VERSION/SHA256SUMS"
printf 'X' | dd of="$GL/v$VERSION/$TARBALL" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
gitlab_job "$GOOD"
expect_rc 2
expect_log "does not match SHA256SUMS"

finish
