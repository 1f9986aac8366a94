#!/usr/bin/env bash
# Both release binaries are static executables of their architecture: no program interpreter
# (PT_INTERP), no NEEDED library (a static PIE keeps a dynamic section for its own relocations,
# with no library in it); file(1) says so too.
set -uo pipefail
: "${SMOKEHOOK_RELEASE_BIN:?}"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
for arch in x86_64 aarch64; do
  bin=$SMOKEHOOK_RELEASE_BIN/$arch/smokehook
  echo "--- $arch: $(file -b "$bin")"
  case $arch in x86_64) machine="Advanced Micro Devices X86-64" what="x86-64" ;; aarch64) machine=AArch64 what="ARM aarch64" ;; esac
  readelf -hW "$bin" | grep -q "Machine: *$machine\$" || fail "$arch: readelf says $(readelf -hW "$bin" | grep Machine)"
  file -b "$bin" | grep -Eq "ELF 64-bit LSB (pie )?executable, $what" || fail "$arch: not a 64-bit $what executable"
  # A static PIE (what release.sh links) or a plain static executable.
  file -b "$bin" | grep -Eq "static-pie linked|statically linked" || fail "$arch: file(1) does not say it is static"
  readelf -lW "$bin" | grep -q INTERP && fail "$arch: has a program interpreter (PT_INTERP)"
  readelf -dW "$bin" | grep -q NEEDED && fail "$arch: needs shared libraries: $(readelf -dW "$bin" | grep NEEDED)"
done
# The check can fail: the dynamic test build is not static.
if [ -n "${SMOKEHOOK_DYNAMIC:-}" ]; then
  readelf -lW "$SMOKEHOOK_DYNAMIC" | grep -q INTERP || fail "the dynamic build has no PT_INTERP: the check above cannot see one"
fi
echo "$fails failed"
[ "$fails" -eq 0 ]
