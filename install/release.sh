#!/bin/sh
# Makes every release artifact of the version in CMakeLists.txt into OUT, on a
# Debian 12 (amd64) machine, from Debian's packages only:
#   - an x86-64 and an aarch64 smokehook, each one fully static executable
#     (glibc, libstdc++, libgit2, RE2, yaml-cpp, zlib, http-parser, libcurl
#     and OpenSSL linked in): they run on any Linux of their architecture;
#   - per architecture, what install/package.sh makes of it (tarball, .deb,
#     npm package, wheel);
#   - SHA256SUMS over all of them.
# Nothing is published or uploaded.
#
#   sh install/release.sh OUT
#
# The slow parts (libgit2 and libcurl from Debian's source packages, the arm64
# sysroot, the builds) are kept in a cache folder and reused by the next run:
# SMOKEHOOK_RELEASE_CACHE, default OUT.cache beside OUT. Removing it starts
# from scratch. The binaries themselves stay there too:
# CACHE/x86_64/smokehook and CACHE/aarch64/smokehook.
# SMOKEHOOK_RELEASE_ARCHES (default "x86_64 aarch64") builds fewer. SMOKEHOOK_LIBGIT2_DIR: a
# static libgit2 that install/libgit2.sh already made for this machine (install/test.sh passes
# its own), used for x86-64 instead of building a second one.
set -eu
[ $# -eq 1 ] || { echo "usage: sh install/release.sh OUT" >&2; exit 2; }
cd "$(dirname "$0")/.."
src=$PWD
out=$1
case $out in /*) ;; *) out=$PWD/$out ;; esac
out=${out%/}
cache=${SMOKEHOOK_RELEASE_CACHE:-$out.cache}
case $cache in /*) ;; *) cache=$PWD/$cache ;; esac
arches=${SMOKEHOOK_RELEASE_ARCHES:-x86_64 aarch64}
version=$(sed -n 's/^project(smokehook VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "smokehook: no version in CMakeLists.txt's project()" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "smokehook: release.sh runs on an x86-64 Debian 12 machine" >&2; exit 1; }

sh install/deps.sh --release
mkdir -p "$out" "$cache"
rm -f "$out"/smokehook* "$out/SHA256SUMS"
launcher=""
command -v ccache >/dev/null 2>&1 &&
  launcher="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
log() { echo "smokehook release: $*"; }

# A cross toolchain for CMake: Debian's aarch64 compiler (its own C library and libstdc++), the
# sysroot's packages for everything else, qemu-user to run the build's generator program.
write_toolchain() { # FILE SYSROOT
  cat >"$1.new" <<EOF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH "$2" /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_C_FLAGS_INIT "-isystem $2/usr/include/aarch64-linux-gnu -isystem $2/usr/include")
set(CMAKE_CXX_FLAGS_INIT "-isystem $2/usr/include/aarch64-linux-gnu -isystem $2/usr/include")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L$2/usr/lib/aarch64-linux-gnu")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /usr/aarch64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} "$2/usr/lib/aarch64-linux-gnu/pkgconfig:$2/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "$2")
EOF
  if cmp -s "$1.new" "$1"; then rm "$1.new"; else mv "$1.new" "$1"; fi
}

# A static executable: no program interpreter, no dynamic section.
is_static() {
  ! readelf -lW "$1" | grep -q 'INTERP' && ! readelf -dW "$1" 2>/dev/null | grep -q NEEDED
}

build() { # ARCH
  arch=$1
  dir=$cache/$arch
  mkdir -p "$dir"
  case $arch in
    x86_64)
      prefix=$dir/prefix toolchain="" strip=strip
      git2=${SMOKEHOOK_LIBGIT2_DIR:-$prefix}
      ;;
    aarch64)
      sh install/sysroot.sh "$dir/sysroot" arm64
      prefix=$dir/sysroot/usr/local toolchain=$dir/toolchain.cmake strip=aarch64-linux-gnu-strip
      write_toolchain "$toolchain" "$dir/sysroot"
      git2=$prefix
      ;;
    *) echo "smokehook: no release build for $arch (x86_64, aarch64)" >&2; exit 1 ;;
  esac
  sh install/libgit2.sh "$git2" $toolchain
  sh install/curl.sh "$prefix" $toolchain
  log "building smokehook $version for $arch"
  # shellcheck disable=SC2086
  cmake -S "$src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DSMOKEHOOK_TESTS=OFF \
    ${toolchain:+-DCMAKE_TOOLCHAIN_FILE="$toolchain"} $launcher \
    -DSMOKEHOOK_STATIC=ON -DSMOKEHOOK_LIBGIT2_DIR="$git2" -DCMAKE_PREFIX_PATH="$prefix" \
    -DOPENSSL_USE_STATIC_LIBS=ON >"$dir/cmake.log" 2>&1 || { tail -30 "$dir/cmake.log"; exit 1; }
  # glibc's linker warnings (getaddrinfo, dlopen in static programs) are expected and kept in the log.
  cmake --build "$dir/build" -j "$(nproc)" >"$dir/build.log" 2>&1 || { grep -v '^\[' "$dir/build.log" | tail -30; exit 1; }
  $strip -o "$dir/smokehook" "$dir/build/smokehook"
  is_static "$dir/smokehook" || { echo "smokehook: $arch binary is not static" >&2; exit 1; }
  log "$arch: $dir/smokehook ($(wc -c <"$dir/smokehook") bytes, static)"
}

for arch in $arches; do build "$arch"; done
host=$cache/x86_64/smokehook
case " $arches " in *" x86_64 "*) ;; *) host="" ;; esac
if [ -n "$host" ]; then
  got=$("$host" --version)
  [ "$got" = "smokehook $version" ] || { echo "smokehook: the binary says '$got', expected $version" >&2; exit 1; }
fi

for arch in $arches; do
  bin=$cache/$arch/smokehook
  if [ -f install/package.sh ]; then
    SMOKEHOOK_HOST_BINARY=${host:-$bin} sh install/package.sh "$out" "$version" "$arch" "$bin"
  else
    # Without install/package.sh: the tarball alone, in its layout.
    name=smokehook-$version-linux-$arch
    stage=$cache/stage/$name
    rm -rf "$cache/stage"
    mkdir -p "$stage/bin"
    cp "$bin" "$stage/bin/smokehook"
    for f in README.md CHANGELOG.md LICENSE*; do [ -f "$f" ] && cp "$f" "$stage/"; done
    tar -C "$cache/stage" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
    rm -rf "$cache/stage"
  fi
done
(cd "$out" && for f in *; do [ "$f" = SHA256SUMS ] || echo "$f"; done | LC_ALL=C sort | xargs sha256sum -- >SHA256SUMS)
log "$(($(wc -l <"$out/SHA256SUMS"))) artifacts in $out:"
sed 's/^[0-9a-f]*  /  /' "$out/SHA256SUMS"
