#!/usr/bin/env bash
# --full: live HTTP checks against a real server on 127.0.0.1, started here.
. "$(dirname "$0")/lib.sh"

python3 "$(dirname "$0")/http_server.py" "$WORK/port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
port=$(cat "$WORK/port")
# A port with nothing listening: bind one, note it, let it go.
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

R=$WORK/repo
new_repo "$R"
cd "$R"

t "--all --full runs the default live checks; without --full they are left out"
SMOKEHOOK_API_URL=http://127.0.0.1:$port run "$SMOKEHOOK" --all --full --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "[(c['id'], c['status']) for c in j['checks'] if c['id'].startswith('live.')]")" \
  "[('live.api-health', 'pass'), ('live.metrics', 'pass')]"
SMOKEHOOK_API_URL=http://127.0.0.1:$port run "$SMOKEHOOK" --all --format json
expect_eq "$(json_get "$OUT" "len(j['checks'])")" "14"

t "a service that is down fails the live checks, never the hooks"
SMOKEHOOK_API_URL=http://127.0.0.1:$closed run "$SMOKEHOOK" --all --full --format json
expect_rc 1
expect_eq "$(ids_with "$OUT" fail)" "live.api-health live.metrics"
expect_eq "$(json_get "$OUT" "'Connection refused' in next(c['message'] for c in j['checks'] if c['id']=='live.api-health') or 'connect' in next(c['message'] for c in j['checks'] if c['id']=='live.api-health').lower()")" "True"

cat >"$WORK/live.yml" <<YAML
version: 1
checks:
  - {id: healthy, kind: http, url: "http://127.0.0.1:$port/healthz"}
  - {id: wrong-status, kind: http, url: "http://127.0.0.1:$port/broken", expect_status: 2xx}
  - {id: wrong-body, kind: http, url: "http://127.0.0.1:$port/plain", body_matches: "(?m)^# TYPE "}
  - {id: refused, kind: http, url: "http://127.0.0.1:$closed/", timeout_ms: 1000}
  - {id: hangs, kind: http, url: "http://127.0.0.1:$port/hang", timeout_ms: 500}
  - {id: retried, kind: http, url: "http://127.0.0.1:$port/broken", expect_status: "200,204", retries: 2}
YAML

t "each way a probe can fail is a clear finding, within the timeout"
start=$(date +%s%N)
run "$SMOKEHOOK" --all --full --config "$WORK/live.yml" --format json
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 1
expect_eq "$(ids_with "$OUT" pass)" "healthy"
msg() { json_get "$OUT" "next(c['message'] for c in j['checks'] if c['id']=='$1')"; }
grep -q "answered 500, expected 2xx" <<<"$(msg wrong-status)" || fail "wrong status: $(msg wrong-status)"
grep -q "does not match" <<<"$(msg wrong-body)" || fail "wrong body: $(msg wrong-body)"
grep -qi "refused\|connect" <<<"$(msg refused)" || fail "refused: $(msg refused)"
grep -qi "timeout\|timed out" <<<"$(msg hangs)" || fail "hangs: $(msg hangs)"
grep -q "after 3 attempts" <<<"$(msg retried)" || fail "retries: $(msg retried)"
[ "$elapsed_ms" -lt 8000 ] || fail "took ${elapsed_ms} ms: a hanging server must not hang smokehook"

t "live.up runs before the live checks and live.down after, with --full only"
cat >"$WORK/updown.yml" <<YAML
version: 1
live:
  up: echo up >>"$WORK/updown.log"
  down: echo down >>"$WORK/updown.log"
checks:
  - {id: healthy, kind: http, url: "http://127.0.0.1:$port/healthz"}
  - {id: r, kind: require, path: server/worker.py, literals: [argparse]}
YAML
run "$SMOKEHOOK" --all --config "$WORK/updown.yml"
expect_rc 0
[ ! -e "$WORK/updown.log" ] || fail "up/down ran without --full"
run "$SMOKEHOOK" --all --full --config "$WORK/updown.yml" --format json
expect_rc 0
expect_eq "$(tr '\n' ' ' <"$WORK/updown.log")" "up down "
json_get "$OUT" "j['summary']" >/dev/null || fail "up/down output leaked into the JSON report"
sed -i 's/  up: echo up/  up: exit 3; echo up/' "$WORK/updown.yml"
run "$SMOKEHOOK" --all --full --config "$WORK/updown.yml"
expect_rc 2
expect_err "live.up failed"

t "SMOKEHOOK_TIMEOUT bounds a whole run, with a clear message and exit 2"
printf 'version: 1\nchecks:\n  - {id: slow, kind: http, url: "http://127.0.0.1:%s/hang", timeout_ms: 20000}\n' "$port" >"$WORK/slow.yml"
start=$(date +%s%N)
SMOKEHOOK_TIMEOUT=1 run "$SMOKEHOOK" --all --full --config "$WORK/slow.yml"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 2
expect_err "gave up after 1 s (SMOKEHOOK_TIMEOUT)"
[ "$elapsed_ms" -lt 5000 ] || fail "the budget did not stop the run (${elapsed_ms} ms)"

t "the hooks never run live checks"
echo "# x" >>server/worker.py && git add server/worker.py
"$SMOKEHOOK" init --default >/dev/null && git add .smokehook.yml
SMOKEHOOK_API_URL=http://127.0.0.1:$closed run "$SMOKEHOOK" --format json
expect_rc 0
expect_eq "$(json_get "$OUT" "[c['id'] for c in j['checks'] if c['id'].startswith('live.')]")" "[]"

finish
