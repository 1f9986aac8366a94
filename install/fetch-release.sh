#!/bin/sh
# sh install/fetch-release.sh SOURCE VERSION DEST
#
# Installs smokehook VERSION from a release: the tarball for this machine
# (smokehook-VERSION-linux-ARCH.tar.gz), checked against the release's
# SHA256SUMS before anything is unpacked, into DEST/smokehook-VERSION-linux-ARCH/.
# Prints the path of the installed binary on stdout.
#
# SOURCE is where the release's files are: a base URL (GitHub:
# https://github.com/OWNER/REPO/releases/download/vVERSION), a file:// URL or a
# local folder. Used by action.yml; anyone can run it. Needs curl or wget for
# URLs, sha256sum (or shasum), tar and gzip.
set -eu

die() {
  echo "fetch-release.sh: $*" >&2
  exit 1
}
[ $# -eq 3 ] || die "usage: sh install/fetch-release.sh SOURCE VERSION DEST"
source=${1%/} version=${2#v} dest=$3
case $version in
  "" | *[!0-9.]*) die "VERSION '$2' is not X.Y.Z" ;;
esac

case $(uname -s) in
  Linux) ;;
  *) die "smokehook's releases are Linux binaries (x86_64, aarch64); on $(uname -s), build it from source (docs/install.md)" ;;
esac
case $(uname -m) in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no release binary for $(uname -m) (x86_64, aarch64); build it from source (docs/install.md)" ;;
esac
name=smokehook-$version-linux-$arch
tarball=$name.tar.gz

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# get FILE: the release's FILE into $tmp.
get() {
  case $source in
    http://* | https://* | file://*)
      if command -v curl >/dev/null; then
        curl -fsSL --retry 3 -o "$tmp/$1" "$source/$1" || die "could not download $source/$1"
      elif command -v wget >/dev/null; then
        wget -q -O "$tmp/$1" "$source/$1" || die "could not download $source/$1"
      else
        die "needs curl or wget to download $source/$1"
      fi ;;
    *)
      [ -f "$source/$1" ] || die "$source/$1: no such file"
      cp "$source/$1" "$tmp/$1" ;;
  esac
}
get SHA256SUMS
get "$tarball"

# The tarball's line of SHA256SUMS (`HASH  NAME`, or `HASH *NAME` for binary mode).
want=$(awk -v f="$tarball" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$want" ] || die "SHA256SUMS has no line for $tarball: refusing to install it"
if command -v sha256sum >/dev/null; then
  have=$(sha256sum "$tmp/$tarball" | cut -d' ' -f1)
elif command -v shasum >/dev/null; then
  have=$(shasum -a 256 "$tmp/$tarball" | cut -d' ' -f1)
else
  die "needs sha256sum or shasum to verify $tarball"
fi
[ "$have" = "$want" ] ||
  die "$tarball does not match SHA256SUMS (expected $want, got $have): refusing to install it"

mkdir -p "$tmp/unpack"
tar -xzf "$tmp/$tarball" -C "$tmp/unpack" || die "$tarball: could not unpack"
[ -x "$tmp/unpack/$name/bin/smokehook" ] || die "$tarball holds no $name/bin/smokehook"
said=$("$tmp/unpack/$name/bin/smokehook" --version 2>&1) || die "$name/bin/smokehook does not run here: $said"
[ "$said" = "smokehook $version" ] || die "$name/bin/smokehook says '$said', not 'smokehook $version'"

mkdir -p "$dest"
rm -rf "${dest:?}/$name"
mv "$tmp/unpack/$name" "$dest/$name"
echo "$(cd "$dest/$name/bin" && pwd)/smokehook"
