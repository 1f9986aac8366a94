#!/bin/sh
# The first command: sets smokehook up on a fresh Debian 12 machine
# (packages, a release build, /usr/local/bin/smokehook) and runs it on the
# bundled example, made into a scratch git repository.
set -eu
cd "$(dirname "$0")/.."

sh install/deps.sh
# A minimal static libgit2 from Debian's source package starts much faster; the shared one is the fallback.
libgit2=""
sh install/libgit2.sh "$PWD/build/_deps/libgit2" && libgit2="-DSMOKEHOOK_LIBGIT2_DIR=$PWD/build/_deps/libgit2" ||
  echo "smokehook: building against Debian's shared libgit2 instead"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSMOKEHOOK_TESTS=OFF $libgit2 >/dev/null
cmake --build build -j "$(nproc)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo cmake --install build >/dev/null
echo "smokehook: installed $(command -v smokehook || echo /usr/local/bin/smokehook)"

demo=$(mktemp -d "${TMPDIR:-/tmp}/prod-app.XXXXXX")
cp -R examples/prod-app/. "$demo/"
git -C "$demo" init -q
git -C "$demo" add -A
git -C "$demo" -c user.name=smokehook -c user.email=smokehook@localhost commit -q -m "prod-app example"
echo "smokehook: running 'smokehook --all' on examples/prod-app (a copy in $demo)"
exec /usr/local/bin/smokehook -C "$demo" --all
