#!/usr/bin/env bash
# The release tests' fixture: checks the release folder's tarballs against its SHA256SUMS and
# unpacks each one's bin/smokehook to $SMOKEHOOK_RELEASE_BIN/ARCH/smokehook, where the other
# release tests take them from (so what they test is what the tarballs hold).
set -euo pipefail
: "${SMOKEHOOK_ARTIFACTS:?SMOKEHOOK_ARTIFACTS must name the folder install/release.sh made}"
: "${SMOKEHOOK_RELEASE_BIN:?}" "${SMOKEHOOK_VERSION:?}"
cd "$SMOKEHOOK_ARTIFACTS"
[ -s SHA256SUMS ] || { echo "FAIL: no SHA256SUMS in $SMOKEHOOK_ARTIFACTS"; exit 1; }
sha256sum --quiet -c SHA256SUMS || { echo "FAIL: SHA256SUMS does not match the artifacts"; exit 1; }
rm -rf "$SMOKEHOOK_RELEASE_BIN"
for arch in x86_64 aarch64; do
  name=smokehook-$SMOKEHOOK_VERSION-linux-$arch
  [ -f "$name.tar.gz" ] || { echo "FAIL: no $name.tar.gz"; exit 1; }
  grep -q "  $name.tar.gz\$" SHA256SUMS || { echo "FAIL: $name.tar.gz is not in SHA256SUMS"; exit 1; }
  # One top folder, the binary in its bin/.
  top=$(tar -tzf "$name.tar.gz" | cut -d/ -f1 | sort -u)
  [ "$top" = "$name" ] || { echo "FAIL: $name.tar.gz holds '$top', not one folder $name/"; exit 1; }
  mkdir -p "$SMOKEHOOK_RELEASE_BIN/$arch"
  tar -xzf "$name.tar.gz" -C "$SMOKEHOOK_RELEASE_BIN/$arch" "$name/bin/smokehook"
  mv "$SMOKEHOOK_RELEASE_BIN/$arch/$name/bin/smokehook" "$SMOKEHOOK_RELEASE_BIN/$arch/smokehook"
  rm -rf "${SMOKEHOOK_RELEASE_BIN:?}/$arch/$name"
  [ -x "$SMOKEHOOK_RELEASE_BIN/$arch/smokehook" ] || { echo "FAIL: $name/bin/smokehook is not executable"; exit 1; }
  echo "$name: bin/smokehook unpacked"
done
