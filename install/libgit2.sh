#!/bin/sh
# Builds a minimal static libgit2 from Debian 12's own source package
# (apt-get source, through a private apt state: the system's sources are not
# touched) into PREFIX: no HTTPS, SSH, Kerberos or NTLM, since smokehook only
# reads local repositories. Debian's shared libgit2 loads TLS and Kerberos
# libraries and reads the CA bundle in git_libgit2_init(): ~15 ms on every
# commit. Exit status non-zero when anything fails: the caller then builds
# against the shared library instead.
#
#   sh install/libgit2.sh PREFIX [TOOLCHAIN_FILE]
#
# TOOLCHAIN_FILE: a CMake toolchain file for another architecture (install/release.sh
# writes one for aarch64); without it, the machine's own compiler.
set -eu
prefix=$1
toolchain=${2:-}
[ -f "$prefix/lib/libgit2.a" ] && exit 0
here=$(cd "$(dirname "$0")" && pwd)
work=$prefix.src
rm -rf "$work"
version=$(sh "$here/debsrc.sh" "$work" libgit2)
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  ${toolchain:+-DCMAKE_TOOLCHAIN_FILE="$toolchain"} \
  -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_EXAMPLES=OFF -DBUILD_FUZZERS=OFF \
  -DUSE_HTTPS=OFF -DUSE_SSH=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF \
  -DREGEX_BACKEND=regcomp -DUSE_HTTP_PARSER=system -DUSE_BUNDLED_ZLIB=OFF \
  -DUSE_SHA1=CollisionDetection -DUSE_SHA256=Builtin -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_INSTALL_PREFIX="$prefix" -Wno-dev >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cmake --build "$work/build" -j "$(nproc)" >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cmake --install "$work/build" >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
echo "smokehook: built a static libgit2 ($version${toolchain:+, $(basename "$toolchain" .cmake)}) into $prefix"
rm -rf "$work"
