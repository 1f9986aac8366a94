#!/usr/bin/env bash
# The .deb in a fresh minimal Debian 12 root (mmdebstrap --variant=minbase,
# cached by debian_root.sh): `dpkg -i` installs it with nothing else (it
# depends on nothing), smokehook runs the example there (libgit2 built in: no
# git needed to check), its bash completion loads, and `dpkg --purge` leaves
# the root as it was: the same paths, the same file contents outside dpkg's own
# records.
. "$(dirname "$0")/lib.sh"
need_artifacts
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for chroot"; exit 77; }
DEB=$ARTIFACTS/smokehook_${VERSION}_$DEB_ARCH.deb
SMOKEHOOK_ROOTS_DIR=${SMOKEHOOK_ROOTS_DIR:-$WORK/roots} 
export SMOKEHOOK_ROOTS_DIR
TARBALL=$(sh "$(dirname "$0")/debian_root.sh" bookworm)
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
ROOT=$WORK/root
mkdir -p "$ROOT"
tar --numeric-owner -xf "$TARBALL" -C "$ROOT" || { echo "FAIL: could not unpack $TARBALL"; exit 1; }
in_root() { run chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

# snapshot: every path of the root with its content's digest (dpkg's records and log aside).
snapshot() {
  (cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp -o -path ./work \
      -o -path ./var/lib/dpkg -o -path ./var/log/dpkg.log -o -path ./var/cache/debconf \) -prune -o -printf '%p %y %m\n' |
    LC_ALL=C sort
    find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp -o -path ./work \
      -o -path ./var/lib/dpkg -o -path ./var/log/dpkg.log -o -path ./var/cache/debconf \) -prune -o -type f -print0 |
    LC_ALL=C sort -z | xargs -0 md5sum)
}
BEFORE=$(snapshot)

t "dpkg -i installs the .deb in a fresh minimal Debian 12 root, nothing else needed"
mkdir -p "$ROOT/tmp" && cp "$DEB" "$ROOT/tmp/smokehook.deb"
in_root dpkg -i /tmp/smokehook.deb
expect_rc 0
in_root smokehook --version
expect_rc 0
expect_out "smokehook $VERSION"
in_root sh -c 'command -v git'
[ "$RC" -ne 0 ] || fail "git is in the minimal root: the test would not show that smokehook needs none"

t "smokehook runs the example in the root"
new_repo "$ROOT/work/app"
in_root sh -c 'cd /work/app && smokehook --all --color never'
expect_rc 0
expect_out "PASS"
break_compose "$ROOT/work/app"
in_root sh -c 'cd /work/app && smokehook --all --color never'
expect_rc 1
expect_out "unknown key 'imag'"
rm -rf "$ROOT/work"

t "the man page and the completions are where Debian looks for them; bash's loads"
for f in /usr/share/man/man1/smokehook.1.gz /usr/share/bash-completion/completions/smokehook \
  /usr/share/zsh/vendor-completions/_smokehook /usr/share/fish/vendor_completions.d/smokehook.fish \
  /usr/share/doc/smokehook/copyright /usr/share/doc/smokehook/changelog.gz; do
  [ -s "$ROOT$f" ] || fail "no $f"
done
in_root bash -c '. /usr/share/bash-completion/completions/smokehook && complete -p smokehook'
expect_rc 0
expect_out "smokehook"

t "dpkg --purge leaves the root as it was"
in_root dpkg --purge smokehook
expect_rc 0
in_root dpkg-query -W smokehook
[ "$RC" -ne 0 ] || fail "dpkg still knows smokehook: $OUT"
[ -z "$(ls "$ROOT/var/lib/dpkg/info/" | grep '^smokehook\.')" ] || fail "dpkg's records of smokehook are left"
rm -f "$ROOT/tmp/smokehook.deb"
AFTER=$(snapshot)
diff <(echo "$BEFORE") <(echo "$AFTER") >"$WORK/root.diff" || fail "the root differs after purge: $(head -20 "$WORK/root.diff")"

finish
