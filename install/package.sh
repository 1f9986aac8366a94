#!/bin/sh
# sh install/package.sh OUT VERSION ARCH BINARY
#
# Packages one architecture's smokehook binary for every channel, into OUT:
#   smokehook-V-linux-ARCH.tar.gz                 bin/smokehook, man page, completions, README, CHANGELOG
#   smokehook_V_amd64.deb | smokehook_V_arm64.deb (dpkg-deb)
#   smokehook-linux-x64-V.tgz | ...-arm64-V.tgz   npm @smokehook/linux-x64 | linux-arm64 (the binary)
#   smokehook-V.tgz                               npm `smokehook` (the launcher; the same for every ARCH)
#   smokehook-V-py3-none-manylinux_2_17_ARCH.whl  the binary as the wheel's script
# ARCH is x86_64 or aarch64. install/release.sh calls it once per architecture and
# writes SHA256SUMS. Offline: only tar, gzip, dpkg-deb, npm pack and python3.
#
# The man page and completions are printed by a smokehook that runs here
# (`smokehook --generate-docs DIR`, from the command line's one definition):
# BINARY itself, or SMOKEHOOK_HOST_BINARY when BINARY is another architecture's.
set -eu

die() {
  echo "package.sh: $*" >&2
  exit 1
}
[ $# -eq 4 ] || die "usage: sh install/package.sh OUT VERSION ARCH BINARY (ARCH: x86_64 | aarch64)"
out=$1 version=$2 arch=$3 binary=$4
src=$(cd "$(dirname "$0")/.." && pwd)

case $version in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) die "VERSION '$version' is not X.Y.Z" ;;
esac
case $version in *[!0-9.]*) die "VERSION '$version' is not X.Y.Z" ;; esac
case $arch in
  x86_64) deb_arch=amd64 npm_cpu=x64 elf_machine=62 ;;
  aarch64) deb_arch=arm64 npm_cpu=arm64 elf_machine=183 ;;
  *) die "ARCH '$arch' is not x86_64 or aarch64" ;;
esac
[ -f "$binary" ] && [ -x "$binary" ] || die "$binary: not an executable file"
# The ELF header's e_machine (bytes 18-19, little-endian) must be ARCH's.
machine=$(od -An -tu2 -j18 -N2 "$binary" | tr -d ' ')
[ "$machine" = "$elf_machine" ] || die "$binary is not an $arch binary (ELF machine $machine)"

host=${SMOKEHOOK_HOST_BINARY:-$binary}
said=$("$host" --version 2>/dev/null) || die "$host does not run here (set SMOKEHOOK_HOST_BINARY to a smokehook that does)"
[ "$said" = "smokehook $version" ] || die "$host says '$said', not 'smokehook $version'"
if [ "$host" != "$binary" ] && said=$("$binary" --version 2>/dev/null); then
  [ "$said" = "smokehook $version" ] || die "$binary says '$said', not 'smokehook $version'"
fi

for tool in tar gzip dpkg-deb npm python3 od; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
[ -f "$src/CHANGELOG.md" ] || die "no CHANGELOG.md in $src"
license=""
for f in LICENSE LICENSE.md LICENSE.txt COPYING; do
  [ -f "$src/$f" ] && license=$f && break
done
[ -n "$license" ] || echo "package.sh: warning: the repository has no LICENSE file; the packages say so" >&2

mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# Reproducible: every timestamp is the commit's (or SOURCE_DATE_EPOCH), owners are root.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 315532800)
fi
export SOURCE_DATE_EPOCH
umask 022

"$host" --generate-docs "$tmp/docs" || die "$host --generate-docs failed"
for f in smokehook.1 completions/smokehook.bash completions/_smokehook completions/smokehook.fish; do
  [ -s "$tmp/docs/$f" ] || die "$host --generate-docs wrote no $f"
done

# A folder's files, sorted, with fixed owners and times, as tar.gz.
pack_tree() { # DIR (relative to $2) PARENT OUTFILE
  (cd "$2" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    --format=gnu -cf - "$1") | gzip -9n >"$3"
}

# 1. The tarball.
name=smokehook-$version-linux-$arch
t=$tmp/tar/$name
mkdir -p "$t/bin" "$t/completions"
cp "$binary" "$t/bin/smokehook"
chmod 0755 "$t/bin/smokehook"
cp "$tmp/docs/smokehook.1" "$t/smokehook.1"
cp "$tmp/docs/completions/smokehook.bash" "$tmp/docs/completions/_smokehook" \
  "$tmp/docs/completions/smokehook.fish" "$t/completions/"
cp "$src/README.md" "$src/CHANGELOG.md" "$t/"
[ -z "$license" ] || cp "$src/$license" "$t/"
pack_tree "$name" "$tmp/tar" "$out/$name.tar.gz"

# 2. The Debian package: a static binary needs no library; git runs the hooks it installs.
d=$tmp/deb
mkdir -p "$d/DEBIAN" "$d/usr/bin" "$d/usr/share/man/man1" "$d/usr/share/doc/smokehook" \
  "$d/usr/share/bash-completion/completions" "$d/usr/share/zsh/vendor-completions" \
  "$d/usr/share/fish/vendor_completions.d"
cp "$binary" "$d/usr/bin/smokehook"
chmod 0755 "$d/usr/bin/smokehook"
gzip -9n <"$tmp/docs/smokehook.1" >"$d/usr/share/man/man1/smokehook.1.gz"
cp "$tmp/docs/completions/smokehook.bash" "$d/usr/share/bash-completion/completions/smokehook"
cp "$tmp/docs/completions/_smokehook" "$d/usr/share/zsh/vendor-completions/_smokehook"
cp "$tmp/docs/completions/smokehook.fish" "$d/usr/share/fish/vendor_completions.d/smokehook.fish"
gzip -9n <"$src/CHANGELOG.md" >"$d/usr/share/doc/smokehook/changelog.gz"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: smokehook"
  echo
  echo "Files: *"
  if [ -n "$license" ]; then
    echo "License: see below"
    echo " The binary also holds, statically linked, code of Debian 12's libgit2, yaml-cpp,"
    echo " RE2, curl, zlib, http-parser, libstdc++ and glibc, under their own licenses"
    echo " (/usr/share/doc/PACKAGE/copyright on a Debian system)."
    echo " ."
    sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$src/$license"
  else
    echo "License: none stated"
    echo " The smokehook repository states no license yet."
  fi
} >"$d/usr/share/doc/smokehook/copyright"
(cd "$d" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$d/DEBIAN/md5sums"
installed_kib=$(du -sk "$d/usr" | cut -f1)
cat >"$d/DEBIAN/control" <<CONTROL
Package: smokehook
Version: $version
Architecture: $deb_arch
Maintainer: smokehook maintainers <smokehook@example.invalid>
Installed-Size: $installed_kib
Recommends: git
Section: devel
Priority: optional
Description: git pre-commit/pre-push hook guarding infrastructure invariants
 smokehook checks a repository's compose files (merged with their overlays and
 profiles, interpolated, validated natively as docker compose v2 does), service
 ordering and wiring gates on exactly what is being committed or pushed: the
 staged blobs, each pushed commit's tree, a CI range, or a server's pre-receive.
 The binary is statically linked and needs nothing else installed.
CONTROL
find "$d" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$d" "$out/smokehook_${version}_$deb_arch.deb" >/dev/null

# 3. npm: the platform package carries the binary; the launcher finds it (packaging/npm/smokehook).
npm_license=UNLICENSED
[ -z "$license" ] || npm_license="SEE LICENSE IN $license"
np=$tmp/npm-platform
mkdir -p "$np/bin"
cp "$binary" "$np/bin/smokehook"
chmod 0755 "$np/bin/smokehook"
[ -z "$license" ] || cp "$src/$license" "$np/"
cat >"$np/package.json" <<JSON
{
  "name": "@smokehook/linux-$npm_cpu",
  "version": "$version",
  "description": "The linux $npm_cpu binary of smokehook (installed by the smokehook package)",
  "license": "$npm_license",
  "os": ["linux"],
  "cpu": ["$npm_cpu"],
  "preferUnplugged": true,
  "files": ["bin/smokehook"]
}
JSON
printf '# @smokehook/linux-%s\n\nThe native smokehook binary for linux %s, installed by the `smokehook` npm package.\n' \
  "$npm_cpu" "$npm_cpu" >"$np/README.md"
nl=$tmp/npm-launcher
mkdir -p "$nl/bin"
cp "$src/packaging/npm/smokehook" "$nl/bin/smokehook"
chmod 0755 "$nl/bin/smokehook"
cp "$src/README.md" "$src/CHANGELOG.md" "$nl/"
[ -z "$license" ] || cp "$src/$license" "$nl/"
cat >"$nl/package.json" <<JSON
{
  "name": "smokehook",
  "version": "$version",
  "description": "git pre-commit/pre-push hook guarding infrastructure invariants (native binary)",
  "license": "$npm_license",
  "keywords": ["git", "hook", "pre-commit", "pre-push", "docker-compose"],
  "bin": { "smokehook": "bin/smokehook" },
  "files": ["bin/smokehook", "CHANGELOG.md"],
  "optionalDependencies": {
    "@smokehook/linux-x64": "$version",
    "@smokehook/linux-arm64": "$version"
  }
}
JSON
# npm pack gives every entry the same fixed time; no registry is contacted.
(cd "$np" && npm pack --offline --silent --pack-destination "$out" >/dev/null)
(cd "$nl" && npm pack --offline --silent --pack-destination "$out" >/dev/null)
[ -f "$out/smokehook-linux-$npm_cpu-$version.tgz" ] && [ -f "$out/smokehook-$version.tgz" ] ||
  die "npm pack did not write the expected files"

# 4. The wheel: the binary is the wheel's script (NAME.data/scripts/), which pip installs as is into
# the environment's bin: the pre-commit framework then runs the binary itself, no Python in between.
python3 "$src/packaging/wheel.py" --out "$out" --version "$version" --arch "$arch" \
  --binary "$binary" ${license:+--license "$src/$license"}
