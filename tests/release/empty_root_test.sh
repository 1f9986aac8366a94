#!/usr/bin/env bash
# The x86-64 release binary in an empty root: nothing but the binary and a repository (no git, no
# C library, no /etc): the example passes and fails as it should, libgit2 reading the index; the
# live checks reach 127.0.0.1 and localhost; HTTPS verifies with whatever CA bundle the root has.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/roots.sh"
need_root
: "${SMOKEHOOK_RELEASE_BIN:?}"
R=$WORK/root
mkdir -p "$R/bin"
cp "$SMOKEHOOK_RELEASE_BIN/x86_64/smokehook" "$R/bin/smokehook"
start_http
start_tls

prove_example "$R" /bin/smokehook
t "the root holds nothing but the binary and the repository"
expect_eq "$(cd "$R" && find . -maxdepth 1 -mindepth 1 | sort | tr '\n' ' ')" "./bin ./repo "
expect_eq "$(ls "$R/bin")" "smokehook"
live_checks "$R" /bin/smokehook
https_checks "$R" /bin/smokehook
t "install writes the hooks (libgit2 finds the hooks folder, no git)"
in_root "$R" /bin/smokehook -C /repo install
expect_rc 0
[ -x "$R/repo/.git/hooks/pre-commit" ] || fail "no pre-commit hook installed"
finish
