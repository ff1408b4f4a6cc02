"""environment.yml lists the same dependencies as pyproject.toml; the lock pins every one."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONDA_NAMES = {"dask[distributed]": {"dask", "distributed"}}


def _name(req: str) -> str:
    return re.split(r"[<>=!~ ;]", req, maxsplit=1)[0].strip().lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set()
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        wanted |= CONDA_NAMES.get(_name(req), {_name(req)})
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed |= {_name(d) for d in dep["pip"]}
        elif dep not in ("pip",) and not dep.startswith("python="):
            listed.add(_name(dep))
    assert listed == wanted


def test_lock_pins_every_dependency_exactly():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            lock[name.lower().replace("_", "-")] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        name = _name(req).split("[")[0].replace("_", "-")
        assert name in lock, f"{name} is not in requirements.lock"
