#!/bin/sh
# Builds a minimal static libgit2 from Debian 12's own source package
# (apt-get source, through a private apt state: the system's sources are not
# touched) into PREFIX: no HTTPS, SSH, Kerberos or NTLM, since smokehook only
# reads local repositories. Debian's shared libgit2 loads TLS and Kerberos
# libraries and reads the CA bundle in git_libgit2_init(): ~15 ms on every
# commit. Exit status non-zero when anything fails: the caller then builds
# against the shared library instead.
#
#   sh install/libgit2.sh PREFIX
set -eu
prefix=$1
[ -f "$prefix/lib/libgit2.a" ] && exit 0
work=$prefix.src
rm -rf "$work"
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" >"$work/sources.list"
apt_opts="-o Dir::State=$work/apt -o Dir::Cache=$work/apt -o Dir::Etc::SourceList=$work/sources.list
  -o Dir::Etc::SourceParts=/dev/null -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get $apt_opts update -qq
# shellcheck disable=SC2086
(cd "$work" && apt-get $apt_opts source --download-only libgit2 >/dev/null 2>&1)
(cd "$work" && dpkg-source -x --no-check libgit2_*.dsc src >/dev/null)
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_EXAMPLES=OFF -DBUILD_FUZZERS=OFF \
  -DUSE_HTTPS=OFF -DUSE_SSH=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF \
  -DREGEX_BACKEND=regcomp -DUSE_HTTP_PARSER=system -DUSE_BUNDLED_ZLIB=OFF \
  -DUSE_SHA1=CollisionDetection -DUSE_SHA256=Builtin -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_INSTALL_PREFIX="$prefix" -Wno-dev >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cmake --build "$work/build" -j "$(nproc)" >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cmake --install "$work/build" >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
echo "smokehook: built a static libgit2 ($(ls "$work" | sed -n 's/^libgit2_\(.*\)\.dsc$/\1/p')) into $prefix"
rm -rf "$work"
