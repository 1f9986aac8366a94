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
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMOKEHOOK_WERROR=ON \
  ${SMOKEHOOK_SANITIZE:+-DSMOKEHOOK_SANITIZE=ON} $libgit2 >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
exec ctest --output-on-failure -j "$(nproc)"
