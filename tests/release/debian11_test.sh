#!/usr/bin/env bash
# The x86-64 release binary in a fresh minimal Debian 11 root (glibc 2.31, older than the 2.36
# it was linked with; the dynamic build refuses to start there): the example passes and fails as
# it should, the live checks reach 127.0.0.1 and localhost, HTTPS says there is no CA bundle
# (minbase has none) and verifies with one.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/roots.sh"
need_root
: "${SMOKEHOOK_RELEASE_BIN:?}"
R=$WORK/root
debian_root bullseye "$R"
grep -q '^11' "$R/etc/debian_version" || { echo "FAIL: not a Debian 11 root: $(cat "$R/etc/debian_version")"; exit 1; }
cp "$SMOKEHOOK_RELEASE_BIN/x86_64/smokehook" "$R/usr/local/bin/smokehook"
start_http
start_tls

t "the root is Debian 11 with its glibc 2.31, and no git"
[ -e "$R/usr/bin/git" ] && fail "the root has git"
ls "$R"/lib/x86_64-linux-gnu/libc-2.31.so >/dev/null 2>&1 || fail "no glibc 2.31 in the root"
prove_example "$R" /usr/local/bin/smokehook
live_checks "$R" /usr/local/bin/smokehook
https_checks "$R" /usr/local/bin/smokehook
finish
