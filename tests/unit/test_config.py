"""Parameters files: validation errors name the file and the field; nothing outside data/raw is read."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from wardaudit.errors import ParametersError
from wardaudit.ingest import ward_sources
from wardaudit.project.config import Paths, WardParams, load_params


@pytest.fixture
def tree(tmp_path: Path) -> Paths:
    """A minimal project: data/raw/w/ with one report, parameters/, and a file outside the tree."""
    root = tmp_path / "project"
    (root / "data" / "raw" / "w").mkdir(parents=True)
    (root / "data" / "raw" / "other").mkdir()
    (root / "parameters").mkdir()
    (root / "data" / "raw" / "w" / "report.txt").write_text("Báo cáo\n", encoding="utf-8")
    (root / "data" / "raw" / "other" / "report.txt").write_text("Báo cáo khác\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "report.txt").write_text("outside\n", encoding="utf-8")
    return Paths(root)


def _params(tree: Paths, text: str, name: str = "w") -> Path:
    p = tree.parameters / f"{name}.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_file(tree):
    p = _params(tree, "ward: Xã Thử\nlevel: xã\nmax_pages: 50\n")
    params = load_params(p)
    assert (params.slug, params.max_pages) == ("w", 50)
    assert ward_sources(params, tree) == [tree.raw / "w" / "report.txt"]


@pytest.mark.parametrize("text, code", [
    ("ward: X\ncode: '05899'\n", "05899"),
    ("ward: X\ncode: 05899\n", "05899"),  # not octal (an 8 and a 9): YAML keeps it as text
    ("ward: X\ncode: 11284\n", "11284"),
    ("ward: X\ncode: null\n", None),
])
def test_the_unit_code_is_five_digits(tree, text, code):
    assert load_params(_params(tree, text)).code == code


@pytest.mark.parametrize("text, field", [
    ("ward: X\nmax_page: 50\n", "max_page"),  # a typo is an unknown key, not ignored
    ("ward: X\nsource: [a.txt]\n", "source"),
    ("ward: X\nmax_pages: many\n", "max_pages"),
    ("ward: X\nmax_pages: true\n", "max_pages"),
    ("ward: X\nmax_pages: 0\n", "max_pages"),
    ("ward: X\nsources: a.txt\n", "sources"),
    ("ward: X\nsources: [a.txt, 3]\n", "sources.1"),
    ("ward: X\nrules_off: RATE001\n", "rules_off"),
    ("ward: X\nlevel: tỉnh\n", "level"),
    ("ward: X\nperiod_end: 2026-06-30\n", "period_end"),  # periods come from the reports, not the parameters
    ("ward: [X]\n", "ward"),
    ("level: xã\n", "ward"),  # required
    ("ward: X\nslug: ../etc\n", "slug"),
    ("ward: X\nslug: Phu Thinh\n", "slug"),
    ("ward: X\nslug: /abs\n", "slug"),
    ("ward: X\n1: one\n", "1"),  # a key that is not a string
    ("ward: X\ncode: 01234\n", "code"),  # YAML's octal 668: the leading zero is lost, so refused
    ("ward: X\ncode: 5899\n", "code"),
    ("ward: X\ncode: '5899'\n", "code"),
    ("ward: X\ncode: true\n", "code"),
])
def test_errors_name_file_and_field(tree, text, field):
    p = _params(tree, text)
    with pytest.raises(ParametersError) as info:
        load_params(p)
    e = info.value
    assert str(p) in e.one_line() and e.path == str(p)
    assert f"'{field}'" in e.one_line()
    assert "\n" not in e.one_line()


@pytest.mark.parametrize("text, match", [
    ("ward: X\n  bad: [indent\n", "invalid YAML"),
    ("- a\n- b\n", "expected a mapping"),
    ("", "expected a mapping"),
])
def test_unreadable_yaml_names_file(tree, text, match):
    p = _params(tree, text)
    with pytest.raises(ParametersError, match=match) as info:
        load_params(p)
    assert info.value.one_line().startswith(str(p))


def test_missing_file(tree):
    with pytest.raises(ParametersError, match="not found"):
        load_params(tree.parameters / "nowhere.yaml")


def test_file_name_is_the_default_slug_and_must_be_a_slug(tree):
    p = _params(tree, "ward: X\n", name="Bad Name")
    with pytest.raises(ParametersError, match="'slug'"):
        load_params(p)


@pytest.mark.parametrize("source", [
    "../other/report.txt", "../../../secret.txt", "sub/../../other/report.txt", "/etc/passwd", "~/x.txt",
    "", ".", "a\0b.txt",
])
def test_sources_that_escape_are_refused_by_the_schema(tree, source):
    p = _params(tree, f"ward: X\nsources: [{source!r}]\n".replace("\\x00", "\\0").replace("'", '"'))
    with pytest.raises(ParametersError, match=r"'sources'.*must be a file inside") as info:
        load_params(p)
    assert str(p) in info.value.one_line()


def test_schema_refuses_escaping_sources_built_in_code():
    with pytest.raises(ValueError):
        WardParams(ward="X", slug="w", sources=["../x.txt"])
    with pytest.raises(ValueError):
        WardParams(ward="X", slug="../w")


def test_symlink_in_ward_folder_pointing_outside_is_refused(tree, tmp_path):
    os.symlink(tmp_path / "secret.txt", tree.raw / "w" / "leak.txt")
    params = load_params(_params(tree, "ward: X\n"))
    with pytest.raises(ParametersError, match="outside") as info:
        ward_sources(params, tree)
    assert "leak.txt" in info.value.one_line()


def test_symlink_named_in_sources_is_refused(tree, tmp_path):
    os.symlink(tmp_path / "secret.txt", tree.raw / "w" / "leak.txt")
    params = load_params(_params(tree, "ward: X\nsources: [report.txt, leak.txt]\n"))
    with pytest.raises(ParametersError, match="leak.txt"):
        ward_sources(params, tree)


def test_symlink_to_another_wards_report_is_refused(tree):
    os.symlink(tree.raw / "other" / "report.txt", tree.raw / "w" / "borrowed.txt")
    params = load_params(_params(tree, "ward: X\n"))
    with pytest.raises(ParametersError, match="borrowed.txt"):
        ward_sources(params, tree)


def test_symlinked_subfolder_pointing_outside_is_refused(tree, tmp_path):
    os.symlink(tmp_path / "outside", tree.raw / "w" / "sub")
    params = load_params(_params(tree, "ward: X\nsources: [sub/report.txt]\n"))
    with pytest.raises(ParametersError, match="outside"):
        ward_sources(params, tree)


def test_ward_folder_that_is_a_symlink_out_of_raw_is_refused(tree, tmp_path):
    os.symlink(tmp_path / "outside", tree.raw / "linked")
    params = load_params(_params(tree, "ward: X\n", name="linked"))
    with pytest.raises(ParametersError, match="escapes data/raw"):
        ward_sources(params, tree)


def test_symlink_inside_the_ward_folder_is_allowed(tree):
    os.symlink(tree.raw / "w" / "report.txt", tree.raw / "w" / "alias.txt")
    params = load_params(_params(tree, "ward: X\n"))
    assert [p.name for p in ward_sources(params, tree)] == ["alias.txt", "report.txt"]


def test_missing_ward_folder(tree):
    params = load_params(_params(tree, "ward: X\n", name="absent"))
    with pytest.raises(ParametersError, match="ward folder missing"):
        ward_sources(params, tree)


def test_batch_refuses_a_slug_that_escapes(tree, tmp_path, capsys):
    """`wardaudit run ../outside`: refused before anything is read, nothing written (no manifest that
    would carry the bogus name into the index), nothing read or written outside."""
    from wardaudit.batch.local import run_batch
    from wardaudit.errors import ParametersError

    (tree.root / "notebooks").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())

    def no_runner(slug, paths):  # never reached: the names are refused first
        raise AssertionError(slug)

    for bad in (["../outside"], ["/etc/passwd"], ["xa-a", "../outside"]):
        with pytest.raises(ParametersError, match="not a ward slug"):
            run_batch(bad, jobs=1, quiet=True, paths=tree, runner=no_runner,
                      portfolio=lambda paths: {"status": "ok"})
    assert not (tree.reports / "batch.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["report.txt"]
