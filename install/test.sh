#!/bin/sh
# The second command: installs what the tests need, builds with warnings as
# errors, and runs the whole suite (unit tests and end-to-end tests with real
# git repositories) through ctest.
set -eu
cd "$(dirname "$0")/.."

sh install/deps.sh --tests
build=${SMOKEHOOK_BUILD_DIR:-build-tests}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMOKEHOOK_WERROR=ON \
  ${SMOKEHOOK_SANITIZE:+-DSMOKEHOOK_SANITIZE=ON} >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
exec ctest --output-on-failure -j "$(nproc)"
