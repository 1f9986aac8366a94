#!/bin/sh
# Makes a sysroot of another architecture's Debian 12 packages for a cross
# build (install/release.sh): `apt-get download` through a private apt state,
# then `dpkg -x` of each package into DIR. Nothing is installed on the machine
# (multiarch :arm64 -dev packages would conflict with the amd64 ones).
#
#   sh install/sysroot.sh DIR ARCH        (ARCH: a Debian architecture, e.g. arm64)
set -eu
dir=$1 arch=$2
# The -dev packages for their headers and static archives; the runtime packages
# because the -dev packages' CMake files name the shared libraries too.
packages="libre2-dev libre2-9 libyaml-cpp-dev libyaml-cpp0.7 zlib1g-dev zlib1g
  libhttp-parser-dev libhttp-parser2.9 libssl-dev libssl3 nlohmann-json3-dev libcli11-dev"
stamp=$dir/.packages
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$arch $packages" ] && exit 0
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
work=$dir.apt
rm -rf "$dir" "$work"
mkdir -p "$dir" "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/debs"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
key=/usr/share/keyrings/debian-archive-keyring.gpg
{
  echo "deb [arch=$arch signed-by=$key] $mirror bookworm main"
  echo "deb [arch=$arch signed-by=$key] $mirror bookworm-updates main"
} >"$work/sources.list"
apt_opts="-o Dir::State=$work/apt -o Dir::Cache=$work/apt -o Dir::Etc::SourceList=$work/sources.list
  -o Dir::Etc::SourceParts=/dev/null -o Dir::State::status=/dev/null -o Debug::NoLocking=1
  -o APT::Architecture=$arch -o APT::Architectures=$arch"
# shellcheck disable=SC2086
apt-get $apt_opts update -qq
# shellcheck disable=SC2086
(cd "$work/debs" && apt-get $apt_opts download $packages >/dev/null 2>&1) || {
  echo "smokehook: apt-get download of $arch packages failed" >&2
  exit 1
}
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$dir"; done
ls "$work/debs" >"$dir/.debs"
rm -rf "$work"
echo "$arch $packages" >"$stamp"
echo "smokehook: made an $arch sysroot in $dir ($(wc -l <"$dir/.debs") packages)"
