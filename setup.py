"""Maps the repository's top-level folders onto the one ``ionflux`` import namespace.

pyproject.toml holds the metadata; this file only computes the package list, because
setuptools cannot discover sub-packages through a ``package-dir`` mapping by itself.
"""

from pathlib import Path

from setuptools import setup

ROOTS = ("app", "core", "agents", "sync", "ui", "resources")
HERE = Path(__file__).parent


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for root in ROOTS:
        for init in sorted((HERE / root).rglob("__init__.py")):
            rel = init.parent.relative_to(HERE)
            name = "ionflux." + ".".join(rel.parts)
            packages.append(name)
            package_dir[name] = rel.as_posix()
    return packages, package_dir


packages, package_dir = _packages()
setup(packages=packages, package_dir=package_dir)
