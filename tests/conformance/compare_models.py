#!/usr/bin/env python3
"""Compares two merged compose models (docker compose config --format json,
smokehook compose --format json) on what the checks rely on: the enabled
services, and per service depends_on (condition, required), named volumes,
command, image, environment, logging, ulimits, extra_hosts, cap_add, secrets,
devices, network aliases, build args, configs, deploy labels, dns, expose, tmpfs, entrypoint and
healthcheck test. Prints the differences; exit 1 if any."""
import json
import sys


def named_volumes(svc):
    return sorted((v.get("source"), v.get("target")) for v in svc.get("volumes", []) if v.get("type") == "volume")


def devices(svc):
    return [(d.get("source"), d.get("target"), d.get("permissions")) for d in svc.get("devices") or []]


def network_aliases(svc):
    # docker compose adds {"default": null} to a service that names no network: not a difference.
    nets = svc.get("networks") or {}
    return {k: sorted((v or {}).get("aliases") or []) for k, v in nets.items() if not (k == "default" and not v)}


def view(model):
    out = {}
    for name, svc in model.get("services", {}).items():
        out[name] = {
            "depends_on": {k: (v.get("condition"), v.get("required", True)) for k, v in svc.get("depends_on", {}).items()},
            "volumes": named_volumes(svc),
            "command": svc.get("command"),
            "image": svc.get("image"),
            "environment": svc.get("environment") or {},
            "logging": svc.get("logging"),
            "ulimits": svc.get("ulimits"),
            "extra_hosts": svc.get("extra_hosts"),
            "cap_add": svc.get("cap_add"),
            "secrets": svc.get("secrets"),
            "devices": devices(svc),
            "network_aliases": network_aliases(svc),
            "build_args": (svc.get("build") or {}).get("args"),
            "configs": svc.get("configs"),
            "deploy_labels": (svc.get("deploy") or {}).get("labels"),
            "dns": svc.get("dns"),
            "expose": svc.get("expose"),
            "tmpfs": svc.get("tmpfs"),
            "entrypoint": svc.get("entrypoint"),
            "healthcheck_test": (svc.get("healthcheck") or {}).get("test"),
        }
    return out


def main():
    ref, ours = (view(json.load(open(p))) for p in sys.argv[1:3])
    diffs = []
    if sorted(ref) != sorted(ours):
        diffs.append(f"services: reference {sorted(ref)}, smokehook {sorted(ours)}")
    for name in sorted(set(ref) & set(ours)):
        for field in ref[name]:
            if ref[name][field] != ours[name][field]:
                diffs.append(f"{name}.{field}: reference {ref[name][field]!r}, smokehook {ours[name][field]!r}")
    for d in diffs:
        print("  " + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
