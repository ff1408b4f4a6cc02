"""The ward notebook as a new user meets it: the parameter the README names, one line for an
unknown ward, the project's kernel, and `make lab` that starts for root too."""
from __future__ import annotations

import ast
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from wardaudit.errors import ParametersError
from wardaudit.run.present import UnknownWardError, load_ward

REPO = Path(__file__).resolve().parents[2]
WARD_NOTEBOOK = "ward_audit.ipynb"  # the auditor's working notebook in notebooks/


def _parameters_cell() -> str:
    nb = nbformat.read(str(REPO / "notebooks" / WARD_NOTEBOOK), as_version=4)
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


def test_the_parameter_is_the_one_the_readme_names():
    names = {n.id for n in ast.walk(ast.parse(_parameters_cell())) if isinstance(n, ast.Name)}
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"change `(\w+)` in its first", readme)
    assert said, "README no longer says which parameter to change"
    assert said.group(1) == "ward" and "ward" in names and "slug" not in names


def test_an_unknown_ward_is_one_line_listing_the_valid_slugs(project):
    with pytest.raises(ParametersError) as info:
        load_ward("Vĩnh Thông", paths=project)
    err = info.value
    assert isinstance(err, UnknownWardError)
    line = err.one_line()
    assert "\n" not in line and "Vĩnh Thông" in line
    for slug in ("nam-thanh-mien", "phu-thinh", "trung-thanh", "vinh-thong"):
        assert slug in line
    # in a notebook IPython prints this one line instead of the traceback
    assert err._render_traceback_() == [f"UnknownWardError: {line}"]


def test_the_notebook_asks_for_the_project_kernel():
    nb = nbformat.read(str(REPO / "notebooks" / WARD_NOTEBOOK), as_version=4)
    assert nb.metadata.kernelspec.name == "wardaudit"
    # the kernel `make setup` installs has that name
    assert "--name wardaudit" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_make_lab_allows_root_only_for_root():
    out = subprocess.run(["make", "-n", "-W", "requirements.lock", "lab"], cwd=REPO, capture_output=True,
                         text=True).stdout
    line = next(x for x in out.splitlines() if "jupyter lab" in x)
    assert ("--allow-root" in line) == (os.getuid() == 0)
