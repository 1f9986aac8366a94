#!/usr/bin/env python3
"""Differential mutation of compose files as text, run on demand.

    tests/conformance/textmutate.py CORPUS SMOKEHOOK REFERENCE [COUNT] [SEED]

Where mutate.py changes the parsed YAML tree, this changes the text: a line
duplicated, deleted or indented, a tab, a document separator, a spaced or
tagged colon, a quoted value, a comment. That reaches what a tree cannot
express: multi-document files, tabs, indentation and YAML's own syntax. Each
try is written beside the original's files (in a copy of its folder), and both
programs judge it; a disagreement is printed and the mutant kept under
$TMPDIR. Exit status 1 when any try disagreed.
"""
import os, random, shutil, subprocess, sys, tempfile
if len(sys.argv) < 4:
    sys.exit(__doc__)
corpus, smokehook, ref = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
count = int(sys.argv[4]) if len(sys.argv) > 4 else 200
seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
rng = random.Random(seed)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith((".yml", ".yaml")))
work = tempfile.mkdtemp()
def verdict(cmd, cwd):
    try:
        r = subprocess.run(cmd, cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"}, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    if r.returncode < 0: return "signal", ""
    return ("valid" if r.returncode == 0 else "invalid"), (r.stderr.strip().splitlines() or [""])[0]
ops = []
def op(f): ops.append(f); return f
@op
def dup_line(lines): i = rng.randrange(len(lines)); lines.insert(i, lines[i]); return f"dup line {i+1}"
@op
def del_line(lines): i = rng.randrange(len(lines)); del lines[i]; return f"del line {i+1}"
@op
def indent(lines):
    i = rng.randrange(len(lines)); d = rng.choice([-2, -1, 1, 2])
    lines[i] = (" " * d + lines[i]) if d > 0 else lines[i][-d:] if lines[i].startswith(" " * -d) else lines[i]
    return f"indent line {i+1} by {d}"
@op
def tab(lines): i = rng.randrange(len(lines)); lines[i] = lines[i].replace("  ", "\t", 1); return f"tab line {i+1}"
@op
def docsep(lines): i = rng.randrange(len(lines)); lines.insert(i, "---"); return f"--- at {i+1}"
@op
def colon(lines):
    i = rng.randrange(len(lines)); l = lines[i]
    if ": " in l: lines[i] = l.replace(": ", rng.choice([":", " : ", ":  ", ": &x ", ": !!str ", ": ~ "]), 1)
    return f"colon line {i+1}"
@op
def quote(lines):
    i = rng.randrange(len(lines)); l = lines[i]
    if ": " in l:
        k, v = l.split(": ", 1); q = rng.choice(["'", '"']); lines[i] = f"{k}: {q}{v}{q}"
    return f"quote line {i+1}"
@op
def comment(lines): i = rng.randrange(len(lines)); lines[i] = lines[i] + rng.choice([" # c", "#c", " #"]); return f"comment line {i+1}"
dis = tries = 0
while tries < count:
    f = rng.choice(files)
    lines = open(f).read().split("\n")
    if len(lines) < 3: continue
    changes = [rng.choice(ops)(lines) for _ in range(rng.randint(1, 2))]
    folder = os.path.join(work, str(tries)); shutil.copytree(os.path.dirname(f), folder)
    with open(os.path.join(folder, "m.yml"), "w") as out: out.write("\n".join(lines))
    tries += 1
    t, te = verdict([ref, "-p", "x", "-f", "m.yml", "config", "-q"], folder)
    o, oe = verdict([smokehook, "compose", "-f", "m.yml"], folder)
    if t != o or o in ("signal", "timeout"):
        dis += 1
        keep = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"smokehook-textmutant-{seed}-{dis}.yml"); shutil.copy(os.path.join(folder, "m.yml"), keep)
        print(f"{os.path.relpath(f, corpus)}: {'; '.join(changes)}\n  docker: {t} {te[:150]}\n  ours: {o} {oe[:150]}\n  kept {keep}")
    shutil.rmtree(folder)
print(f"{dis} of {tries} mutants disagreed")
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if dis else 0)
