#!/usr/bin/env bash
# The release binary (install/release.sh: one static executable) beside the source build
# (install/setup.sh: glibc and libm shared, everything else static), in the same run (hyperfine;
# medians): start-up, the commit overhead, and the 100k-file rows of bench/run.sh.
#
#   bench/release.sh SOURCE_BINARY RELEASE_BINARY [OUT_DIR]   (default /tmp/smokehook-bench)
#
# Both are measured as installed copies (see bench/run.sh). Needs hyperfine, ripgrep, git, cc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: bench/release.sh SOURCE_BINARY RELEASE_BINARY [OUT_DIR]" >&2; exit 2; }
out=${3:-/tmp/smokehook-bench}
mkdir -p "$out"
install -m 755 "$1" "$out/smokehook-source"
install -m 755 "$2" "$out/smokehook-release"
src=$out/smokehook-source rel=$out/smokehook-release
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=b@example.com
for n in 2000 100000; do
  [ -d "$out/r$n/.git" ] || python3 "$here/gen_repo.py" "$out/r$n" "$n"
done
hf() { hyperfine -N --style basic --warmup 3 "$@"; }
# Median wall time and its ratio to the first command; mean CPU time (user + system), which a
# shared machine's load disturbs less than wall time.
median() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; b=r[0]['median']; c=r[0]['user']+r[0]['system']; print('\n'.join('  %-56s %9.2f ms %5.2fx   cpu %8.2f ms %5.2fx' % (x['command'][:56], x['median']*1000, x['median']/b, (x['user']+x['system'])*1000, (x['user']+x['system'])/c) for x in r))" "$1"; }

echo "## start-up: --version (no repository)"
hf --runs 200 --export-json "$out/rel-version.json" "$src --version" "$rel --version"
median "$out/rel-version.json"

echo "## git commit, one unrelated file staged, 2k files: no hook, the source build's hook, the release binary's"
# Each kind of hook in its own core.hooksPath folder, installed by its binary (the compiled hook
# records which binary it runs); one --prepare stages one more line of README.md for every commit.
r=$out/r2000
for kind in source release; do
  rm -rf "$out/hooks-$kind"
  (cd "$r" && "$out/smokehook-$kind" install >/dev/null)
  mkdir -p "$out/hooks-$kind"
  mv "$r/.git/hooks/pre-commit" "$r/.git/hooks/pre-push" "$out/hooks-$kind/"
  (cd "$r" && "$out/smokehook-$kind" uninstall >/dev/null 2>&1 || true)
done
mkdir -p "$out/hooks-none"
# Three rounds: hyperfine runs all commits of one command, then the next; the load drifts.
for round in 1 2 3; do
  (cd "$r" && hyperfine --style basic --warmup 3 --runs 40 --export-json "$out/rel-commit-$round.json" \
    --prepare 'echo x >>README.md && git add README.md' \
    "git -c gc.auto=0 -c core.hooksPath=$out/hooks-none commit -q -m x" \
    "git -c gc.auto=0 -c core.hooksPath=$out/hooks-source commit -q -m x" \
    "git -c gc.auto=0 -c core.hooksPath=$out/hooks-release commit -q -m x")
  echo "round $round:"
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; b=r[0]['median']; c=r[0]['user']+r[0]['system']; print('\n'.join('  %-10s %7.2f ms  %+6.2f ms over no hook   cpu %+6.2f ms' % (n, x['median']*1000, (x['median']-b)*1000, (x['user']+x['system']-c)*1000) for n, x in zip(('none','source','release'), r)))" "$out/rel-commit-$round.json"
done

echo "## staged mode, one unrelated file staged, 100k files"
r=$out/r100000
echo "# bench" >>"$r/README.md" && git -C "$r" add README.md
(cd "$r" && hf --runs 30 --export-json "$out/rel-staged.json" "git diff --cached --name-only" "$src" "$rel")
median "$out/rel-staged.json"
git -C "$r" reset -q --hard

echo "## --all on the 100k working tree vs ripgrep"
(cd "$r" && hf --runs 10 -i --export-json "$out/rel-all.json" \
  "rg -c -w BAILEYS_BASE_URL -g *.py -g *.js -g *.ts -g !config.* -g !router.* -g !config/ -g !tests/ -g !node_modules/" \
  "$src --all -q" "$rel --all -q")
median "$out/rel-all.json"

echo "## pre-push of the 100k tree vs git grep of the same commit"
head=$(git -C "$r" rev-parse HEAD)
printf 'refs/heads/main %s refs/heads/main %s\n' "$head" 0000000000000000000000000000000000000000 >"$out/push.in"
(cd "$r" && hyperfine --style basic --warmup 1 --runs 5 -i --export-json "$out/rel-push.json" \
  "git grep -c -w BAILEYS_BASE_URL HEAD -- '*.py' '*.js' '*.ts'" \
  "$src --hook pre-push origin x -q < $out/push.in" "$rel --hook pre-push origin x -q < $out/push.in")
median "$out/rel-push.json"

echo "## peak memory, staged mode, 100k files"
echo "# bench" >>"$r/README.md" && git -C "$r" add README.md
for b in "$src" "$rel"; do
  (cd "$r" && /usr/bin/time -f "$(basename "$b"): %M KiB" "$b" -q >/dev/null) 2>&1 | tail -1
done
git -C "$r" reset -q --hard

echo "## load-independent: instructions executed (valgrind) and minor page faults, one run each"
# What a commit's hook does (staged mode, one unrelated file, 2k files) and --version (start-up and
# exit only). Instructions count the dynamic loader's work, which the static binary does not do.
r=$out/r2000
echo "# bench" >>"$r/README.md" && git -C "$r" add README.md
for args in "--version" "-q"; do
  for b in "$src" "$rel"; do
    if command -v valgrind >/dev/null; then
      ins=$(cd "$r" && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" $args 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    else
      ins="(no valgrind)"
    fi
    faults=$(cd "$r" && /usr/bin/time -f %R "$b" $args 2>&1 >/dev/null | tail -1)
    printf '  %-22s %-10s %12s instructions %6s minor faults\n' "$(basename "$b")" "$args" "$ins" "$faults"
  done
done
git -C "$r" reset -q --hard
