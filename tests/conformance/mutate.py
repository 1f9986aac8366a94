#!/usr/bin/env python3
"""Differential mutation testing of compose validation, run on demand.

    tests/conformance/mutate.py CORPUS SMOKEHOOK REFERENCE [COUNT] [SEED]

Takes the compose files under CORPUS, changes one to three things in each try (a value
replaced by another type, by a string of a short syntax or by a value from elsewhere in
the file, a key removed, a known key added where it does not belong), and asks smokehook and the reference docker compose (as fetched by
run.sh) whether the result is valid. A disagreement is printed with the change
and both first lines of error, and the file is kept under
$TMPDIR/smokehook-mutants. Exit status 1 when any try disagreed.

The corpus is never written to: each file's folder is copied first, so its
relative paths (env files, includes, extends) still resolve.
"""
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile

import yaml

VALUES = [None, 0, 1, -1, 80, 1.5, True, False, "", "x", "1s", "10m", "512m", "80:80", "/data", "a=b",
          [], {}, ["x"], [1], [None], {"x": "y"}, {"x": 1}, {"x": None}, {"x": ["y"]},
          # strings that short syntaxes and enums read: ports, mounts, modes, restart policies, variables
          "80:80/udp", "127.0.0.1:8080:80", "8080-8081:80-81", "[::1]:80:80", "80/sctp", "a:b:c:d",
          "/a:/b:ro", "/a:/b:rw,z", "vol:/data:nocopy", "./rel:/x", "service:db", "container:x", "host",
          "none", "-1", "0.5", "1.5g", "no", "always", "unless-stopped", "on-failure:3", "on-failure:x",
          "${X}", "${X:-80}", "${X:?unset}", "$$", "a b", "CMD", "service_healthy", "K=V", "=V"]
KEYS = ["image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes",
        "networks", "depends_on", "healthcheck", "deploy", "restart", "user", "working_dir", "labels",
        "profiles", "secrets", "configs", "extends", "logging", "ulimits", "sysctls", "tmpfs", "mem_limit",
        "cpus", "scale", "init", "privileged", "extra_hosts", "dns", "cap_add", "devices", "pid", "ipc",
        "stop_grace_period", "platform", "pull_policy", "container_name", "hostname", "driver", "external",
        "name", "target", "source", "type", "read_only", "condition", "required", "test", "interval",
        "replicas", "resources", "limits", "reservations", "published", "protocol", "mode", "file",
        "x-extension", "include", "path", "driver_opts", "ipam", "attachable", "internal", "bogus"]


def paths(node, prefix=()):
    """Every (container, key) place in the tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield node, k, prefix + (str(k),)
            yield from paths(v, prefix + (str(k),))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield node, i, prefix + (str(i),)
            yield from paths(v, prefix + (str(i),))


def mutate(doc, rng):
    places = list(paths(doc))
    if not places:
        return None
    container, key, where = rng.choice(places)
    what = rng.random()
    if what < 0.6:
        # a value of the grammar above, or one moved from elsewhere in the same file
        source = VALUES if rng.random() < 0.7 else [p[0][p[1]] for p in places]
        value = copy.deepcopy(rng.choice(source))
        container[key] = value
        return f"{'.'.join(where)} = {value!r}"
    if what < 0.8:
        del container[key]
        return f"{'.'.join(where)} removed"
    target = container[key] if isinstance(container[key], dict) else container
    if not isinstance(target, dict):
        return None
    new_key, value = rng.choice(KEYS), copy.deepcopy(rng.choice(VALUES))
    target[new_key] = value
    return f"{'.'.join(where)}: {new_key} = {value!r} added"


def verdict(command, folder):
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    try:
        r = subprocess.run(command, cwd=folder, env=env,
                           capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    first = (r.stderr.strip().splitlines() or [""])[0]
    if r.returncode < 0:
        return f"signal {-r.returncode}", first
    return ("valid" if r.returncode == 0 else "invalid"), first


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    corpus, smokehook, reference = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith((".yml", ".yaml")))
    work = tempfile.mkdtemp(prefix="smokehook-mutate-")
    keep = os.path.join(os.environ.get("TMPDIR", "/tmp"), "smokehook-mutants")
    os.makedirs(keep, exist_ok=True)
    copies, disagreements, tries = {}, 0, 0
    try:
        while tries < count:
            original = rng.choice(files)
            try:
                with open(original) as f:
                    doc = yaml.safe_load(f)
            except yaml.YAMLError:
                continue
            if not isinstance(doc, dict):
                continue
            changes = [mutate(doc, rng) for _ in range(rng.randint(1, 3))]
            if None in changes:
                continue
            change = "; ".join(changes)
            folder = os.path.dirname(original)
            if folder not in copies:
                copies[folder] = os.path.join(work, str(len(copies)))
                shutil.copytree(folder, copies[folder], symlinks=True)
            name = "smokehook-mutant.yml"
            path = os.path.join(copies[folder], name)
            try:
                text = yaml.safe_dump(doc, sort_keys=False)
            except yaml.YAMLError:
                continue
            with open(path, "w") as f:
                f.write(text)
            tries += 1
            theirs, their_error = verdict([reference, "-p", "x", "-f", name, "config", "-q"], copies[folder])
            ours, our_error = verdict([smokehook, "compose", "-f", name], copies[folder])
            if theirs != ours or ours.startswith(("signal", "timeout")):
                disagreements += 1
                kept = os.path.join(keep, f"{disagreements:03d}.yml")
                shutil.copy(path, kept)
                print(f"{os.path.relpath(original, corpus)}: {change}\n  docker compose: {theirs} {their_error}\n"
                      f"  smokehook: {ours} {our_error}\n  kept as {kept}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{disagreements} of {tries} mutants disagreed")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
