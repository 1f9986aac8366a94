#!/bin/sh
# Fetches and unpacks one of Debian 12's source packages (apt-get source,
# through a private apt state: the system's sources and lists are not touched)
# into WORK/src. Prints nothing on success but the package's version.
#
#   sh install/debsrc.sh WORK PACKAGE
set -eu
work=$1 pkg=$2
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
key=/usr/share/keyrings/debian-archive-keyring.gpg
{
  echo "deb-src [signed-by=$key] $mirror bookworm main"
  echo "deb-src [signed-by=$key] $mirror bookworm-updates main"
} >"$work/sources.list"
apt_opts="-o Dir::State=$work/apt -o Dir::Cache=$work/apt -o Dir::Etc::SourceList=$work/sources.list
  -o Dir::Etc::SourceParts=/dev/null -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get $apt_opts update -qq
# shellcheck disable=SC2086
(cd "$work" && apt-get $apt_opts source --download-only "$pkg" >/dev/null 2>&1)
rm -rf "$work/src"
(cd "$work" && dpkg-source -x --no-check "${pkg}"_*.dsc src >/dev/null)
ls "$work" | sed -n "s/^${pkg}_\\(.*\\)\\.dsc\$/\\1/p" | head -1
