"""Writes smokehook's wheel for one architecture (called by install/package.sh).

The wheel holds no Python: its only file is the native binary as a script
(smokehook-V.data/scripts/smokehook), which pip, pipx and the pre-commit
framework copy unchanged into the environment's bin folder (a script is only
rewritten when it starts with "#!python"). A commit through the framework then
runs the binary directly, with the framework's own command line as its parent.

Written with zipfile (PEP 427: RECORD with sha256 digests, dist-info last) so
that no build backend is needed, and byte-reproducible (SOURCE_DATE_EPOCH).
"""

import argparse
import base64
import hashlib
import os
import sys
import time
import zipfile


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--arch", required=True, choices=["x86_64", "aarch64"])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--license")
    a = ap.parse_args()

    tag = "py3-none-manylinux_2_17_" + a.arch
    name = "smokehook-%s-%s.whl" % (a.version, tag)
    data = "smokehook-%s.data" % a.version
    info = "smokehook-%s.dist-info" % a.version
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)
    stamp = time.gmtime(epoch)[:6]

    metadata = "\n".join([
        "Metadata-Version: 2.1",
        "Name: smokehook",
        "Version: " + a.version,
        "Summary: git pre-commit/pre-push hook guarding infrastructure invariants (native binary)",
        "License: " + ("see LICENSE" if a.license else "none stated"),
        "Keywords: git,hook,pre-commit,pre-push,docker-compose",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Topic :: Software Development :: Version Control :: Git",
        "Description-Content-Type: text/markdown",
        "",
        "smokehook checks a repository's compose files (merged with their overlays and profiles,",
        "interpolated, validated natively as docker compose v2 does), service ordering and wiring",
        "gates on exactly what is being committed or pushed.",
        "",
        "This wheel carries the native, statically linked binary as its `smokehook` script: no",
        "Python runs when it does. With the pre-commit framework, use the `smokehook` hook of",
        "smokehook's `.pre-commit-hooks.yaml`, which installs this package.",
        "",
    ])
    wheel = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: smokehook install/package.sh",
        "Root-Is-Purelib: false",
        "Tag: " + tag,
        "",
    ])

    with open(a.binary, "rb") as f:
        binary = f.read()
    files = [(data + "/scripts/smokehook", binary, 0o755)]
    if a.license:
        with open(a.license, "rb") as f:
            files.append((info + "/" + os.path.basename(a.license), f.read(), 0o644))
    files.append((info + "/METADATA", metadata.encode(), 0o644))
    files.append((info + "/WHEEL", wheel.encode(), 0o644))
    record = "".join("%s,%s,%d\n" % (path, digest(body), len(body)) for path, body, _ in files)
    record += info + "/RECORD,,\n"
    files.append((info + "/RECORD", record.encode(), 0o644))

    os.makedirs(a.out, exist_ok=True)
    target = os.path.join(a.out, name)
    with zipfile.ZipFile(target + ".part", "w", zipfile.ZIP_DEFLATED) as z:
        for path, body, mode in files:
            entry = zipfile.ZipInfo(path, stamp)
            entry.external_attr = (0o100000 | mode) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix: the mode bits above are read
            z.writestr(entry, body, compresslevel=9)
    os.replace(target + ".part", target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
