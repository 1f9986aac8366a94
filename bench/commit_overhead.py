#!/usr/bin/env python3
"""What a pre-commit hook adds to `git commit`, measured interleaved.

    bench/commit_overhead.py REPO SMOKEHOOK [ROUNDS]

hyperfine runs all the commits of one configuration, then all of the next: on a
shared machine the load drifts between them by more than the few milliseconds
measured here. This runs one commit of each configuration per round, in a
shuffled order, and compares medians:

  none        no pre-commit hook
  noop        a compiled program that does nothing (the floor any hook pays)
  sh-noop     an empty shell script
  smokehook   the hook `smokehook install` writes (the compiled one)
  sh-hook     the shell form of it (SMOKEHOOK_HOOK_SCRIPT=1 smokehook install)

smokehook runs from a copy, as `cmake --install` leaves it: a binary the linker
has just written sits in the page cache in small pieces, and costs more page
faults (~180 against ~170 here) than the same bytes copied.

Each commit stages one more line of README.md (checked by no default check).
The repository keeps the commits; its hooks are left as they were found.
"""
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    repo, smokehook = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    os.chdir(repo)
    hook = os.path.join(repo, ".git", "hooks", "pre-commit")
    for existing in (hook, os.path.join(repo, ".git", "hooks", "pre-push")):
        if os.path.lexists(existing):
            sys.exit(f"{existing} exists: run this on a benchmark repository without hooks")

    scratch = tempfile.mkdtemp(prefix="smokehook-commit-")
    hooks = {"none": None}
    with open(os.path.join(scratch, "noop.c"), "w") as f:
        f.write("int main(void) { return 0; }\n")
    hooks["noop"] = os.path.join(scratch, "noop")
    subprocess.run(["cc", "-O2", "-o", hooks["noop"], os.path.join(scratch, "noop.c")], check=True)
    hooks["sh-noop"] = os.path.join(scratch, "sh-noop")
    with open(hooks["sh-noop"], "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(hooks["sh-noop"], 0o755)
    installed = os.path.join(scratch, "smokehook")
    shutil.copy(smokehook, installed)
    pre_push = os.path.join(repo, ".git", "hooks", "pre-push")
    for name, env in (("smokehook", {}), ("sh-hook", {"SMOKEHOOK_HOOK_SCRIPT": "1"})):
        subprocess.run([installed, "install"], check=True, stdout=subprocess.DEVNULL, env={**os.environ, **env})
        hooks[name] = os.path.join(scratch, name + "-hook")
        shutil.move(hook, hooks[name])
        os.remove(pre_push)

    times = {name: [] for name in hooks}
    try:
        for _ in range(rounds):
            order = list(hooks)
            random.shuffle(order)
            for name in order:
                if hooks[name]:
                    shutil.copy(hooks[name], hook)
                with open("README.md", "a") as f:
                    f.write("x\n")
                subprocess.run(["git", "add", "README.md"], check=True)
                start = time.perf_counter()
                subprocess.run(["git", "-c", "gc.auto=0", "commit", "-q", "-m", name], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - start)
                if os.path.lexists(hook):
                    os.remove(hook)
    finally:
        if os.path.lexists(hook):
            os.remove(hook)
        shutil.rmtree(scratch)

    base = statistics.median(times["none"])
    print(f"git commit, {rounds} rounds interleaved (median; difference to no hook):")
    for name, t in times.items():
        m = statistics.median(t)
        print(f"  {name:10} {m * 1000:7.2f} ms  {(m - base) * 1000:+6.2f} ms")


if __name__ == "__main__":
    main()
