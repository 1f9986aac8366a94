#!/bin/sh
# The second command: installs what the tests need, builds with warnings as
# errors, and runs the whole suite (unit tests and end-to-end tests with real
# git repositories) through ctest.
set -eu
cd "$(dirname "$0")/.."

sh install/deps.sh --tests
build=${SMOKEHOOK_BUILD_DIR:-build-tests}
case $build in /*) ;; *) build=$PWD/$build ;; esac
# The same libgit2 as the first command: static from Debian's source package, else the shared one.
libgit2=""
sh install/libgit2.sh "$build/_deps/libgit2" && libgit2="-DSMOKEHOOK_LIBGIT2_DIR=$build/_deps/libgit2" ||
  echo "smokehook: building against Debian's shared libgit2 instead"
# The hook managers the end-to-end tests drive, pinned, into the build (never globally). prek and
# lefthook come as platform binaries inside npm packages; --ignore-scripts: lefthook's postinstall
# would run `lefthook install` in the folder npm was started from. When npm cannot reach its
# registry, their tests are skipped and say why (ctest shows them as skipped).
npm_dir=$build/npm
mkdir -p "$npm_dir"
[ -f "$npm_dir/package.json" ] || echo '{ "private": true }' >"$npm_dir/package.json"
(cd "$npm_dir" && npm install --save-exact --ignore-scripts --no-audit --no-fund --silent \
  @j178/prek@0.5.3 lefthook@2.2.2 husky@9.1.7) ||
  echo "smokehook: could not install prek, lefthook and husky from npm; their tests will be skipped"
# The release artifacts (static x86-64 and aarch64 binaries and their packages), which the release.*
# tests check. Their dependencies and builds are cached in $build/release.cache: a cold run builds
# libcurl twice, libgit2 and smokehook for aarch64 and smokehook for x86-64 once more (about 10-15
# minutes on 2 quiet cores; see docs/release.md), a warm one takes ~20 s; the release tests ~4 minutes
# of ctest's time at -j2. SMOKEHOOK_RELEASE_TESTS=0 leaves them out.
artifacts=""
if [ "${SMOKEHOOK_RELEASE_TESTS:-1}" != 0 ]; then
  SMOKEHOOK_RELEASE_CACHE=$build/release.cache SMOKEHOOK_LIBGIT2_DIR=${libgit2:+$build/_deps/libgit2} \
    sh install/release.sh "$build/release"
  artifacts=$build/release
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMOKEHOOK_WERROR=ON \
  ${SMOKEHOOK_SANITIZE:+-DSMOKEHOOK_SANITIZE=ON} $libgit2 -DSMOKEHOOK_NPM_DIR="$npm_dir" \
  -DSMOKEHOOK_ARTIFACTS_DIR="$artifacts" >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
exec ctest --output-on-failure -j "$(nproc)"
