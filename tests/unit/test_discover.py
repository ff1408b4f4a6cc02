"""wardaudit discover: parameters files for new ward folders, never overwriting."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wardaudit.batch.discover import _guess_level, discover
from wardaudit.errors import ParametersError
from wardaudit.project.config import Paths, load_params

REPO = Path(__file__).resolve().parents[2]
SMALL = "nam-thanh-mien"


@pytest.fixture
def project(tmp_path) -> Paths:
    shutil.copytree(REPO / "data" / "raw" / SMALL, tmp_path / "data" / "raw" / SMALL)
    (tmp_path / "parameters").mkdir()
    shutil.copy2(REPO / "parameters" / f"{SMALL}.yaml", tmp_path / "parameters")
    return Paths(tmp_path)


def test_writes_a_valid_file_for_a_folder_without_one(project):
    shutil.copytree(project.ward_raw(SMALL), project.ward_raw("ward-new"))
    written = discover(paths=project)
    assert written == [project.ward_params("ward-new")]
    params = load_params(written[0])
    assert params.slug == "ward-new"
    assert params.ward.strip()
    assert params.level in ("xã", "phường", "đặc khu")
    # the same report as the seed: the guess from its text agrees with the seed's parameters
    seed = load_params(project.ward_params(SMALL))
    assert params.level == seed.level


def test_never_overwrites_and_is_idempotent(project):
    before = project.ward_params(SMALL).read_bytes()
    assert discover(paths=project) == []
    assert project.ward_params(SMALL).read_bytes() == before
    (project.raw / "empty-ward").mkdir()
    assert discover(paths=project) == [project.ward_params("empty-ward")]
    assert load_params(project.ward_params("empty-ward")).ward == "Empty Ward"
    assert discover(paths=project) == []
    assert not list(project.parameters.glob(".*"))


def test_skips_folders_that_are_not_slugs(project, capsys):
    (project.raw / "Bad Name").mkdir()
    assert discover(paths=project) == []
    assert "Bad Name" in capsys.readouterr().err


def test_missing_raw_folder_is_one_line(tmp_path):
    with pytest.raises(ParametersError, match="is not a folder"):
        discover(tmp_path / "nope", paths=Paths(tmp_path))


@pytest.mark.parametrize("text, level", [
    ("ỦY BAN NHÂN DÂN\nPHƯỜNG X\n... UBND phường X báo cáo ... UBND phường", "phường"),
    ("UBND XÃ Y\nỦy ban nhân dân xã Y", "xã"),
    ("Đảng ủy đặc khu Z", "đặc khu"),
    ("no level named here", None),
])
def test_guess_level(text, level):
    assert _guess_level(text) == level


def test_discovered_parameters_are_readable_by_others(tmp_path, monkeypatch):
    import os
    import stat

    from wardaudit.batch.discover import discover

    (tmp_path / "data" / "raw" / "tan-an").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "tan-an" / "r.txt").write_text("UBND xã Tân An báo cáo.\n", encoding="utf-8")
    (tmp_path / "parameters").mkdir()
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    old = os.umask(0o022)
    try:
        written = discover(tmp_path / "data" / "raw")
    finally:
        os.umask(old)
    assert written and stat.S_IMODE(written[0].stat().st_mode) == 0o644
