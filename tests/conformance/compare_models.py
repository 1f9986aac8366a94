#!/usr/bin/env python3
"""Compares two merged compose models (docker compose config --format json,
smokehook compose --format json): the enabled services, and every key of every
service as docker compose prints it, except `deploy`, of which only the labels
are compared (docker compose also converts resource units and adds empty
defaults). Absolute paths inside tests/conformance/cases are compared from
there on, so recorded references hold wherever the repository is. Prints the
differences; exit 1 if any."""
import json
import re
import sys

CASES = re.compile(r"^/.*?/tests/conformance/cases/")


def relocatable(value):
    if isinstance(value, str):
        return CASES.sub("<cases>/", value)
    if isinstance(value, list):
        return [relocatable(v) for v in value]
    if isinstance(value, dict):
        return {k: relocatable(v) for k, v in value.items()}
    return value


def view(model):
    out = {}
    for name, svc in model.get("services", {}).items():
        svc = dict(relocatable(svc))
        deploy = svc.pop("deploy", None) or {}
        if deploy.get("labels"):
            svc["deploy.labels"] = deploy["labels"]
        out[name] = svc
    return out


def main():
    ref, ours = (view(json.load(open(p))) for p in sys.argv[1:3])
    diffs = []
    if sorted(ref) != sorted(ours):
        diffs.append(f"services: reference {sorted(ref)}, smokehook {sorted(ours)}")
    for name in sorted(set(ref) & set(ours)):
        for field in sorted(set(ref[name]) | set(ours[name])):
            a, b = ref[name].get(field), ours[name].get(field)
            if a != b:
                diffs.append(f"{name}.{field}: reference {a!r}, smokehook {b!r}")
    for d in diffs:
        print("  " + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
