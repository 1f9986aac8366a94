#!/bin/sh
# debian_root.sh SUITE: prints the path of a fresh minimal Debian root of SUITE
# (bullseye, bookworm, trixie) as a tarball, made once with
# `mmdebstrap --variant=minbase SUITE` from Debian's mirror as apt is set up on
# this machine, and cached in $SMOKEHOOK_ROOTS_DIR (the build folder's roots/).
# Two tests asking at once wait for one build (flock). Exit 77 (ctest: skipped)
# when it cannot be made (no mmdebstrap, no mirror), saying why.
set -eu
suite=${1:?usage: debian_root.sh SUITE}
dir=${SMOKEHOOK_ROOTS_DIR:?SMOKEHOOK_ROOTS_DIR must name the cache folder}
mkdir -p "$dir"
tarball=$dir/$suite-minbase.tar
exec 9>"$dir/.$suite.lock"
flock 9
if [ ! -s "$tarball" ]; then
  command -v mmdebstrap >/dev/null || { echo "SKIP: mmdebstrap is not installed" >&2; exit 77; }
  part=$dir/.$suite-minbase.part.tar
  rm -f "$part"
  if ! mmdebstrap --quiet --variant=minbase --format=tar "$suite" "$part" >&2; then
    rm -f "$part"
    echo "SKIP: mmdebstrap could not make a $suite root (no Debian mirror reachable?)" >&2
    exit 77
  fi
  mv "$part" "$tarball"
fi
echo "$tarball"
