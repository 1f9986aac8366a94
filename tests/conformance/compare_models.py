#!/usr/bin/env python3
"""Compares two merged compose models (docker compose config --format json,
smokehook compose --format json) whole: every key at every level, as `jq -S`
would show them. Absolute paths inside tests/conformance/cases are compared
from there on, so recorded references hold wherever the repository is.
Prints the differences (path: reference, smokehook); exit 1 if any.

With --text, compares two text files (listings) the same way, line by line; with
--yaml, two YAML documents (config --format yaml) by the value they parse to."""
import json
import re
import sys

CASES = re.compile(r"/[^\s\"']*?/tests/conformance/cases/")


def relocatable(value):
    if isinstance(value, str):
        return CASES.sub("<cases>/", value)
    if isinstance(value, list):
        return [relocatable(v) for v in value]
    if isinstance(value, dict):
        return {k: relocatable(v) for k, v in value.items()}
    return value


def differences(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=repr):  # YAML keys may be booleans (on, yes)
            sub = f"{path}.{k}" if path else k
            if k not in a:
                out.append(f"{sub}: reference has none, smokehook {b[k]!r}")
            elif k not in b:
                out.append(f"{sub}: reference {a[k]!r}, smokehook has none")
            else:
                differences(a[k], b[k], sub, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: reference {a!r}, smokehook {b!r}")


def main():
    if sys.argv[1] == "--text":
        ref, ours = (relocatable(open(p).read()).splitlines() for p in sys.argv[2:4])
        diffs = [f"line {i + 1}: reference {a!r}, smokehook {b!r}"
                 for i, (a, b) in enumerate(zip(ref, ours)) if a != b]
        if len(ref) != len(ours):
            diffs.append(f"reference has {len(ref)} lines, smokehook {len(ours)}")
    elif sys.argv[1] == "--yaml":
        import yaml  # python3-yaml: only this mode needs it
        ref, ours = (relocatable(yaml.safe_load(open(p))) for p in sys.argv[2:4])
        diffs = []
        differences(ref, ours, "", diffs)
    else:
        ref, ours = (relocatable(json.load(open(p))) for p in sys.argv[1:3])
        diffs = []
        differences(ref, ours, "", diffs)
    for d in diffs:
        print("  " + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
