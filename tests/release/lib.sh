# Shared by the channels tests (tests/release/*_test.sh): the e2e helpers, and
# the release artifacts they check.
# ARTIFACTS: a folder made by install/release.sh (SMOKEHOOK_ARTIFACTS), else the
# test build's own binary as install/package.sh packages it (SMOKEHOOK_PACKAGED,
# which the channels.package test fills first).
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
: "${SMOKEHOOK_SOURCE:?SMOKEHOOK_SOURCE must name this repository}"
VERSION=$(sed -n 's/^project(smokehook VERSION \([0-9.]*\).*/\1/p' "$SMOKEHOOK_SOURCE/CMakeLists.txt")
ARCH=$(uname -m)
case $ARCH in
  x86_64) DEB_ARCH=amd64 NPM_CPU=x64 ;;
  aarch64) DEB_ARCH=arm64 NPM_CPU=arm64 ;;
  *) echo "SKIP: no release artifacts for $ARCH"; exit 77 ;;
esac
ARTIFACTS=${SMOKEHOOK_ARTIFACTS:-${SMOKEHOOK_PACKAGED:-}}

# need_artifacts: the folder holds this machine's artifacts and their SHA256SUMS.
need_artifacts() {
  [ -n "$ARTIFACTS" ] && [ -f "$ARTIFACTS/SHA256SUMS" ] && [ -f "$ARTIFACTS/smokehook-$VERSION-linux-$ARCH.tar.gz" ] || {
    echo "FAIL: no release artifacts of $VERSION in '${ARTIFACTS}' (SMOKEHOOK_ARTIFACTS, or run the channels.package test first)"
    exit 1
  }
}

# clean_path: PATH without any folder that holds a smokehook (the channel must bring its own).
clean_path() {
  local out="" d
  local IFS=:
  for d in $PATH; do
    [ -n "$d" ] && [ ! -e "$d/smokehook" ] && out=${out:+$out:}$d
  done
  echo "$out"
}
