#!/usr/bin/env bash
# The server side: `smokehook install` in a bare repository, then real
# `git push`es into it (a local path, file://, git daemon on 127.0.0.1, an
# explicit git-receive-pack). A bad push is rejected whole, its objects are
# discarded with git's quarantine, and the rules are the server's, never the
# push's. Run twice by ctest: the compiled hook, and the shell hook.
. "$(dirname "$0")/lib.sh"

Z=0000000000000000000000000000000000000000
S=$WORK/server.git
git init -q --bare "$S"
R=$WORK/repo
new_repo "$R"
cd "$R"
git remote add origin "$S"

server_ref() { git --git-dir="$S" rev-parse -q --verify "$1" 2>/dev/null || echo none; }
in_server() { git --git-dir="$S" cat-file -e "$1" 2>/dev/null; }
# push_refused ARGS...: `git push ARGS` fails; output in $OUT/$ERR.
push_refused() {
  run git push "$@"
  [ "$RC" -ne 0 ] || fail "the push '$*' was accepted"
  grep -q "pre-receive hook declined" <<<"$ERR" || fail "git does not say the pre-receive hook declined"
}
# remote_has TEXT: git showed TEXT on a remote: line (what the pusher sees).
remote_has() { grep -q "^remote: .*$(printf '%s' "$1" | sed 's/[][\.*^$/]/\\&/g')" <<<"$ERR" || fail "no remote: line with: $1"; }

t "install in a bare repository: the pre-receive hook and nothing else"
run "$SMOKEHOOK" -C "$S" install
expect_rc 0
expect_out "installed $S/hooks/pre-receive"
grep -qax '# smokehook:managed-hook:v2' "$S/hooks/pre-receive" || fail "no marker line in the pre-receive hook"
[ ! -e "$S/hooks/pre-commit" ] && [ ! -e "$S/hooks/pre-push" ] || fail "client hooks were installed in a bare repository"
if [ "${SMOKEHOOK_HOOK_SCRIPT:-}" = 1 ]; then
  expect_eq "$(head -1 "$S/hooks/pre-receive")" "#!/bin/sh" "the shell hook"
fi

t "a good first push is accepted"
run git push origin main
expect_rc 0
expect_eq "$(server_ref refs/heads/main)" "$(git rev-parse main)"
expect_log "ALL 14 CHECKS PASSED"

t "a bad push is rejected: the check and file:line on remote: lines; refs and objects unchanged"
before=$(server_ref refs/heads/main)
break_compose "$R"
git commit -qam "broken compose"
bad=$(git rev-parse HEAD)
bad_blob=$(git rev-parse HEAD:docker-compose.yml)
push_refused origin main
remote_has "FAIL: Base docker-compose.yml valid [compose.base]"
remote_has "docker-compose.yml:35:5: unknown key 'imag'"
remote_has "refs/heads/main ("
expect_eq "$(server_ref refs/heads/main)" "$before" "the server's main moved"
in_server "$bad" && fail "the rejected commit is in the server's object database"
in_server "$bad_blob" && fail "the rejected blob is in the server's object database"
[ -z "$(ls -d "$S"/objects/tmp_objdir-* 2>/dev/null)" ] || fail "a quarantine folder was left behind"
git reset -q --hard HEAD~1

t "the same through file://, an explicit git-receive-pack and git daemon on 127.0.0.1"
break_compose "$R"
git commit -qam "broken compose again"
push_refused "file://$S" main
remote_has "compose.base"
rp=$(git --exec-path)/git-receive-pack
push_refused --receive-pack="$rp" "$S" main
remote_has "compose.base"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --listen=127.0.0.1 --port="$port" --base-path="$WORK" --export-all --enable=receive-pack \
  --pid-file="$WORK/daemon.pid" --detach "$WORK"
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/server.git" >/dev/null 2>&1 && break; sleep 0.1; done
push_refused "git://127.0.0.1:$port/server.git" main
remote_has "docker-compose.yml:35:5"
kill "$(cat "$WORK/daemon.pid")"
expect_eq "$(server_ref refs/heads/main)" "$before"
git reset -q --hard HEAD~1

t "a good branch and a branch deletion are accepted"
git checkout -q -b feature
echo "# feature" >>server/worker.py
git commit -qam feature
run git push origin feature
expect_rc 0
expect_eq "$(server_ref refs/heads/feature)" "$(git rev-parse feature)"
run git push origin --delete feature
expect_rc 0
expect_eq "$(server_ref refs/heads/feature)" none
git checkout -q main

t "two refs in one push, one bad: neither is updated"
git checkout -q -b good && echo "# good" >>README.md && git commit -qam good
git checkout -q -b bad && sed -i 's/    release_call_slot()//' server/routes_twilio.py && git commit -qam bad
push_refused origin good bad
remote_has "wiring.calls-slots"
remote_has "→ refs/heads/bad"
expect_eq "$(server_ref refs/heads/good)" none
expect_eq "$(server_ref refs/heads/bad)" none
git checkout -q main

t "an annotated tag is peeled to its commit; a tag of a tree is skipped and said so"
git tag -a -m "bad release" v-bad bad
push_refused origin v-bad
remote_has "refs/tags/v-bad ($(git rev-parse bad | cut -c1-12))"
remote_has "wiring.calls-slots"
expect_eq "$(server_ref refs/tags/v-bad)" none
git tag -a -m "a tree" v-tree "main^{tree}"
run git push origin v-tree
expect_rc 0
expect_log "refs/tags/v-tree points at a tree, not a commit: not checked"
git tag -a -m "good release" v-good main
run git push origin v-good
expect_rc 0
expect_log "ALL 14 CHECKS PASSED"

t "notes are not checked"
git notes add -m "BAILEYS_BASE_URL in a note" main
run git push origin refs/notes/commits
expect_rc 0
expect_log "refs/notes/commits: not a branch or a tag: not checked"
expect_eq "$(server_ref refs/notes/commits)" "$(git rev-parse refs/notes/commits)"

t "the JSON report: mode and source push, each row with its ref and peeled commit"
input="$Z $(git rev-parse v-bad) refs/tags/v-bad
$(git rev-parse main) $Z refs/heads/gone
$Z $(git rev-parse main) refs/heads/copy
"
# The objects are the client's: named as git names a quarantine's, in the environment.
GIT_ALTERNATE_OBJECT_DIRECTORIES="/nonexistent:$R/.git/objects" run_in "$input" "$SMOKEHOOK" -C "$S" --hook pre-receive --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "(j['mode'], j['source'], len(j['checks']))")" "('push', 'push', 28)"
expect_eq "$(json_get "$OUT" "sorted({(c['ref'], c['commit']) for c in j['checks'] if c['status'] == 'fail'})")" \
  "[('refs/tags/v-bad', '$(git rev-parse bad)')]"

t "malformed input is exit 2, and rejects the push"
run_in "not a line" "$SMOKEHOOK" -C "$S" --hook pre-receive
expect_rc 2
expect_err "line 1"

t "GitLab (GL_ID set): failure lines start with GL-HOOK-ERR:"
GL_ID=user-1 push_refused origin bad
grep -q "^remote: GL-HOOK-ERR: ❌ FAIL: .*\[wiring.calls-slots\]" <<<"$ERR" || fail "no GL-HOOK-ERR line for the failing check"
grep -q "^remote: GL-HOOK-ERR:    server/routes_twilio.py" <<<"$ERR" || fail "no GL-HOOK-ERR line for the finding"
grep -q "^remote: GL-HOOK-ERR: ✅" <<<"$ERR" && fail "a passing check was marked GL-HOOK-ERR"
push_refused origin bad
grep -q "GL-HOOK-ERR" <<<"$ERR" && fail "GL-HOOK-ERR without GL_ID"

t "past the time budget the push is rejected, saying so and how to raise it"
SMOKEHOOK_TIMEOUT=0.001 push_refused origin good
remote_has "ran out of time"
remote_has "SMOKEHOOK_TIMEOUT"
remote_has "GitHub Enterprise"
expect_eq "$(server_ref refs/heads/good)" none

t "a foreign pre-receive is kept, runs first with git's lines, and is restored by uninstall"
printf '#!/bin/sh\ncat >"%s/foreign.stdin"\necho foreign-ran >&2\nexit ${FOREIGN_EXIT:-0}\n' "$WORK" >"$WORK/foreign"
chmod 755 "$WORK/foreign"
"$SMOKEHOOK" -C "$S" uninstall >/dev/null
cp -p "$WORK/foreign" "$S/hooks/pre-receive"
run "$SMOKEHOOK" -C "$S" install
expect_rc 0
expect_out "kept the existing pre-receive hook"
run git push origin good
expect_rc 0
expect_log "foreign-ran"
expect_eq "$(cat "$WORK/foreign.stdin")" "$Z $(git rev-parse good) refs/heads/good" "the kept hook's stdin"
expect_eq "$(server_ref refs/heads/good)" "$(git rev-parse good)"
git checkout -q good && echo "# more" >>README.md && git commit -qam more && git checkout -q main
FOREIGN_EXIT=1 push_refused origin good
expect_log "foreign-ran"
expect_eq "$(server_ref refs/heads/good)" "$(git rev-parse good~1)"
run "$SMOKEHOOK" -C "$S" uninstall
expect_rc 0
cmp -s "$S/hooks/pre-receive" "$WORK/foreign" || fail "the foreign pre-receive was not restored byte for byte"
expect_eq "$(stat -c %a "$S/hooks/pre-receive")" 755
rm "$S/hooks/pre-receive"
"$SMOKEHOOK" -C "$S" install >/dev/null

# A repository with its own rules on the default branch.
cat >.smokehook.yml <<'EOF'
version: 1
checks:
  - id: no-legacy
    kind: forbid
    title: No LEGACY_TOKEN
    word: LEGACY_TOKEN
    paths: ["*.py"]
EOF
git add .smokehook.yml && git commit -qm "own rules"
run git push origin main
expect_rc 0
expect_log "14 checks passed"   # the rules before this push: the built-in suite

t "a push that weakens .smokehook.yml is judged by the rules before it"
git checkout -q -b sneaky
sed -i 's/word: LEGACY_TOKEN/word: SOMETHING_ELSE/' .smokehook.yml
echo "LEGACY_TOKEN = 1" >server/legacy.py
git add -A && git commit -qm "weaken the rule and break it"
push_refused origin sneaky
remote_has "no-legacy"
remote_has "server/legacy.py:1:1"
expect_log "the rules of refs/heads/main"
push_refused origin sneaky:main
expect_eq "$(server_ref refs/heads/main)" "$(git rev-parse main)"

t "the weaker rule applies once it is on the default branch"
git checkout -q main
sed -i 's/word: LEGACY_TOKEN/word: SOMETHING_ELSE/' .smokehook.yml
git commit -qam "weaken the rule"
run git push origin main
expect_rc 0
echo "LEGACY_TOKEN = 1" >server/legacy.py
git add -A && git commit -qm "use it"
run git push origin main
expect_rc 0

t "a pushed .smokehook.yml that does not load is refused: it would refuse every later push"
git checkout -q -b broken-rules main
printf 'version: 1\nchecks:\n  - id: x\n    kind: forbidd\n' >.smokehook.yml
git commit -qam "a typo in the rules"
push_refused origin broken-rules
remote_has ".smokehook.yml:4:11: unknown check kind 'forbidd'"
remote_has "does not load"
expect_eq "$(server_ref refs/heads/broken-rules)" none
git checkout -q main

t "install --config FILE: the server's file decides, read on every push"
cat >"$WORK/rules.yml" <<'EOF'
version: 1
checks:
  - id: server-rule
    kind: forbid
    word: SERVER_SECRET
EOF
run "$SMOKEHOOK" -C "$S" install --config "$WORK/rules.yml"
expect_rc 0
echo "SERVER_SECRET" >notes.txt && git add notes.txt && git commit -qm secret
push_refused origin main
remote_has "server-rule"
remote_has "notes.txt:1:1"
expect_log "the rules of $WORK/rules.yml"
sed -i 's/SERVER_SECRET/OTHER_WORD/' "$WORK/rules.yml"
run git push origin main
expect_rc 0
ls "$HOME"/.cache/smokehook/clean-* >/dev/null 2>&1 || fail "no verdict cache was written"

t "a blob found clean under one rule is read again under another"
sed -i 's/OTHER_WORD/SERVER_SECRET/' "$WORK/rules.yml"   # notes.txt holds SERVER_SECRET, found clean just now
echo "# unrelated" >>README.md && git commit -qam unrelated
push_refused origin main
remote_has "notes.txt:1:1"

t "the verdict cache is trusted only when private to the server's user"
# A file claiming that notes.txt's blob is clean under this rule: used when it is the user's own
# (proof that a cached verdict skips the read), ignored once others may write it.
cache=$(ls -t "$HOME"/.cache/smokehook/clean-* | head -1)   # written by the push just refused
python3 - "$cache" "$(git rev-parse HEAD:notes.txt)" <<'PY'
import sys
path, blob = sys.argv[1], bytes.fromhex(sys.argv[2])
data = open(path, "rb").read()
head, ids = data[:24], sorted({data[i:i + 20] for i in range(24, len(data), 20)} | {blob})
open(path, "wb").write(head + b"".join(ids))
PY
run git push origin main
expect_rc 0
echo "# forged, shared" >>README.md && git commit -qam "forged, shared"
chmod 666 "$cache"
push_refused origin main
remote_has "notes.txt:1:1"
chmod 600 "$cache"
sed -i 's/SERVER_SECRET/OTHER_WORD/' "$WORK/rules.yml"
run "$SMOKEHOOK" -C "$S" install --config "$WORK/missing.yml"
expect_rc 2
expect_err "missing.yml"
run "$SMOKEHOOK" install --config "$WORK/rules.yml"
expect_rc 2
expect_err "bare repository"
"$SMOKEHOOK" -C "$S" uninstall >/dev/null

t "first push into an empty repository: the pushed configuration applies"
E=$WORK/empty.git
git init -q --bare "$E"
"$SMOKEHOOK" -C "$E" install >/dev/null
F=$WORK/fresh
mkdir -p "$F/app" && cd "$F" && git init -q
printf 'version: 1\nchecks:\n  - id: own-rule\n    kind: forbid\n    word: OWN_WORD\n    paths: ["*.py"]\n' >.smokehook.yml
echo "print('no compose here')" >app/main.py
git add -A && git commit -qm "no compose files: the built-in suite would fail"
run git push "$E" main
expect_rc 0
expect_log "the repository holds no branch yet"
expect_log "1 check passed,"
echo "OWN_WORD" >>app/main.py && git commit -qam "own word"
push_refused "$E" main:other
remote_has "own-rule"

t "a server whose smokehook moved away refuses every push, saying so"
mkdir -p "$WORK/bin"
cp "$SMOKEHOOK" "$WORK/bin/smokehook"
"$SMOKEHOOK" -C "$E" uninstall >/dev/null
"$WORK/bin/smokehook" -C "$E" install >/dev/null
rm "$WORK/bin/smokehook"
git checkout -q -b elsewhere main~1
PATH=/usr/bin:/bin push_refused "$E" elsewhere
remote_has "cannot find smokehook"
remote_has "every push is refused until then"

finish
