#!/usr/bin/env bash
# SARIF and JUnit output, checked by real consumers: Microsoft's SARIF
# Multitool (npm @microsoft/sarif-multitool, installed when missing) and
# xmllint against the JUnit schema.
. "$(dirname "$0")/lib.sh"

R=$WORK/repo
new_repo "$R"
cd "$R"
# A failing run: findings with and without locations, a skipped check.
break_compose "$R"
sed -i 's/    register_metrics_endpoint(app)//' server/app_factory.py

t "SARIF 2.1.0 passes the SARIF Multitool's validation"
SMOKEHOOK_SKIP=wiring.calls-slots run "$SMOKEHOOK" --all --format sarif
expect_rc 1
printf '%s\n' "$OUT" >"$WORK/report.sarif"
expect_eq "$(json_get "$OUT" "(j['version'], len(j['runs'][0]['tool']['driver']['rules']))")" "('2.1.0', 14)"
expect_eq "$(json_get "$OUT" "sorted({r['ruleId'] for r in j['runs'][0]['results']})")" \
  "['compose.base', 'compose.prod', 'compose.profile.combined', 'compose.profile.multi-shard', 'compose.profile.multi-worker', 'migrate.command', 'migrate.ordering', 'migrate.service', 'shards.volumes', 'wiring.metrics']"
expect_eq "$(json_get "$OUT" "[(l['physicalLocation']['artifactLocation']['uri'], l['physicalLocation']['region']['startLine']) for r in j['runs'][0]['results'] if r['ruleId']=='compose.base' for l in r['locations']]")" \
  "[('docker-compose.yml', 35)]"
tool_dir=${SMOKEHOOK_NPM_CACHE:-$HOME/.cache/smokehook-npm}
multitool=$(find "$tool_dir" -name Sarif.Multitool -type f 2>/dev/null | head -1)
if [ -z "$multitool" ]; then
  mkdir -p "$tool_dir"
  (cd "$tool_dir" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool@5 >/dev/null 2>&1)
  multitool=$(find "$tool_dir" -name Sarif.Multitool -type f 2>/dev/null | head -1)
fi
if [ -z "$multitool" ]; then
  fail "cannot install @microsoft/sarif-multitool from npm"
else
  chmod u+x "$multitool"
  run "$multitool" validate "$WORK/report.sarif" --output "$WORK/validation.sarif" --log ForceOverwrite
  expect_rc 0
  errors=$(python3 -c "import json; j=json.load(open('$WORK/validation.sarif')); print(sum(1 for r in j['runs'][0].get('results', []) if r.get('level', 'warning') == 'error'))")
  expect_eq "$errors" "0" "validation errors in the SARIF report"
fi

t "JUnit XML is valid against the JUnit schema"
SMOKEHOOK_SKIP=wiring.calls-slots run "$SMOKEHOOK" --all --format junit
expect_rc 1
printf '%s\n' "$OUT" >"$WORK/report.xml"
run xmllint --noout --schema "$(dirname "$0")/junit.xsd" "$WORK/report.xml"
expect_rc 0
expect_eq "$(grep -c '<testcase ' "$WORK/report.xml")" "14"
expect_eq "$(grep -c '<failure ' "$WORK/report.xml")" "10"
expect_eq "$(grep -c '<skipped ' "$WORK/report.xml")" "1"
grep -q 'docker-compose.yml:35:5: unknown key' "$WORK/report.xml" || fail "the failure lacks its finding"

t "JUnit in push mode names the ref"
git commit -qam broken --no-verify
z=0000000000000000000000000000000000000000
run_in "refs/heads/main $(git rev-parse HEAD) refs/heads/main $z
" "$SMOKEHOOK" --hook pre-push origin /dev/null --format junit
expect_rc 1
printf '%s\n' "$OUT" >"$WORK/push.xml"
run xmllint --noout --schema "$(dirname "$0")/junit.xsd" "$WORK/push.xml"
expect_rc 0
grep -q 'name="compose.base \[refs/heads/main\]"' "$WORK/push.xml" || fail "the testcase does not name the ref"

finish
