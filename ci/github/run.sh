#!/bin/sh
# The check step of action.yml (testable on its own): runs smokehook on what the
# event means, writes the report to $REPORT and prints a human report in the log.
#   pull_request, pull_request_target, merge_group: smokehook --from-ref BASE --to-ref HEAD
#   anything else (push, schedule, workflow_dispatch):  smokehook --all
# Environment: SMOKEHOOK (the binary), EVENT, BASE (the pull request's base commit),
# HEAD (the commit to check), FORMAT (sarif | json | junit | human), REPORT (file),
# CONFIG, ONLY (optional), GITHUB_OUTPUT (optional: gets exit-code=N and report=FILE).
# Exits with smokehook's status (0 pass, 1 a check failed, 2 smokehook could not run).
set -u
: "${SMOKEHOOK:?}" "${EVENT:?}" "${REPORT:?}"
format=${FORMAT:-sarif}
set --
[ -z "${CONFIG:-}" ] || set -- "$@" --config "$CONFIG"
[ -z "${ONLY:-}" ] || set -- "$@" --only "$ONLY"
case $EVENT in
  pull_request | pull_request_target | merge_group)
    : "${BASE:?the event has no base commit}"
    head=${HEAD:-HEAD}
    # A shallow checkout (actions/checkout's default) may not hold the base: fetch it.
    if ! git cat-file -e "$BASE^{commit}" 2>/dev/null; then
      git fetch --no-tags --quiet origin "$BASE" ||
        echo "smokehook: could not fetch the base commit $BASE; use actions/checkout with fetch-depth: 0" >&2
    fi
    set -- "$@" --from-ref "$BASE" --to-ref "$head"
    echo "smokehook: the checks affected by $BASE...$head" ;;
  *)
    set -- "$@" --all
    echo "smokehook: every check ($EVENT)" ;;
esac
"$SMOKEHOOK" --color always "$@"
rc=$?
if [ "$format" != human ] && [ "$rc" -ne 2 ]; then
  "$SMOKEHOOK" --format "$format" "$@" >"$REPORT"
  report_rc=$?
  [ "$report_rc" -le 1 ] || rc=$report_rc
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$rc" >>"$GITHUB_OUTPUT"
  echo "report=$REPORT" >>"$GITHUB_OUTPUT"
fi
exit "$rc"
