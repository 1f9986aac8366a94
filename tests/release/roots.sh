# shellcheck shell=bash
# Shared by the release tests that run a release binary in another root (sourced after
# tests/e2e/lib.sh): servers for the live checks, fresh Debian roots, the example's proofs.
RELEASE_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_TESTS=$RELEASE_TESTS/../e2e
SERVERS=""
# shellcheck disable=SC2154
trap 'for p in $SERVERS; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT

need_root() {
  [ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
}

# wait_port FILE: the port a server wrote to FILE.
wait_port() {
  for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done
  [ -s "$1" ] || { echo "FAIL: the test server did not start"; exit 1; }
  cat "$1"
}
# HTTP_PORT: the e2e suite's HTTP server on 127.0.0.1.
start_http() {
  python3 "$E2E_TESTS/http_server.py" "$WORK/http.port" &
  SERVERS="$SERVERS $!"
  HTTP_PORT=$(wait_port "$WORK/http.port")
}
# TLS_PORT, $WORK/tls/ca.pem: an HTTPS server whose certificate (localhost, 127.0.0.1) is
# self-signed, so that only a bundle holding ca.pem verifies it.
start_tls() {
  mkdir -p "$WORK/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/tls/key.pem" -out "$WORK/tls/ca.pem" 2>/dev/null || { echo "FAIL: openssl req"; exit 1; }
  python3 "$RELEASE_TESTS/tls_server.py" "$WORK/tls.port" "$WORK/tls/ca.pem" "$WORK/tls/key.pem" &
  SERVERS="$SERVERS $!"
  TLS_PORT=$(wait_port "$WORK/tls.port")
}

# debian_root SUITE DIR: a fresh `mmdebstrap --variant=minbase SUITE` root unpacked into DIR,
# from the tarball cached in SMOKEHOOK_ROOTS_DIR (made on first use; exit 77 when it cannot be).
debian_root() {
  local tarball
  if [ -f "$RELEASE_TESTS/debian_root.sh" ]; then
    tarball=$(sh "$RELEASE_TESTS/debian_root.sh" "$1") || exit $?
  else
    : "${SMOKEHOOK_ROOTS_DIR:?}"
    mkdir -p "$SMOKEHOOK_ROOTS_DIR"
    tarball=$SMOKEHOOK_ROOTS_DIR/$1-minbase.tar
    (
      flock 9
      if [ ! -s "$tarball" ]; then
        command -v mmdebstrap >/dev/null || { echo "SKIP: mmdebstrap is not installed"; exit 77; }
        mmdebstrap --quiet --variant=minbase --format=tar "$1" "$tarball.part" >&2 ||
          { rm -f "$tarball.part"; echo "SKIP: mmdebstrap could not make a $1 root"; exit 77; }
        mv "$tarball.part" "$tarball"
      fi
    ) 9>"$SMOKEHOOK_ROOTS_DIR/.$1.lock" || exit $?
  fi
  mkdir -p "$2"
  tar -xf "$tarball" -C "$2" --exclude='./dev/*' || { echo "FAIL: cannot unpack $tarball"; exit 1; }
}

# in_root ROOT BIN ARGS...: runs BIN (a path inside ROOT) there, with an empty environment
# but for PATH, HOME and what the caller puts before: VAR=VALUE... in_root ...
in_root() {
  local root=$1 bin=$2
  shift 2
  run env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ $ENV_EXTRA "$CHROOT" "$root" "$bin" "$@"
}
ENV_EXTRA=""
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)

# prove_example ROOT BIN: the example repository at ROOT/repo passes --all, and fails once an
# invariant is broken, in --all and in staged mode (the index read by libgit2, no git binary).
prove_example() {
  local root=$1 bin=$2
  new_repo "$root/repo"
  t "--all passes on the example"
  in_root "$root" "$bin" -C /repo --all
  expect_rc 0
  expect_out "ALL 14 CHECKS PASSED"
  t "staged mode with nothing staged passes"
  in_root "$root" "$bin" -C /repo
  expect_rc 0
  t "--all fails once an invariant is broken"
  break_compose "$root/repo"
  in_root "$root" "$bin" -C /repo --all --format json
  expect_rc 1
  expect_eq "$(ids_with "$OUT" fail)" "compose.base compose.prod compose.profile.multi-worker compose.profile.multi-shard compose.profile.combined migrate.service migrate.command migrate.ordering shards.volumes"
  t "staged mode sees the broken file once it is staged"
  git -C "$root/repo" add docker-compose.yml
  in_root "$root" "$bin" -C /repo
  expect_rc 1
  git -C "$root/repo" checkout -q HEAD -- docker-compose.yml
  in_root "$root" "$bin" -C /repo --all
  expect_rc 0 "restored"
}

# live_checks ROOT BIN: --all --full's probes from inside ROOT against servers on 127.0.0.1.
live_checks() {
  local root=$1 bin=$2 host
  for host in 127.0.0.1 localhost; do
    t "live checks over HTTP to $host pass"
    ENV_EXTRA="SMOKEHOOK_API_URL=http://$host:$HTTP_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
    expect_rc 0
    expect_eq "$(json_get "$OUT" "[(c['id'], c['status']) for c in j['checks'] if c['id'].startswith('live.')]")" \
      "[('live.api-health', 'pass'), ('live.metrics', 'pass')]"
  done
  # Any other name goes through glibc's getaddrinfo, linked in: /etc/hosts with no NSS library.
  t "live checks to a name from the root's /etc/hosts pass"
  mkdir -p "$root/etc"
  [ -f "$root/etc/hosts" ] && cp "$root/etc/hosts" "$WORK/hosts.saved"
  echo "127.0.0.1 smokehook-live.test" >>"$root/etc/hosts"
  ENV_EXTRA="SMOKEHOOK_API_URL=http://smokehook-live.test:$HTTP_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 0
  expect_eq "$(status_of "$OUT" live.api-health)" pass
  if [ -f "$WORK/hosts.saved" ]; then mv "$WORK/hosts.saved" "$root/etc/hosts"; else rm "$root/etc/hosts"; fi
  t "a name nothing resolves fails clearly"
  ENV_EXTRA="SMOKEHOOK_API_URL=http://smokehook-live.test:$HTTP_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 1
  grep -qi "resolve" <<<"$(json_get "$OUT" "next(c['message'] for c in j['checks'] if c['id']=='live.api-health')")" ||
    fail "no resolution message"
  t "a refused connection fails the live checks, clearly"
  ENV_EXTRA="SMOKEHOOK_API_URL=http://127.0.0.1:$CLOSED_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 1
  grep -qi "connect" <<<"$(json_get "$OUT" "next(c['message'] for c in j['checks'] if c['id']=='live.api-health')")" ||
    fail "no connection message"
}
CLOSED_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# https_checks ROOT BIN: HTTPS verifies the certificate with the CA bundle the system has, and says
# clearly when there is none.
https_checks() {
  local root=$1 bin=$2 msg
  live_msg() { json_get "$OUT" "next(c['message'] for c in j['checks'] if c['id']=='live.api-health')"; }
  rm -f "$root/etc/ssl/certs/ca-certificates.crt" "$root/etc/pki/tls/certs/ca-bundle.crt"
  t "HTTPS with no CA bundle in the system: a clear message"
  ENV_EXTRA="SMOKEHOOK_API_URL=https://localhost:$TLS_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 1
  msg=$(live_msg)
  grep -qF "no CA certificates to verify HTTPS with (looked in /etc/ssl/certs/ca-certificates.crt" <<<"$msg" ||
    fail "message: $msg"
  grep -qF "SSL_CERT_FILE" <<<"$msg" || fail "the message does not name SSL_CERT_FILE: $msg"
  t "HTTPS verifies with Debian's bundle path"
  mkdir -p "$root/etc/ssl/certs"
  cp "$WORK/tls/ca.pem" "$root/etc/ssl/certs/ca-certificates.crt"
  ENV_EXTRA="SMOKEHOOK_API_URL=https://localhost:$TLS_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 0
  expect_eq "$(status_of "$OUT" live.metrics)" pass
  t "a certificate the bundle does not vouch for fails"
  cp /dev/null "$root/etc/ssl/certs/ca-certificates.crt"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout /dev/null \
    -out "$root/etc/ssl/certs/ca-certificates.crt" 2>/dev/null
  ENV_EXTRA="SMOKEHOOK_API_URL=https://127.0.0.1:$TLS_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 1
  msg=$(live_msg)
  grep -qi "certificate\|SSL" <<<"$msg" || fail "message: $msg"
  rm -f "$root/etc/ssl/certs/ca-certificates.crt"
  t "HTTPS verifies with Fedora's bundle path, and with SSL_CERT_FILE"
  mkdir -p "$root/etc/pki/tls/certs"
  cp "$WORK/tls/ca.pem" "$root/etc/pki/tls/certs/ca-bundle.crt"
  ENV_EXTRA="SMOKEHOOK_API_URL=https://127.0.0.1:$TLS_PORT" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 0
  rm "$root/etc/pki/tls/certs/ca-bundle.crt"
  cp "$WORK/tls/ca.pem" "$root/my-ca.pem"
  ENV_EXTRA="SMOKEHOOK_API_URL=https://localhost:$TLS_PORT SSL_CERT_FILE=/my-ca.pem" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 0
  ENV_EXTRA="SMOKEHOOK_API_URL=https://localhost:$TLS_PORT SSL_CERT_FILE=/missing.pem" in_root "$root" "$bin" -C /repo --all --full --format json
  expect_rc 1
  grep -qF "looked in /missing.pem (SSL_CERT_FILE)" <<<"$(live_msg)" || fail "message: $(live_msg)"
  rm "$root/my-ca.pem"
}
