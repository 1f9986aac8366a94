#!/bin/sh
# Installs what smokehook needs from Debian 12's packages: to build it, and
# (with --tests) to run its test suite. Skips apt when everything is there.
set -eu

packages="build-essential cmake pkg-config git ca-certificates dpkg-dev xz-utils
  libgit2-dev libhttp-parser-dev zlib1g-dev libyaml-cpp-dev libre2-dev libcurl4-openssl-dev nlohmann-json3-dev
  libcli11-dev"
# --release: what install/release.sh needs for the static x86-64 and aarch64 binaries (OpenSSL's
# static archives for libcurl, Debian's cross compiler, qemu-user for the cross build's generator).
release="libssl-dev g++-aarch64-linux-gnu qemu-user-static"
if [ "${1:-}" = "--tests" ]; then
  # clang and its libFuzzer runtime: the suite runs every fuzz target briefly (tests/fuzz/run.sh).
  packages="$packages catch2 python3 python3-yaml pre-commit libxml2-utils clang libclang-rt-14-dev clang-format"
  command -v npm >/dev/null 2>&1 || packages="$packages npm"
  # tests/release: release.sh's packages, fresh Debian roots, file(1), the completions parsed by
  # their shells, the man page rendered.
  packages="$packages $release mmdebstrap file zsh fish groff-base"
elif [ "${1:-}" = "--release" ]; then
  packages="$packages $release"
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "smokehook: installing Debian packages:$missing"
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
