#!/bin/sh
# Builds a static libcurl from Debian 12's curl source package into PREFIX,
# for the release binaries (install/release.sh): HTTP and HTTPS only, TLS by
# OpenSSL from libssl-dev's static archives, no compression, IDN, PSL, SSH,
# LDAP or HTTP/2. A statically linked program cannot dlopen() the system's
# libcurl, so the live checks link this one in. No CA bundle is compiled in:
# smokehook finds the system's at run time. Skips the build when PREFIX has one.
#
#   sh install/curl.sh PREFIX [TOOLCHAIN_FILE]
set -eu
prefix=$1
toolchain=${2:-}
[ -f "$prefix/lib/libcurl.a" ] && exit 0
here=$(cd "$(dirname "$0")" && pwd)
work=$prefix.curl-src
rm -rf "$work"
version=$(sh "$here/debsrc.sh" "$work" curl)
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  ${toolchain:+-DCMAKE_TOOLCHAIN_FILE="$toolchain"} \
  -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DENABLE_MANUAL=OFF -DPICKY_COMPILER=OFF \
  -DHTTP_ONLY=ON -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON -DCURL_DISABLE_ALTSVC=ON \
  -DCURL_DISABLE_HSTS=ON -DCURL_DISABLE_COOKIES=ON -DCURL_DISABLE_NETRC=ON -DCURL_DISABLE_NTLM=ON \
  -DCURL_USE_OPENSSL=ON -DOPENSSL_USE_STATIC_LIBS=ON -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON \
  -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_CA_FALLBACK=OFF \
  -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF \
  -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF \
  -DENABLE_THREADED_RESOLVER=ON -DENABLE_UNIX_SOCKETS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_INSTALL_PREFIX="$prefix" -Wno-dev >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cmake --build "$work/build" -j "$(nproc)" >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cmake --install "$work/build" >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
echo "smokehook: built a static libcurl ($version${toolchain:+, $(basename "$toolchain" .cmake)}) into $prefix"
rm -rf "$work"
