"""A fresh install is the one the suite passed with: the README's commands install through the committed
lock, `.ci/run` runs exactly the README's test command, and the lock holds every dependency of
pyproject.toml at a version inside its range, with hashes."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)((?:\s*\\\n\s*--hash=sha256:[0-9a-f]{64})*)", re.MULTILINE)


def commands_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("python3 -m venv .venv")]


def lock(name: str) -> dict[str, tuple[str, str]]:
    """Package -> (version, its hash lines), from a pip-compile output file."""
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(match[1]): (match[2], match[3]) for match in PIN.finditer(text)}


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_ci_runs_exactly_the_readme_test_command_and_both_install_through_the_lock():
    try_it, test_it = commands_in((ROOT / "README.md").read_text())[:2]
    assert commands_in((ROOT / ".ci" / "run").read_text()) == [test_it]
    assert "--require-hashes -r requirements/app.txt" in try_it and "--no-deps" in try_it
    assert "--require-hashes -r requirements/test.txt" in test_it and "--no-deps" in test_it


def test_the_lock_holds_every_dependency_inside_its_range_with_hashes():
    app, test = lock("app.txt"), lock("test.txt")
    wanted = {"app.txt": project()["dependencies"],
              "test.txt": project()["dependencies"] + project()["optional-dependencies"]["test"]}
    for name, pins in (("app.txt", app), ("test.txt", test)):
        for line in wanted[name]:
            requirement = Requirement(line)
            version, _ = pins[canonicalize_name(requirement.name)]
            assert requirement.specifier.contains(version, prereleases=True), (name, line, version)
        assert all(hashes.count("--hash=") >= 1 for _, hashes in pins.values()), name
        assert "setuptools" in pins  # the build backend too: the project installs with --no-build-isolation
    assert {package: app[package][0] for package in app} == {package: test[package][0] for package in app}
