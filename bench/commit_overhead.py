#!/usr/bin/env python3
"""What a pre-commit hook adds to `git commit`, measured interleaved.

    bench/commit_overhead.py REPO SMOKEHOOK [ROUNDS]

hyperfine runs all the commits of one configuration, then all of the next: on a
shared machine the load drifts between them by more than the few milliseconds
measured here. This runs one commit of each configuration per round, in a
shuffled order, and compares medians:

  none      no pre-commit hook
  noop      a compiled program that does nothing (the floor any hook pays)
  sh-noop   an empty shell script
  smokehook the hook `smokehook install` writes

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
    if os.path.lexists(hook):
        sys.exit(f"{hook} exists: run this on a benchmark repository without a pre-commit hook")

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
    subprocess.run([smokehook, "install"], check=True, stdout=subprocess.DEVNULL)
    hooks["smokehook"] = os.path.join(scratch, "smokehook-hook")
    shutil.move(hook, hooks["smokehook"])

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
