#!/usr/bin/env bash
# Field-by-field differential sweep, run on demand (not part of ctest): puts
# each value of a list into one compose field at a time and compares
# smokehook's valid/invalid verdict with docker compose's.
#
#   tests/conformance/sweep.sh [SMOKEHOOK] [REFERENCE]
#
# REFERENCE defaults to the docker compose binary run.sh fetches. Prints one
# line per field (value:docker,smokehook; '!' marks a disagreement) and exits 1
# when any value disagrees.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
smokehook=$(realpath "${1:-$here/../../build/smokehook}")
compose=${2:-${SMOKEHOOK_REFERENCE_DIR:-$HOME/.cache/smokehook-reference}/usr/libexec/docker/cli-plugins/docker-compose}
[ -x "$compose" ] || { echo "no reference binary at $compose (tests/conformance/run.sh fetches it)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/f.txt"
status=0

verdict() {  # COMMAND... -> 0 valid, 1 invalid
  (cd "$work" && env -i PATH=/usr/bin:/bin HOME=/tmp "$@" >/dev/null 2>&1) && echo 0 || echo 1
}

# sweep KIND TEMPLATE VALUE...: KIND service puts TEMPLATE under a service,
# top after the services; V in TEMPLATE stands for each value.
sweep() {
  local kind=$1 template=$2 line
  shift 2
  line=$(printf '%-60s' "$template")
  for v in "$@"; do
    local text=${template//V/$v}
    if [ "$kind" = service ]; then
      printf 'services:\n  a:\n    image: x\n    %s\n' "$text" >"$work/c.yml"
    else
      printf 'services:\n  a:\n    image: x\n%s\n' "$text" >"$work/c.yml"
    fi
    local theirs ours mark=" "
    theirs=$(verdict "$compose" -p x -f c.yml config -q)
    ours=$(verdict "$smokehook" compose -f c.yml)
    [ "$theirs" = "$ours" ] || { mark="!"; status=1; }
    line="$line $v:$theirs$ours$mark"
  done
  echo "$line"
}

numbers=(-1 0 3 1.5 "'-1'" "'3'" "'1.5'" "'x'" "'1k'" true "'true'" 70000 4294967296
         1_000 1e3 2.0 .inf 0x10 tRue "'0x10'" "'1_000'" "'2.0'" "'1e3'" "'1 kb'" "'1ki'")
for f in "cpu_count: V" "cpu_percent: V" "cpu_period: V" "cpu_quota: V" "cpu_rt_period: V" "cpu_rt_runtime: V" \
         "cpus: V" "cpu_shares: V" "deploy: {replicas: V}" "deploy: {update_config: {parallelism: V}}" \
         "deploy: {update_config: {max_failure_ratio: V}}" "deploy: {restart_policy: {max_attempts: V}}" \
         "deploy: {placement: {max_replicas_per_node: V}}" "deploy: {resources: {limits: {pids: V}}}" \
         "deploy: {resources: {limits: {cpus: V}}}" "deploy: {resources: {limits: {memory: V}}}" \
         "healthcheck: {retries: V}" "mem_limit: V" "mem_reservation: V" "memswap_limit: V" "mem_swappiness: V" \
         "oom_score_adj: V" "pids_limit: V" "ports: [{target: V}]" "ports: [{target: 80, published: V}]" "scale: V" \
         "shm_size: V" "build: {context: ., shm_size: V}" "ulimits: {nofile: V}" "ulimits: {nofile: {soft: V, hard: 10}}" \
         "volumes: [{type: tmpfs, target: /t, tmpfs: {size: V}}]" "blkio_config: {weight: V}" \
         "configs: [{source: s, mode: V}]" "expose: [V]" "group_add: [V]" "init: V" "privileged: V" "tty: V"; do
  sweep service "$f" "${numbers[@]}"
done

strings=(bogus "''" always "'no'" on-failure:3 host "'service:'" service:x container:x private "'80'" null)
for f in "restart: V" "network_mode: V" "ipc: V" "pid: V" "uts: V" "cgroup: V" "user: V" "pull_policy: V" \
         "container_name: V" "labels: {a: V}" "environment: {A: V}" "extra_hosts: {h: V}" "dns: V" "tmpfs: V" \
         "devices: [V]" "volumes_from: [V]" "links: [V]" "stop_grace_period: V" "healthcheck: {test: V}" "gpus: V" \
         "gpus: [{count: V}]" "develop: {watch: [{path: V, action: sync, target: /a}]}" \
         "develop: {watch: [{path: ., action: V}]}" "label_file: V" "build: V" "image: V" \
         "build: {context: ., ssh: [V]}" "build: {context: ., additional_contexts: [V]}"; do
  sweep service "$f" "${strings[@]}"
done

specs=("'/data'" "'v:/d'" "'a:b'" "'a:b:c:d'" "'/a:/b:'" "'/a::/b'" "'x/y:/c'" "'/a:/b:ro,z'" "'ab'" "':a'"
       "'/a:/b:c:d:e'" "'80:80/udp'" "'127.0.0.1:80:80'" "'[::1]:80:80'" "'80-81:80-81'" "'a:80'" "'80:80:80'")
for f in "volumes: [V]" "ports: [V]" "devices: [V]" "extra_hosts: [V]" "volumes: [V, V]" "security_opt: [V, V]" \
         "cap_add: [V, V]" "extra_hosts: [V, V]"; do
  sweep service "$f" "${specs[@]}"
done

objects=(x "''" 1 true "'true'" null "[a]" "{a: b}" "{name: n}")
for f in "networks: {n: V}" "networks: {n: {driver: V}}" "networks: {n: {external: V}}" "networks: {n: {internal: V}}" \
         "networks: {n: {driver_opts: {a: V}}}" "networks: {n: {labels: V}}" "networks: {n: {ipam: V}}" \
         "networks: {n: {ipam: {config: [V]}}}" "volumes: {v: V}" "volumes: {v: {external: V}}" \
         "secrets: {s: {file: V}}" "secrets: {s: {environment: V}}" "secrets: {s: {external: V}}" \
         "configs: {c: {content: V}}" "models: {m: V}" "models: {m: {model: V}}" "name: V" "x-any: V"; do
  sweep top "$f" "${objects[@]}"
done
exit $status
