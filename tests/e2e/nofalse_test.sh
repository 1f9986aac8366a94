#!/usr/bin/env bash
# No false pass: a check passes only what it checked. Big staged files are
# scanned whole (or fail the gate), selectors that select nothing fail, the
# configuration is not its own finding, and nothing that did not run is
# pointed at.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"

t "a staged 40 MiB file with the word on its last line fails the gate, at that line, in seconds"
python3 - <<'PY'
with open("server/generated.py", "w") as f:
    line = "x = 'generated line of code, long enough to take some room: 0123456789abcdef'\n"
    n = 0
    while f.tell() < 40 << 20:
        f.write(line)
        n += 1
    f.write("y = LEGACY_BAILEYS_BASE_URL\n")
    f.write("URL = BAILEYS_BASE_URL\n")
open("lines", "w").write(str(n + 2))
PY
want_line=$(cat lines) && rm lines
git add server/generated.py
start=$(date +%s%N)
run "$SMOKEHOOK" --format json
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 1
expect_eq "$(status_of "$OUT" ssot.baileys-base-url)" "fail"
expect_eq "$(json_get "$OUT" "[(f['path'], f['line'], f['column']) for c in j['checks'] for f in c['findings']]")" \
  "[('server/generated.py', $want_line, 7)]"
[ "$elapsed_ms" -lt 20000 ] || fail "took $elapsed_ms ms"
echo "    (staged 40 MiB scan: $elapsed_ms ms)"

t "the same file blocks the commit through the hook, and fails on the commit's tree"
run "$SMOKEHOOK" install
commit_refused "generated code"
expect_log "server/generated.py:$want_line:7"
git commit -q --no-verify -m "generated code"
run "$SMOKEHOOK" --all --rev HEAD --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "[f['line'] for c in j['checks'] for f in c['findings']]")" "[$want_line]"
git reset -q --hard HEAD~1
run "$SMOKEHOOK" uninstall

t "a file over a configured max_file_size fails the gate with a finding naming it and the limit"
cat >.smokehook.yml <<'YML'
version: 1
checks:
  - {id: gate, kind: forbid, word: NEVER_HERE, paths: ["*.txt"], max_file_size: 1000}
YML
head -c 2000 /dev/zero | tr '\0' 'a' >big.txt
echo small >small.txt
git add .smokehook.yml big.txt small.txt
run "$SMOKEHOOK" --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "[(f['path'], f['message']) for c in j['checks'] for f in c['findings']]")" \
  "[('big.txt', 'not scanned: 2000 bytes, more than max_file_size 1000 (raise max_file_size, or list it in except)')]"
run "$SMOKEHOOK" --all
expect_rc 1
expect_out "big.txt: not scanned: 2000 bytes, more than max_file_size 1000"
git rm -q --cached big.txt small.txt .smokehook.yml && rm -f big.txt small.txt .smokehook.yml

t "a selector that matches nothing fails its check, naming the selector"
cat >.smokehook.yml <<'YML'
version: 1
checks:
  - id: consumers
    kind: compose-depends
    files: [docker-compose.yml]
    services: ["snuba-*-consumerz"]
    depend_on: migrate
  - id: pair
    kind: compose-volumes
    files: [docker-compose.yml]
    distinct_among: "{postgress,rediss}"
  - id: braces
    kind: compose-depends
    files: [docker-compose.yml]
    services: ["{api,worker}"]
    depend_on: migrate
    condition: service_completed_successfully
YML
run "$SMOKEHOOK" --all --format json
expect_rc 1
expect_eq "$(ids_with "$OUT" fail)" "consumers pair"
expect_eq "$(json_get "$OUT" "j['checks'][0]['message']")" \
  "services: 'snuba-*-consumerz' matches no service of docker-compose.yml"
expect_eq "$(json_get "$OUT" "j['checks'][2]['message']")" "2 service dependencies on 'migrate' verified"
rm .smokehook.yml

t "a forbid never flags its own configuration; one whose paths match nothing says so"
cat >.smokehook.yml <<'YML'
version: 1
checks:
  - {id: secret, kind: forbid, word: TOP_SECRET_TOKEN}
  - {id: ruby, kind: forbid, word: TOP_SECRET_TOKEN, paths: ["*.rb"]}
YML
git add .smokehook.yml
run "$SMOKEHOOK" --all --format json
expect_rc 0
expect_eq "$(status_of "$OUT" secret)" "pass"
expect_eq "$(json_get "$OUT" "j['checks'][1]['message']")" "warning: no file matches paths [*.rb]: nothing was scanned"
run "$SMOKEHOOK" --all
expect_rc 0
expect_out "⚠️  warning: no file matches paths [*.rb]: nothing was scanned"
run "$SMOKEHOOK"  # staged: the configuration changed, so every check scans everything
expect_rc 0
cp .smokehook.yml rules.yml && git add rules.yml
run "$SMOKEHOOK" --all --config rules.yml --format json
expect_rc 1 "the unused .smokehook.yml is an ordinary file then"
expect_eq "$(json_get "$OUT" "sorted({f['path'] for c in j['checks'] for f in c['findings']})")" "['.smokehook.yml']" \
  "the --config file is the configuration: not scanned"
git rm -q --cached .smokehook.yml rules.yml && rm -f .smokehook.yml rules.yml

t "SMOKEHOOK_SKIP naming no check warns on stderr, naming it, and does not block"
run env SMOKEHOOK_SKIP=migrate.ordering,nosuch "$SMOKEHOOK" --all
expect_rc 0
expect_err "SMOKEHOOK_SKIP names 'nosuch', which is no check of this configuration"
grep -qF "'migrate.ordering'" <<<"$ERR" && fail "a real id was reported as unknown"

t "a check whose project's validity check does not run shows the project's errors itself"
break_compose "$R"
run "$SMOKEHOOK" --all --only migrate.service
expect_rc 1
expect_out "docker-compose.yml:35:5: unknown key 'imag'"
expect_no_out "see check compose.base"
run env SMOKEHOOK_SKIP=compose.base "$SMOKEHOOK" --all --format json
expect_rc 1
expect_eq "$(json_get "$OUT" "[f['line'] for c in j['checks'] if c['id']=='migrate.command' for f in c['findings']]")" "[35]"
run "$SMOKEHOOK" --all --format json
expect_eq "$(json_get "$OUT" "[c['message'] for c in j['checks'] if c['id']=='migrate.command'][0]")" \
  "the compose project docker-compose.yml is invalid (see check compose.base)"
git checkout -q docker-compose.yml

finish
