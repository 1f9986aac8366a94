#!/usr/bin/env python3
"""Generates a benchmark repository, deterministically: N source files 3-6
folders deep, about 12 to a folder as in real projects (the Linux kernel has
~16), 1-8 KiB each (Python, JavaScript, TypeScript, Markdown), with
examples/prod-app at its root, committed and packed with `git gc`.

    bench/gen_repo.py DIR FILES
"""
import os
import random
import shutil
import subprocess
import sys

WORDS = ("account service handler request response queue worker shard config router metrics call slot "
         "tenant session message retry timeout cache token user order invoice payment webhook").split()


def body(rng, ext, size):
    lines = []
    n = 0
    while n < size:
        w = rng.sample(WORDS, 4)
        if ext == ".py":
            line = f"def {w[0]}_{w[1]}({w[2]}, {w[3]}):\n    return {w[2]}.get('{w[1]}') or {rng.randint(0, 9999)}\n"
        elif ext in (".js", ".ts"):
            line = f"export function {w[0]}{w[1].title()}({w[2]}) {{ return {w[2]}.{w[3]} ?? {rng.randint(0, 9999)}; }}\n"
        else:
            line = f"The {w[0]} {w[1]} sends a {w[2]} to the {w[3]}.\n"
        lines.append(line)
        n += len(line)
    return "".join(lines)


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "prod-app")
    if os.path.exists(root):
        shutil.rmtree(root)
    shutil.copytree(example, root)
    rng = random.Random(count)
    exts = [".py", ".py", ".js", ".ts", ".md"]
    folders = []
    for _ in range(max(1, count // 12)):
        depth = rng.randint(3, 6)
        folders.append(os.path.join(root, "src", *(f"{rng.choice(WORDS)}{rng.randint(0, 3)}" for _ in range(depth - 1))))
    for i in range(count):
        folder = rng.choice(folders)
        os.makedirs(folder, exist_ok=True)
        ext = rng.choice(exts)
        with open(os.path.join(folder, f"{rng.choice(WORDS)}_{i}{ext}"), "w") as f:
            f.write(body(rng, ext, rng.randint(1024, 8192)))
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@example.com", GIT_COMMITTER_NAME="bench",
               GIT_COMMITTER_EMAIL="b@example.com", GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "-c", "gc.auto=0", "commit", "-q", "-m", "bench"],
                ["git", "gc", "-q"]):
        subprocess.run(cmd, cwd=root, env=env, check=True)


if __name__ == "__main__":
    main()
