"""Who has reported, and copies, on the real batch: the four seed wards and a planted copy of one seed
report under another unit's folder; then a ward's report removed."""
from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from conftest import copy_project
from wardaudit.batch.local import run_batch
from wardaudit.project.config import Paths

pytestmark = pytest.mark.slow

COPY = "phu-binh"  # Xã Phú Bình, Thái Nguyên (05908): its folder holds Phú Thịnh's report
SEEDS_REPORTED = {"05899", "05800", "01981"}  # the Thái Nguyên seeds, all of the second quarter of 2026


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    paths = copy_project(tmp_path_factory.mktemp("coverage") / "project")
    shutil.copytree(paths.ward_raw("phu-thinh"), paths.ward_raw(COPY))
    paths.ward_params(COPY).write_text('ward: Phú Bình\ncode: "05908"\nlevel: xã\nprovince: Thái Nguyên\n',
                                       encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        code = run_batch(all_wards=True, jobs=2, quiet=True, paths=paths)
    assert code == 0
    return paths


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _missing(page: str) -> dict[str, str]:
    """The units listed as not submitted: code → the list item's text."""
    return {m.group(1): _text(m.group(2)) for m in re.finditer(r'<li data-code="(\d{5})">(.*?)</li>', page)}


def test_the_province_page_counts_the_official_units_and_lists_those_not_reported(project):
    page = (project.reports / "province" / "thai-nguyen.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "92 Đơn vị trong phạm vi (theo danh mục)" in text
    assert "4 Đã nộp" in text and "88 Chưa nộp" in text
    assert "Kỳ báo cáo: Quý 2/2026 (01/04/2026 – 30/06/2026), hạn nộp 05/07/2026" in text
    missing = _missing(page)
    assert len(missing) == 88 and not (SEEDS_REPORTED | {"05908"}) & set(missing)
    assert missing["05602"].startswith("Xã Phú Đình (05602)")  # by name and code
    hp = _text((project.reports / "province" / "hai-phong.html").read_text(encoding="utf-8"))
    assert "114 Đơn vị trong phạm vi" in hp and "Chưa xác định kỳ: Xã Nam Thanh Miện (11284)" in hp


def test_a_planted_copy_is_flagged_naming_its_source(project):
    summary = json.loads((project.ward_processed(COPY) / "summary.json").read_text(encoding="utf-8"))
    assert summary["code"] == "05908" and summary["port"]["reports"][0]["sketch"]["n"] > 1000
    index = _text((project.reports / "index.html").read_text(encoding="utf-8"))
    flagged = re.search(r"PORT003 ✗ Không đạt Cảnh báo (Phú Bình: [^✓✗]*)", index)
    assert flagged, index[-2000:]
    assert "Phú Thịnh" in flagged.group(1) and "data/raw/phu-thinh/" in flagged.group(1)
    assert "giống 100%" in flagged.group(1)
    findings = json.loads((project.ward_processed(COPY) / "findings.json").read_text(encoding="utf-8"))
    meta005 = [c for c in findings["checks"] if c["rule"] == "META005" and c["status"] == "fail"]
    assert meta005 and "Phú Thịnh" in meta005[0]["message"]


def test_a_ward_whose_report_is_removed_is_not_submitted_not_a_failed_run(project, tmp_path, monkeypatch):
    paths = Paths(shutil.copytree(project.root, tmp_path / "project"))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    for f in paths.ward_raw("vinh-thong").iterdir():
        f.unlink()
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths) == 0  # not a failure
    entry = {w["slug"]: w for w in json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))["wards"]}
    assert entry["vinh-thong"]["status"] == "no_report" and "chưa nộp" in entry["vinh-thong"]["reason"]
    index = (paths.reports / "index.html").read_text(encoding="utf-8")
    row = index[index.index('id="ward-vinh-thong"'):]
    row = _text(row[:row.index("</tr>")])
    assert "chưa nộp" in row and "chạy lỗi" not in row
    assert "trang cũ, Quý 2/2026" in row  # its old page, labelled with its old period
    page = (paths.reports / "province" / "thai-nguyen.html").read_text(encoding="utf-8")
    assert "01981" in _missing(page) and "3 Đã nộp" in _text(page) and "0 Chạy lỗi" in _text(page)
