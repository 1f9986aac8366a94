#!/usr/bin/env bash
# Hostile and strange input: each has a defined outcome (a finding, or exit 2
# with file:line:col), never a crash (status > 2), a hang or a changed repository.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"
good=$(cat docker-compose.yml)

# What no run may change in the repository around $PWD: the index (bytes and
# mtime), what git reports, lock files, and the files of the working tree.
repo_state() {
  local gd
  gd=$(git rev-parse --git-dir 2>/dev/null) || return 0
  {
    sha256sum "$gd/index" 2>/dev/null
    stat -c '%Y.%y %s' "$gd/index" 2>/dev/null
    git --no-optional-locks status --porcelain=v1 --untracked-files=all --ignored 2>/dev/null
    find "$gd" -name '*.lock'
    find . -path ./.git -prune -o -newer "$WORK/stamp" -print
  } | sha256sum
}

# bounded SECONDS CMD...: runs CMD with a time limit; a crash, a hang or a
# changed repository fails the test.
bounded() {
  local limit=$1 before after
  shift
  touch "$WORK/stamp"
  before=$(repo_state)
  run timeout "$limit" "$@"
  after=$(repo_state)
  [ "$RC" -ne 124 ] || fail "hung (more than ${limit}s)"
  [ "$RC" -le 2 ] || fail "crashed (status $RC)"
  [ "$before" = "$after" ] || fail "the run changed the repository"
}

compose_case() {  # NAME EXPECTED-FINDING (substring of file:line:col: message); docker-compose.yml is prepared
  bounded 60 "$SMOKEHOOK" --all --only compose.base --format json
  expect_rc 1 "$1"
  got=$(json_get "$OUT" "'\n'.join(f\"{f['path']}:{f.get('line',0)}:{f.get('column',0)}: {f['message']}\" for c in j['checks'] for f in c['findings'])")
  grep -qF -- "$2" <<<"$got" || fail "$1: expected a finding '$2', got: $got"
  printf '%s\n' "$good" >docker-compose.yml
}

t "compose: tab indentation"
printf 'services:\n  redis:\n\timage: redis\n' >docker-compose.yml
compose_case tabs "docker-compose.yml:3:"

t "compose: an unclosed flow collection points at its opening"
printf 'services:\n  redis:\n    image: redis\n    ports: [80:80,\n  api:\n    image: api\n' >docker-compose.yml
compose_case unclosed "docker-compose.yml:4:12: YAML syntax error: this '[' is never closed"

t "compose: invalid UTF-8"
printf 'services:\n  redis:\n    image: "redis\xff"\n' >docker-compose.yml
compose_case utf8 "docker-compose.yml:3:18: not valid UTF-8"

t "compose: a byte-order mark is fine"
printf '\xef\xbb\xbf%s\n' "$good" >docker-compose.yml
bounded 20 "$SMOKEHOOK" --all --only compose.base
expect_rc 0
printf '%s\n' "$good" >docker-compose.yml

t "compose: an alias bomb"
{ echo 'x-a: &a ["x","x","x","x","x","x","x","x","x","x"]'
  prev=a; for n in b c d e f g h i j; do
    echo "x-$n: &$n [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"; prev=$n; done
  echo "$good"; } >docker-compose.yml
compose_case bomb "alias bomb"

t "compose: nesting deep enough to overflow a recursive parser"
python3 -c "print('services: ' + '[' * 100000 + ']' * 100000)" >docker-compose.yml
compose_case deep-flow "docker-compose.yml:1:"
python3 -c "print(''.join(' ' * i + 'k%d:' % i + chr(10) for i in range(5000)))" >docker-compose.yml
compose_case deep-block "docker-compose.yml:"

t "compose: duplicate and non-string keys"
printf 'services:\n  redis:\n    image: redis\n  redis:\n    image: other\n' >docker-compose.yml
compose_case duplicate "docker-compose.yml:4:3: duplicate key 'redis' (first defined at line 2)"
printf 'services:\n  ? [a, b]\n  : {image: x}\n' >docker-compose.yml
compose_case non-string-key "docker-compose.yml:2:5: mapping keys must be strings"

t "compose: a 10 MiB file is checked, in bounded time"
python3 -c "
import sys
print('services:')
for i in range(60000):
    print('  s%d:' % i); print('    image: img%d' % i); print('    environment: {A: \"%s\"}' % ('x' * 100))
" >docker-compose.yml
[ "$(stat -c %s docker-compose.yml)" -gt 9000000 ] || fail "the test file is too small"
bounded 60 "$SMOKEHOOK" --all --only compose.base
expect_rc 0
printf '%s\n' "$good" >docker-compose.yml

t "configuration: malformed YAML of every kind is exit 2 at file:line:col"
for cfg in 'version: 1\nchecks:\n\t- id: a\n' 'version: 1\nchecks: [\n' 'version: 1\nchecks:\n  - {id: a, kind: forbid, word: "\xff"}\n' \
           'version: 1\nversion: 1\n' 'version: 1\nchecks:\n  - ? [x]\n    : y\n' '- just\n- a list\n'; do
  printf -- "$cfg" >.smokehook.yml
  bounded 20 "$SMOKEHOOK" --all
  expect_rc 2 "$cfg"
  grep -qE '^\.smokehook\.yml:[0-9]+:[0-9]+: ' <<<"$ERR" || fail "no .smokehook.yml:LINE:COL in: $ERR"
done
rm .smokehook.yml

t "configuration: hostile regexes and globs run in linear time or are refused"
python3 -c "print('a' * 200000 + '!')" >server/aaaa.py
cat >.smokehook.yml <<'YAML'
version: 1
checks:
  - {id: backtrack, kind: forbid, pattern: '(a+)+$', paths: ['**/**/**/**/*.py']}
  - {id: nested, kind: forbid, pattern: '(a|aa)*c', paths: ['*.py'], except: ['[!a-z]*']}
YAML
bounded 20 "$SMOKEHOOK" --all --format json
expect_rc 1 "(a+)+$ matches at the end"
printf 'version: 1\nchecks:\n  - {id: huge, kind: forbid, pattern: "%s"}\n' "$(python3 -c "print('(a{1000}){1000}')")" >.smokehook.yml
bounded 20 "$SMOKEHOOK" --all
expect_rc 2 "a regex too large to compile"
expect_err ".smokehook.yml:3:"
rm .smokehook.yml server/aaaa.py

t "files: binary files and NUL bytes are skipped; huge files fail the gate unread"
printf 'BAILEYS_BASE_URL\0binary\n' >server/blob.py
bounded 30 "$SMOKEHOOK" --all --only ssot.baileys-base-url --format json
expect_rc 0
truncate -s 300M server/huge.py
bounded 30 "$SMOKEHOOK" --all --only ssot.baileys-base-url --format json
expect_rc 1 "a file over max_file_size (256 MiB) is never passed unseen"
expect_out "not scanned: 314572800 bytes, more than max_file_size 268435456"
rm server/blob.py server/huge.py

t "files: symlinks are never followed out of the repository"
echo 'BAILEYS_BASE_URL = 1' >"$WORK/outside.py"
ln -s "$WORK/outside.py" server/link.py
ln -s "$WORK/outside.py" docker-compose.override.yml
bounded 20 "$SMOKEHOOK" --all --only ssot.baileys-base-url
expect_rc 0
git add server/link.py
bounded 20 "$SMOKEHOOK" --only ssot.baileys-base-url
expect_rc 0
git reset -q server/link.py
rm server/link.py docker-compose.override.yml

t "paths with spaces, newlines and bytes that are not UTF-8"
mkdir -p "server/with space"
printf 'URL = "BAILEYS_BASE_URL"\n' >"server/with space/a.py"
printf 'URL = "BAILEYS_BASE_URL"\n' >"server/new"$'\n'"line.py"
printf 'URL = "BAILEYS_BASE_URL"\n' >"server/latin1-"$'\xe9'".py"
bounded 20 "$SMOKEHOOK" --all --only ssot.baileys-base-url --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "len(j['checks'][0]['findings'])")" "3"
git add -A server
bounded 20 "$SMOKEHOOK" --only ssot.baileys-base-url
expect_rc 1
expect_out "server/with space/a.py:1:8"
git reset -q && rm -rf "server/with space" server/new*line.py server/latin1-*

t "a detached HEAD, a shallow clone, a sparse checkout, a submodule"
git checkout -q --detach HEAD
echo "# x" >>docker-compose.prod.yml && git add docker-compose.prod.yml
bounded 20 "$SMOKEHOOK"
expect_rc 0
git reset -q --hard && git checkout -q main
git clone -q --depth 1 "file://$R" "$WORK/shallow"
bounded 20 "$SMOKEHOOK" -C "$WORK/shallow" --all --rev HEAD
expect_rc 0
git -C "$WORK/shallow" sparse-checkout set server >/dev/null 2>&1
bounded 20 "$SMOKEHOOK" -C "$WORK/shallow" --all --format json
[ "$RC" -le 1 ] || fail "sparse checkout"
echo "# x" >>"$WORK/shallow/server/worker.py" && git -C "$WORK/shallow" add server/worker.py
bounded 20 "$SMOKEHOOK" -C "$WORK/shallow"
expect_rc 0 "staged mode reads the index, sparse or not"
git -c protocol.file.allow=always submodule -q add "$WORK/shallow" vendor/sub >/dev/null 2>&1
bounded 20 "$SMOKEHOOK"
expect_rc 0 "a staged submodule"
bounded 20 "$SMOKEHOOK" --all
expect_rc 0 "--all with a submodule"
git reset -q --hard && rm -rf vendor .gitmodules

t "a conflicted index during a merge"
git checkout -q -b other
sed -i 's/memory: 1g/memory: 2g/' docker-compose.prod.yml && git commit -qam other --no-verify
git checkout -q main
sed -i 's/memory: 1g/memory: 3g/' docker-compose.prod.yml && git commit -qam main --no-verify
git merge -q other >/dev/null 2>&1
bounded 20 "$SMOKEHOOK"
[ "$RC" -le 1 ] || fail "conflicted index: status $RC"
bounded 20 "$SMOKEHOOK" --all
[ "$RC" -le 1 ] || fail "conflicted index, --all: status $RC"
git merge --abort

t "index version 4, and a split index with its shared file"
git update-index --index-version 4
echo "# v4" >>docker-compose.prod.yml && git add docker-compose.prod.yml
bounded 20 "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "j['summary']['passed']")" "3"
git update-index --index-version 2
git update-index --split-index
bounded 20 "$SMOKEHOOK" --format json
expect_rc 0 "a split index"
expect_eq "$(json_get "$OUT" "j['summary']['passed']")" "3"
# A change staged over a split index is written as an entry without a path
# that replaces the shared one, whose path it takes.
echo "# split" >>docker-compose.prod.yml && git add docker-compose.prod.yml
bounded 20 "$SMOKEHOOK" --format json
expect_rc 0 "a split index with a replaced entry"
expect_eq "$(json_get "$OUT" "j['summary']['passed']")" "3"
# Its shared file gone: exit 2 naming it, never a run over half an index.
mv .git/sharedindex.* "$WORK/"
bounded 20 "$SMOKEHOOK"
expect_rc 2 "a split index without its shared file"
expect_err ".git/sharedindex."
mv "$WORK"/sharedindex.* .git/
git update-index --no-split-index
git reset -q --hard

t "a damaged index is exit 2 naming the file and the byte, and stays as it was"
cp .git/index "$WORK/index.good"
python3 -c "import sys; p='.git/index'; d=bytearray(open(p,'rb').read()); d[8:12]=(10**6).to_bytes(4,'big'); open(p,'wb').write(d)"
before=$(sha1sum .git/index)
bounded 20 "$SMOKEHOOK"
expect_rc 2
expect_err ".git/index"
expect_err "at byte 8"
expect_eq "$(sha1sum .git/index)" "$before" "the damaged index was left as it was"
cp "$WORK/index.good" .git/index

t "a FIFO where a file should be: listed by nobody, opened by nobody"
mkfifo server/pipe.py
bounded 20 "$SMOKEHOOK" --all
expect_rc 0
rm server/pipe.py

t "a missing object is a clear error, not a crash"
C=$WORK/corrupt
new_repo "$C"
blob=$(git -C "$C" rev-parse HEAD:docker-compose.yml)
rm -f "$C/.git/objects/${blob:0:2}/${blob:2}"
bounded 20 "$SMOKEHOOK" -C "$C" --all --rev HEAD
[ "$RC" -ge 1 ] || fail "a missing object went unnoticed"
grep -q "$blob\|object\|not found" <<<"$OUT$ERR" || fail "the missing object is not named"

t "a bare repository"
git clone -q --bare "$R" "$WORK/bare.git"
bounded 20 "$SMOKEHOOK" -C "$WORK/bare.git" --all
expect_rc 2
expect_err "bare repository"
bounded 20 "$SMOKEHOOK" -C "$WORK/bare.git" --all --rev HEAD
expect_rc 0
bounded 20 "$SMOKEHOOK" -C "$WORK/bare.git"
expect_rc 2

t "two hooks at once"
echo "# x" >>docker-compose.yml && git add docker-compose.yml
"$SMOKEHOOK" --format json >"$WORK/a.json" 2>&1 &
a=$!
"$SMOKEHOOK" --format json >"$WORK/b.json" 2>&1 &
b=$!
wait $a && wait $b || fail "concurrent runs failed"
cmp -s <(python3 -c "import json; print(json.load(open('$WORK/a.json'))['summary'])") \
       <(python3 -c "import json; print(json.load(open('$WORK/b.json'))['summary'])") || fail "concurrent runs disagree"
git reset -q --hard

t "a file rewritten while it is read"
( while [ ! -e "$WORK/stop-churn" ]; do printf 'x = 1\n%.0s' $(seq 200) >server/churn.py; : >server/churn.py; done ) &
churn=$!
for _ in 1 2 3 4 5; do
  run timeout 20 "$SMOKEHOOK" --all --only ssot.baileys-base-url
  [ "$RC" -le 1 ] || fail "status $RC while a file changed under it"
done
touch "$WORK/stop-churn"
wait $churn
rm -f server/churn.py "$WORK/stop-churn"

t "SIGINT mid-run: it stops, and nothing is left behind"
python3 -c "
print('services:')
for i in range(60000):
    print('  s%d:' % i); print('    image: img%d' % i)
" >docker-compose.yml
touch "$WORK/stamp"
before=$(repo_state)
"$SMOKEHOOK" --all --only compose.base >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
[ "$rc" -eq 130 ] || [ "$rc" -le 1 ] || fail "SIGINT: status $rc"
[ "$before" = "$(repo_state)" ] || fail "SIGINT left the repository changed"
printf '%s\n' "$good" >docker-compose.yml

t "a read-only file system"
if [ "$(id -u)" -ne 0 ] || ! mkdir -p "$WORK/ro" || ! mount --bind "$R" "$WORK/ro" 2>/dev/null; then
  echo "(skipped: a read-only bind mount needs root)"
else
  mount -o remount,ro,bind "$WORK/ro"
  bounded 20 "$SMOKEHOOK" -C "$WORK/ro" --all
  expect_rc 0
  bounded 20 "$SMOKEHOOK" -C "$WORK/ro"
  expect_rc 0
  bounded 20 "$SMOKEHOOK" -C "$WORK/ro" --all --rev HEAD
  expect_rc 0
  bounded 20 "$SMOKEHOOK" -C "$WORK/ro" install
  expect_rc 2
  grep -qi "read-only\|cannot" <<<"$ERR" || fail "install on a read-only file system: $ERR"
  bounded 20 "$SMOKEHOOK" -C "$WORK/ro" init
  expect_rc 2
  umount "$WORK/ro"
fi

t "SIGPIPE: smokehook | head is quiet"
run bash -c "'$SMOKEHOOK' --all | head -1"
expect_rc 0
[ -z "$ERR" ] || fail "noise on stderr: $ERR"

t "an installed hook killed by a signal blocks the commit and says so"
mkdir -p "$WORK/bin"
cp "$SMOKEHOOK" "$WORK/bin/smokehook"
"$WORK/bin/smokehook" install >/dev/null
printf '#!/bin/sh\nkill -9 $$\n' >"$WORK/bin/smokehook"
chmod 755 "$WORK/bin/smokehook"
echo "# x" >>server/worker.py && git add server/worker.py
commit_refused "hook gets killed"
expect_err "died of signal 9"
"$SMOKEHOOK" uninstall >/dev/null
git reset -q --hard

finish
