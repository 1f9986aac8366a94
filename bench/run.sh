#!/usr/bin/env bash
# Measures smokehook against its baselines, side by side in the same run
# (hyperfine; medians). Generates the benchmark repositories when missing.
#
#   bench/run.sh [OUT_DIR]        (default /tmp/smokehook-bench)
#
# Needs: hyperfine, ripgrep, git; the reference docker compose for the compose
# comparison (tests/conformance/run.sh fetches it into ~/.cache/smokehook-reference).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
smokehook=${SMOKEHOOK:-$here/../build/smokehook}
out=${1:-/tmp/smokehook-bench}
compose=${DOCKER_COMPOSE:-$HOME/.cache/smokehook-reference/usr/libexec/docker/cli-plugins/docker-compose}
mkdir -p "$out"
# Measured as installed (`cmake --install` copies it): a binary the linker has just written sits
# in the page cache in small pieces and takes more page faults than the same bytes copied.
install -m 755 "$smokehook" "$out/smokehook"
smokehook=$out/smokehook
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=b@example.com
for n in 2000 20000 100000; do
  [ -d "$out/r$n/.git" ] || python3 "$here/gen_repo.py" "$out/r$n" "$n"
done
hf() { hyperfine -N --style basic --warmup 3 "$@"; }
median() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(' | '.join('%s: %.2f ms' % (x['command'], x['median']*1000) for x in r))" "$1"; }

echo "## 1. staged mode, one unrelated file staged, 100k files"
r=$out/r100000
echo "# bench" >>"$r/README.md" && git -C "$r" add README.md
(cd "$r" && hf --runs 30 --export-json "$out/staged.json" "git diff --cached --name-only" "$smokehook")
median "$out/staged.json"
git -C "$r" reset -q --hard

echo "## 2. git commit, one unrelated file staged, 2k files: no hook, a compiled no-op hook, smokehook installed"
r=$out/r2000
(cd "$r" && "$smokehook" uninstall >/dev/null)
(cd "$r" && hyperfine --style basic --warmup 3 --runs 30 --export-json "$out/commit-nohook.json" \
  --prepare 'echo x >>README.md && git add README.md' 'git -c gc.auto=0 commit -q -m x')
# The floor any hook pays here: git's hook machinery and one exec of a program that does nothing.
printf 'int main(void) { return 0; }\n' >"$out/noop.c" && cc -O2 -o "$r/.git/hooks/pre-commit" "$out/noop.c"
(cd "$r" && hyperfine --style basic --warmup 3 --runs 30 --export-json "$out/commit-noop.json" \
  --prepare 'echo x >>README.md && git add README.md' 'git -c gc.auto=0 commit -q -m x')
rm -f "$r/.git/hooks/pre-commit"
(cd "$r" && "$smokehook" install >/dev/null)
(cd "$r" && hyperfine --style basic --warmup 3 --runs 30 --export-json "$out/commit-hook.json" \
  --prepare 'echo x >>README.md && git add README.md' 'git -c gc.auto=0 commit -q -m x')
(cd "$r" && "$smokehook" uninstall >/dev/null)
median "$out/commit-nohook.json"; median "$out/commit-noop.json"; median "$out/commit-hook.json"
# The same, interleaved (one commit of each kind per round): load drift between hyperfine's runs
# is larger than the differences measured here.
python3 "$here/commit_overhead.py" "$r" "$smokehook" 100

echo "## 3. staged docker-compose.prod.yml (five compose projects) vs the five docker compose config calls"
echo "# bench" >>"$r/docker-compose.prod.yml" && git -C "$r" add docker-compose.prod.yml
five="for p in '' '-f docker-compose.prod.yml' '--profile multi-worker' '--profile multi-shard' '-f docker-compose.prod.yml --profile multi-worker --profile multi-shard'; do $compose -p x -f docker-compose.yml \$p config -q; done"
if [ -x "$compose" ]; then
  (cd "$r" && hyperfine --style basic --warmup 3 --runs 20 --export-json "$out/compose-staged.json" \
    "$smokehook" "bash -c \"$five\"")
  median "$out/compose-staged.json"
  echo "## 3b. smokehook compose vs docker compose config, each of the example's five projects"
  for spec in "" "-f docker-compose.prod.yml" "--profile multi-worker" "--profile multi-shard" \
              "-f docker-compose.prod.yml --profile multi-worker --profile multi-shard"; do
    (cd "$r" && hf --runs 20 --export-json "$out/compose-one.json" \
      "$smokehook compose -f docker-compose.yml $spec --format json" "$compose -p x -f docker-compose.yml $spec config --format json")
    median "$out/compose-one.json"
  done
else
  (cd "$r" && hf --runs 20 --export-json "$out/compose-staged.json" "$smokehook")
  median "$out/compose-staged.json"
  echo "(no reference docker compose at $compose: run tests/conformance/run.sh once to fetch it)"
fi
git -C "$r" reset -q --hard

echo "## 4. --all on the 100k working tree vs ripgrep; pre-push vs git grep of the same commit"
r=$out/r100000
(cd "$r" && hf --runs 10 --export-json "$out/all.json" -i \
  "$smokehook --all -q" \
  "rg -c -w BAILEYS_BASE_URL -g *.py -g *.js -g *.ts -g !config.* -g !router.* -g !config/ -g !tests/ -g !node_modules/")
  # the same files and word as the default suite's gate; -c, not -q: every file is read, as smokehook reads them
median "$out/all.json"
head=$(git -C "$r" rev-parse HEAD)
printf 'refs/heads/main %s refs/heads/main %s\n' "$head" 0000000000000000000000000000000000000000 >"$out/push.in"
# (hyperfine 1.15 has no --input: its shell mode, whose own start-up it subtracts)
(cd "$r" && hyperfine --style basic --warmup 1 --runs 5 --export-json "$out/push.json" -i \
  "$smokehook --hook pre-push origin x -q < $out/push.in" "git grep -c -w BAILEYS_BASE_URL HEAD -- '*.py' '*.js' '*.ts'")
median "$out/push.json"

echo "## 5. peak memory, staged mode, 100k files"
echo "# bench" >>"$r/README.md" && git -C "$r" add README.md
(cd "$r" && /usr/bin/time -f "smokehook staged: %M KiB" "$smokehook" -q >/dev/null) 2>&1 | tail -1
(cd "$r" && /usr/bin/time -f "git diff --cached --name-only: %M KiB" git diff --cached --name-only >/dev/null) 2>&1 | tail -1
git -C "$r" reset -q --hard

echo "## 6. pre-receive in a bare repository, 100k files: a push that creates a branch, one that updates one file"
# The pushed objects sit in a quarantine folder, as receive-pack keeps them: a pack of what the
# push brings, named by GIT_OBJECT_DIRECTORY, the repository's own objects an alternate.
r=$out/r100000 srv=$out/srv100000.git q=$out/quarantine
[ -d "$srv" ] || git clone -q --bare "$r" "$srv"
old=$(git -C "$srv" rev-parse main)
if ! git -C "$r" rev-parse -q --verify bench-feature >/dev/null; then
  git -C "$r" branch -q bench-feature main
  git -C "$r" worktree add -q "$out/feature-wt" bench-feature
  f=$(git -C "$out/feature-wt" ls-files 'src/*.py' | head -1)
  echo "# one more line" >>"$out/feature-wt/$f"
  git -C "$out/feature-wt" commit -qam "one file"
fi
new=$(git -C "$r" rev-parse bench-feature)
rm -rf "$q" && mkdir -p "$q/pack"
git -C "$r" rev-list --objects "$new" "^$old" | git -C "$r" pack-objects -q "$q/pack/pack" >/dev/null
z=0000000000000000000000000000000000000000
echo "$z $new refs/heads/feature" >"$out/receive-new.in"
echo "$old $new refs/heads/main" >"$out/receive-update.in"
echo "$z $old refs/heads/main" >"$out/receive-main.in"
# The verdict cache as the server has it once main was pushed (its blobs checked), and empty.
cache=$out/receive-cache
rm -rf "$cache" "$cache.main"
(cd "$srv" && SMOKEHOOK_CACHE_DIR="$cache.main" SMOKEHOOK_TIMEOUT=0 "$smokehook" --hook pre-receive -q <"$out/receive-main.in" >/dev/null)
env="GIT_OBJECT_DIRECTORY=$q GIT_ALTERNATE_OBJECT_DIRECTORIES=$srv/objects SMOKEHOOK_CACHE_DIR=$cache SMOKEHOOK_TIMEOUT=0"
(cd "$srv" && hyperfine --style basic --warmup 1 --runs 10 -i --export-json "$out/receive.json" \
  -n "pre-receive, new branch, verdicts of main known" --prepare "rm -rf $cache && cp -a $cache.main $cache" \
  "env $env $smokehook --hook pre-receive -q < $out/receive-new.in" \
  -n "pre-receive, one file updated, verdicts of main known" --prepare "rm -rf $cache && cp -a $cache.main $cache" \
  "env $env $smokehook --hook pre-receive -q < $out/receive-update.in" \
  -n "pre-receive, new branch, no verdict known" --prepare "rm -rf $cache" \
  "env $env $smokehook --hook pre-receive -q < $out/receive-new.in" \
  -n "git grep -c -w of the new tip" --prepare "true" \
  "env GIT_OBJECT_DIRECTORY=$q GIT_ALTERNATE_OBJECT_DIRECTORIES=$srv/objects git grep -c -w BAILEYS_BASE_URL $new -- '*.py' '*.js' '*.ts'")
median "$out/receive.json"
echo "## 7. --from-ref/--to-ref on a one-file change (a branch), 100k files, vs git diff --name-only A...B"
r=$out/r100000
git -C "$r" branch -f range-base HEAD
git -C "$r" branch -D range-topic >/dev/null 2>&1 || true
git -C "$r" worktree add -q --detach "$out/range-wt" range-base
f=$(git -C "$r" ls-files '*.py' | sed -n 5000p)
echo "# one" >>"$out/range-wt/$f" && git -C "$out/range-wt" commit -qam one && git -C "$out/range-wt" branch range-topic
git -C "$r" worktree remove --force "$out/range-wt"
(cd "$r" && hf --runs 40 --export-json "$out/range.json" \
  "git diff --name-only range-base...range-topic" "$smokehook --from-ref range-base --to-ref range-topic -q")
median "$out/range.json"

echo "## 8. staged mode with a sparse index (a cone of 1 % of the files), one file staged in it, 100k files"
# A clone of its own: sparse-checkout rewrites the working tree the other rows use. The cone is
# the files at the top (always in the cone) and the second-level folders that add up to 1 % of the files.
r=$out/r100000 s=$out/r100000-sparse
if [ ! -d "$s/.git" ]; then
  git clone -q --sparse "$r" "$s"
  want=$(( $(git -C "$s" ls-files | wc -l) / 100 ))
  cone=$(git -C "$s" ls-files | awk -F/ 'NF > 2 {print $1 "/" $2}' | sort | uniq -c | sort -k2 |
    awk -v want="$want" '{ if (sum + $1 <= want) { sum += $1; print $2 } }')
  # shellcheck disable=SC2086
  git -C "$s" sparse-checkout set --sparse-index $cone
fi
echo "cone: $(git -C "$s" ls-files --sparse | grep -vc '/$') index entries, $(git -C "$s" ls-files --sparse | grep -c '/$') folder entries; $(git -C "$s" ls-files | wc -l) files"
f=$(git -C "$s" sparse-checkout list | head -1)
f=$(git -C "$s" ls-files --sparse -- "$f" | head -1)
echo "# bench" >>"$s/$f" && git -C "$s" add "$f"
(cd "$s" && hf --runs 30 --export-json "$out/sparse.json" "git diff --cached --name-only" "$smokehook")
median "$out/sparse.json"
git -C "$s" reset -q --hard
