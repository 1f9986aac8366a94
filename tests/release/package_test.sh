#!/usr/bin/env bash
# install/package.sh on the test build's binary: every artifact holds what the
# contract lists, the binary in each is byte for byte the one packaged, and bad
# input (another architecture's binary, a version the binary does not have) is
# refused. The artifacts it leaves in SMOKEHOOK_PACKAGED, with SHA256SUMS as
# install/release.sh writes it, are what the other channels tests use when
# SMOKEHOOK_ARTIFACTS does not name a release folder.
. "$(dirname "$0")/lib.sh"
: "${SMOKEHOOK_PACKAGED:?SMOKEHOOK_PACKAGED must name the folder to package into}"
OUTDIR=$SMOKEHOOK_PACKAGED
rm -rf "$OUTDIR"
PKG=$SMOKEHOOK_SOURCE/install/package.sh
# The test build's binary without its debug sections, as a release's is (packaging 44 MB of
# RelWithDebInfo takes four times as long and proves nothing more).
BINARY=$WORK/smokehook
strip -o "$BINARY" "$SMOKEHOOK" 2>/dev/null || cp "$SMOKEHOOK" "$BINARY"
SMOKEHOOK=$BINARY

t "package.sh writes every artifact"
run sh "$PKG" "$OUTDIR" "$VERSION" "$ARCH" "$SMOKEHOOK"
expect_rc 0
TARBALL=smokehook-$VERSION-linux-$ARCH
DEB=smokehook_${VERSION}_$DEB_ARCH.deb
NPM_PLATFORM=smokehook-linux-$NPM_CPU-$VERSION.tgz
NPM_LAUNCHER=smokehook-$VERSION.tgz
WHEEL=smokehook-$VERSION-py3-none-manylinux_2_17_$ARCH.whl
expect_eq "$(cd "$OUTDIR" && ls | sort | tr '\n' ' ')" \
  "$(printf '%s\n' "$TARBALL.tar.gz" "$DEB" "$NPM_PLATFORM" "$NPM_LAUNCHER" "$WHEEL" | sort | tr '\n' ' ')" "OUT's files"
# As install/release.sh does, once every architecture is packaged.
(cd "$OUTDIR" && sha256sum -- * >SHA256SUMS.part && mv SHA256SUMS.part SHA256SUMS)

X=$WORK/x
t "the tarball: one folder, the binary, man page, completions, README, CHANGELOG"
mkdir -p "$X/tar" && tar -xzf "$OUTDIR/$TARBALL.tar.gz" -C "$X/tar"
expect_eq "$(ls "$X/tar")" "$TARBALL" "the tarball's one folder"
expect_eq "$(cd "$X/tar/$TARBALL" && find . -type f | sort | tr '\n' ' ')" \
  "$(printf '%s\n' ./bin/smokehook ./smokehook.1 ./completions/smokehook.bash ./completions/_smokehook \
      ./completions/smokehook.fish ./README.md ./CHANGELOG.md $(cd "$SMOKEHOOK_SOURCE" && ls LICENSE* COPYING 2>/dev/null | sed 's|^|./|') |
    sort | tr '\n' ' ')" "the tarball's files"
cmp -s "$X/tar/$TARBALL/bin/smokehook" "$SMOKEHOOK" || fail "the tarball's binary is not the one packaged"
[ -x "$X/tar/$TARBALL/bin/smokehook" ] || fail "bin/smokehook is not executable"
grep -q '^\.TH SMOKEHOOK 1' "$X/tar/$TARBALL/smokehook.1" || fail "smokehook.1 is not a man page"
cmp -s "$X/tar/$TARBALL/CHANGELOG.md" "$SMOKEHOOK_SOURCE/CHANGELOG.md" || fail "CHANGELOG.md differs"

t "the .deb: /usr/bin, man page, completions, copyright, changelog.gz; depends on nothing"
run dpkg-deb -f "$OUTDIR/$DEB" Package Version Architecture Depends Pre-Depends
expect_eq "$OUT" "$(printf 'Package: smokehook\nVersion: %s\nArchitecture: %s' "$VERSION" "$DEB_ARCH")" "control fields"
dpkg-deb -x "$OUTDIR/$DEB" "$X/deb"
for f in usr/bin/smokehook usr/share/man/man1/smokehook.1.gz usr/share/bash-completion/completions/smokehook \
  usr/share/zsh/vendor-completions/_smokehook usr/share/fish/vendor_completions.d/smokehook.fish \
  usr/share/doc/smokehook/copyright usr/share/doc/smokehook/changelog.gz; do
  [ -s "$X/deb/$f" ] || fail "the .deb has no $f"
done
cmp -s "$X/deb/usr/bin/smokehook" "$SMOKEHOOK" || fail "the .deb's binary is not the one packaged"
zcat "$X/deb/usr/share/doc/smokehook/changelog.gz" | cmp -s - "$SMOKEHOOK_SOURCE/CHANGELOG.md" || fail "changelog.gz is not CHANGELOG.md"
cmp -s <(zcat "$X/deb/usr/share/man/man1/smokehook.1.gz") "$X/tar/$TARBALL/smokehook.1" || fail "the man pages differ"
run dpkg-deb -c "$OUTDIR/$DEB"
grep -v ' root/root ' <<<"$OUT" && fail "a file of the .deb is not root's"

t "npm: the platform package carries the binary, for its os and cpu"
mkdir -p "$X/npmp" && tar -xzf "$OUTDIR/$NPM_PLATFORM" -C "$X/npmp"
expect_eq "$(json_get "$(cat "$X/npmp/package/package.json")" \
  "' '.join([j['name'], j['version'], ','.join(j['os']), ','.join(j['cpu'])])")" \
  "@smokehook/linux-$NPM_CPU $VERSION linux $NPM_CPU" "name version os cpu"
cmp -s "$X/npmp/package/bin/smokehook" "$SMOKEHOOK" || fail "the npm platform package's binary is not the one packaged"
[ -x "$X/npmp/package/bin/smokehook" ] || fail "the npm platform package's binary is not executable"

t "npm: the launcher package's bin is smokehook, its optional dependencies the platform packages"
mkdir -p "$X/npml" && tar -xzf "$OUTDIR/$NPM_LAUNCHER" -C "$X/npml"
expect_eq "$(json_get "$(cat "$X/npml/package/package.json")" \
  "' '.join([j['name'], j['version'], j['bin']['smokehook']] + sorted(k + '@' + v for k, v in j['optionalDependencies'].items()))")" \
  "smokehook $VERSION bin/smokehook @smokehook/linux-arm64@$VERSION @smokehook/linux-x64@$VERSION" "launcher fields"
[ -x "$X/npml/package/bin/smokehook" ] || fail "the launcher is not executable"
sh -n "$X/npml/package/bin/smokehook" || fail "the launcher is not valid sh"

t "the wheel: the binary as its script, RECORD's digests right, tag as named"
cat >"$WORK/wheel_check.py" <<'PY'
import base64, hashlib, sys, zipfile
whl, binary, version, arch = sys.argv[1:]
z = zipfile.ZipFile(whl)
names = z.namelist()
info = "smokehook-%s.dist-info/" % version
script = "smokehook-%s.data/scripts/smokehook" % version
assert names[-1] == info + "RECORD", names
assert z.read(script) == open(binary, "rb").read(), "the script is not the binary"
mode = z.getinfo(script).external_attr >> 16
assert mode & 0o777 == 0o755, oct(mode)
record = {}
for line in z.read(info + "RECORD").decode().splitlines():
    path, digest, size = line.rsplit(",", 2)
    record[path] = (digest, size)
assert sorted(record) == sorted(names), (sorted(record), sorted(names))
for path in names:
    if path == info + "RECORD":
        continue
    data = z.read(path)
    want = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert record[path] == (want, str(len(data))), path
wheel = z.read(info + "WHEEL").decode()
assert "Tag: py3-none-manylinux_2_17_%s\n" % arch in wheel, wheel
assert "Root-Is-Purelib: false" in wheel, wheel
meta = z.read(info + "METADATA").decode()
assert "Name: smokehook\n" in meta and "Version: %s\n" % version in meta, meta
print("ok")
PY
run python3 "$WORK/wheel_check.py" "$OUTDIR/$WHEEL" "$SMOKEHOOK" "$VERSION" "$ARCH"
expect_rc 0
expect_out ok

t "package.sh is reproducible: a second run writes the same bytes"
run sh "$PKG" "$WORK/again" "$VERSION" "$ARCH" "$SMOKEHOOK"
expect_rc 0
for f in "$TARBALL.tar.gz" "$DEB" "$NPM_PLATFORM" "$NPM_LAUNCHER" "$WHEEL"; do
  cmp -s "$OUTDIR/$f" "$WORK/again/$f" || fail "$f differs between two runs"
done

t "package.sh refuses another architecture's binary, a version the binary is not, an unknown ARCH"
cp "$SMOKEHOOK" "$WORK/other-arch"
printf '\267\000' | dd of="$WORK/other-arch" bs=1 seek=18 conv=notrunc 2>/dev/null # e_machine: AArch64
run sh "$PKG" "$WORK/refused" "$VERSION" "$ARCH" "$WORK/other-arch"
[ "$RC" -ne 0 ] || fail "an AArch64-marked binary was packaged as $ARCH"
expect_err "is not an $ARCH binary"
run sh "$PKG" "$WORK/refused" 9.9.9 "$ARCH" "$SMOKEHOOK"
[ "$RC" -ne 0 ] || fail "a binary was packaged under a version it does not have"
expect_err "not 'smokehook 9.9.9'"
run sh "$PKG" "$WORK/refused" "$VERSION" riscv64 "$SMOKEHOOK"
[ "$RC" -ne 0 ] || fail "ARCH riscv64 was accepted"
[ ! -e "$WORK/refused" ] || [ -z "$(ls "$WORK/refused")" ] || fail "a refused run wrote files"

finish
