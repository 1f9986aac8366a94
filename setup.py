# For the pre-commit framework only: its `language: python` hooks
# (.pre-commit-hooks.yaml) run `pip install .` in its clone of this repository.
# This project installs nothing of its own: it depends on the `smokehook` wheel
# of the same version (the native binary; see install/package.sh), which pip
# takes from the package index, or offline from PIP_FIND_LINKS. Nothing here is
# needed to build or use smokehook otherwise.
import re

from setuptools import setup

with open("CMakeLists.txt", encoding="utf-8") as f:
    version = re.search(r"project\(smokehook VERSION ([0-9]+\.[0-9]+\.[0-9]+)", f.read()).group(1)

setup(
    name="smokehook-pre-commit-hooks",
    version=version,
    description="The pre-commit framework's hooks of smokehook: installs the smokehook wheel",
    install_requires=["smokehook==" + version],
    packages=[],
    py_modules=[],
)
