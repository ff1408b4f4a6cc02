"""wardaudit discover: parameters files for new ward folders, never overwriting."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wardaudit.batch.discover import _guess_level, discover, discover_units
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


# --- binding folders to official units ------------------------------------------------------------

SEED_CODES = {"trung-thanh": ("05899", "phường", "Thái Nguyên"), "phu-thinh": ("05800", "xã", "Thái Nguyên"),
              "vinh-thong": ("01981", "xã", "Thái Nguyên"), "nam-thanh-mien": ("11284", "xã", "Hải Phòng")}


@pytest.fixture
def seeds_without_parameters(tmp_path) -> Paths:
    for slug in SEED_CODES:
        shutil.copytree(REPO / "data" / "raw" / slug, tmp_path / "data" / "raw" / slug)
    (tmp_path / "parameters").mkdir()
    return Paths(tmp_path)


def test_discover_on_the_seeds_writes_their_official_codes(seeds_without_parameters, capsys, monkeypatch):
    from wardaudit.cli import main

    paths = seeds_without_parameters
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert main(["discover", str(paths.raw)]) == 0
    out, err = capsys.readouterr()
    for slug, (code, level, province) in SEED_CODES.items():
        params = load_params(paths.ward_params(slug))
        assert (params.code, params.level, params.province) == (code, level, province)
        assert f"(mã {code})" in err
        assert str(paths.ward_params(slug)) in out
    assert "4 xác định được đơn vị / settled, 0 chưa xác định" in err
    text = paths.ward_params("trung-thanh").read_text(encoding="utf-8")
    assert "# Đơn vị: Phường Trung Thành, Thái Nguyên — mã 05899" in text
    assert "Files under" not in text  # the comments are Vietnamese


def test_two_units_with_one_name_are_listed_and_left_to_the_auditor(seeds_without_parameters, capsys):
    paths = seeds_without_parameters
    folder = paths.raw / "trung-thanh-xa"
    folder.mkdir()
    (folder / "bao-cao.txt").write_text("BÁO CÁO\n\nUBND xã Trung Thành báo cáo kết quả chuyển đổi số.\n",
                                        encoding="utf-8")
    lines: list[str] = []
    done = {d.slug: d for d in discover_units(paths=paths, say=lines.append)}
    b = done["trung-thanh-xa"].binding
    assert not b.settled and [u.code for u in b.candidates] == ["14872", "29659"]
    line = next(x for x in lines if "trung-thanh-xa" in x)
    assert "chưa xác định được đơn vị" in line and "\n" not in line
    assert "Xã Trung Thành, Thanh Hóa (mã 14872)" in line and "Xã Trung Thành, Vĩnh Long (mã 29659)" in line
    params = load_params(paths.ward_params("trung-thanh-xa"))
    assert params.code is None and params.ward == "Trung Thành" and params.level == "xã"
    assert "#   Xã Trung Thành, Vĩnh Long (mã 29659)" in paths.ward_params("trung-thanh-xa").read_text(encoding="utf-8")
    # the province named in the text settles it
    (folder / "bao-cao.txt").write_text("UBND xã Trung Thành báo cáo UBND tỉnh Vĩnh Long.\n", encoding="utf-8")
    paths.ward_params("trung-thanh-xa").unlink()
    done = {d.slug: d for d in discover_units(paths=paths)}
    assert done["trung-thanh-xa"].binding.unit.code == "29659"


def test_a_copy_of_another_units_report_is_not_bound_to_that_unit(seeds_without_parameters):
    paths = seeds_without_parameters
    shutil.copytree(paths.ward_raw("phu-thinh"), paths.ward_raw("a-new-folder"))  # sorts before phu-thinh
    done = {d.slug: d for d in discover_units(paths=paths)}
    assert done["phu-thinh"].binding.unit.code == "05800"
    copy = done["a-new-folder"].binding
    assert not copy.settled and "phu-thinh" in copy.notes[-1] and "bản sao" in copy.notes[-1]
    assert load_params(paths.ward_params("a-new-folder")).code is None


def test_an_existing_file_without_a_code_gets_it_appended_byte_for_byte(seeds_without_parameters):
    paths = seeds_without_parameters
    before = "# kept as written\nward: Vĩnh Thông\nslug: vinh-thong\nlevel: xã\nprovince: Thái Nguyên\nlang: vi"
    paths.ward_params("vinh-thong").write_text(before, encoding="utf-8")
    written = discover(paths=paths)
    assert paths.ward_params("vinh-thong") in written
    after = paths.ward_params("vinh-thong").read_text(encoding="utf-8")
    assert after.startswith(before + "\n") and load_params(paths.ward_params("vinh-thong")).code == "01981"
    assert paths.ward_params("vinh-thong") not in discover(paths=paths)  # now it has one: left alone
