"""What offices send, end to end with the real tools: legacy Word and OpenDocument through LibreOffice,
a photo of a page through OCR, and a ward folder holding a typed report, its Excel appendix and a file
of a kind the tool does not read, run by the batch (page, findings.json, facts.csv, index, summary line).

Fixtures: tests/fixtures/renderings/office/<seed>.doc|.odt (scripts/render_office.py, LibreOffice's
exports of the seeds' Word renderings) and tests/fixtures/intake/phuong-thu-nghiem/ (scripts/render_intake.py:
our own report and workbook, with a planted wrong total).
"""
from __future__ import annotations

import csv
import html
import importlib.util
import io
import json
import re
import shutil
import subprocess
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from conftest import REPO, SEED_WARDS
from wardaudit.audit import audit_document
from wardaudit.ingest import office, read_document
from wardaudit.ingest.pdf import ocr

OFFICE = REPO / "tests/fixtures/renderings/office"
INTAKE = REPO / "tests/fixtures/intake/phuong-thu-nghiem"
WARD = "phuong-thu-nghiem"
ONLY_UNREADABLE = "chi-co-tep-la"


def text_form(slug: str) -> Path:
    return next(p for p in sorted((REPO / "data/raw" / slug).iterdir()) if p.suffix in (".txt", ".md"))


def figures(doc) -> Counter:
    return Counter((f.metric, f.value) for f in audit_document(doc).facts)


@pytest.fixture(scope="module")
def text_facts():
    return {slug: figures(read_document(text_form(slug))) for slug in SEED_WARDS}


@pytest.mark.parametrize("ext", ["doc", "odt"])
@pytest.mark.parametrize("slug", SEED_WARDS)
def test_legacy_word_and_opendocument_give_the_text_forms_facts(slug, ext, text_facts, tmp_path):
    doc = read_document(OFFICE / f"{slug}.{ext}", cache_dir=tmp_path / "ocr")
    want, got = text_facts[slug], figures(doc)
    common = sum((want & got).values())
    print(f"\n{slug}.{ext}: {common}/{sum(want.values())} (metric, value) facts of the text form")
    assert doc.format == ext and "LibreOffice" in doc.notes[0]
    assert sum(want.values()) >= 4 and common / sum(want.values()) >= 0.90


def test_a_conversion_is_cached_by_content_and_checked_against_its_source(tmp_path):
    cache = tmp_path / "ocr"
    src = tmp_path / "bao-cao.doc"
    shutil.copyfile(OFFICE / "phu-thinh.doc", src)
    first = read_document(src, cache_dir=cache)
    runs = office.conversions
    again = read_document(src, cache_dir=cache)
    assert office.conversions == runs and again.text() == first.text()  # the cached .docx, no LibreOffice
    entry = next((tmp_path / "office").glob("*.docx.json"))
    record = json.loads(entry.read_text(encoding="utf-8"))
    assert record["source_sha256"] == office.sha256_file(src)
    entry.write_text(json.dumps({**record, "source_sha256": "0" * 64}), encoding="utf-8")
    read_document(src, cache_dir=cache)  # an entry naming another source is not trusted
    assert office.conversions == runs + 1
    assert list(src.parent.glob(".~lock*")) == []  # LibreOffice worked on a copy: nothing written beside it


def test_without_libreoffice_the_file_is_named_with_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    src = tmp_path / "bao-cao.doc"
    shutil.copyfile(OFFICE / "phu-thinh.doc", src)
    with pytest.raises(office.InputError) as info:
        read_document(src, cache_dir=tmp_path / "ocr")
    line = info.value.one_line()
    assert str(src) in line and "cần LibreOffice" in line and "make system-deps" in line


def test_office_exports_are_deterministic_and_the_committed_ones_current(tmp_path):
    """scripts/render_office.py's .doc and .odt: two exports of the same .docx are the same bytes, and
    they read as the committed ones do (bytes may differ under another LibreOffice version)."""
    spec = importlib.util.spec_from_file_location("render_office", REPO / "scripts/render_office.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = {}
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        docx = tmp_path / run / "phu-thinh.docx"
        shutil.copyfile(OFFICE / "phu-thinh.docx", docx)
        made[run] = [module.export(docx, tmp_path / run, "doc"), module.export(docx, tmp_path / run, "odt")]
        module.pin_odt(made[run][1])
    for a, b in zip(made["a"], made["b"], strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        fresh = read_document(a, cache_dir=tmp_path / "ocr").text()
        committed = read_document(OFFICE / a.name, cache_dir=tmp_path / "ocr").text()
        assert fresh == committed, f"{a.name} is stale: run scripts/render_office.py"


# --- a photo of a page ---------------------------------------------------------------------------------
def test_a_photo_of_a_page_gives_that_pages_figures(tmp_path):
    """Page 1 of the office export of a seed, rendered to PNG by pdftoppm, against the same page's text
    layer (the page cut out of the PDF, so both are read with the same context)."""
    import pypdfium2 as pdfium

    pdf = OFFICE / "trung-thanh.pdf"
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "200", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "trang-1")], check=True, capture_output=True, timeout=120)
    page = pdfium.PdfDocument.new()
    page.import_pages(pdfium.PdfDocument(str(pdf)), [0])
    page.save(str(tmp_path / "trang-1.pdf"))
    want = figures(read_document(tmp_path / "trang-1.pdf"))
    calls = ocr.calls
    doc = read_document(tmp_path / "trang-1.png", cache_dir=tmp_path / "ocr")
    got = figures(doc)
    common = sum((want & got).values())
    print(f"\nphoto of page 1: {common}/{sum(want.values())} (metric, value) facts of the page")
    assert ocr.calls == calls + 1 and doc.format == "png"
    assert sum(want.values()) >= 10 and common / sum(want.values()) >= 0.90
    read_document(tmp_path / "trang-1.png", cache_dir=tmp_path / "ocr")
    assert ocr.calls == calls + 1  # cached by the image's hash, as a scanned PDF is


def test_a_photo_over_the_pixel_limit_is_refused_before_ocr(tmp_path):
    from PIL import Image

    Image.new("L", (1200, 1000), 255).save(tmp_path / "anh.png")
    calls = ocr.calls
    with pytest.raises(ocr.InputError, match=r"anh\.png: ảnh trang 1 quá lớn để OCR"):
        read_document(tmp_path / "anh.png", cache_dir=tmp_path / "ocr", max_inflate_mb=1)
    assert ocr.calls == calls


# --- a ward folder: a report, its Excel appendix, a file of an unknown kind ------------------------------
@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from conftest import copy_project
    from wardaudit.batch.local import run_batch

    paths = copy_project(tmp_path_factory.mktemp("intake") / "project", ())
    paths.parameters.mkdir(parents=True, exist_ok=True)
    shutil.copytree(INTAKE, paths.ward_raw(WARD))
    paths.ward_params(WARD).write_text(f"ward: Thử Nghiệm\nslug: {WARD}\nlevel: phường\nprovince: Tỉnh Thử\n",
                                       encoding="utf-8")
    paths.ward_raw(ONLY_UNREADABLE).mkdir(parents=True)
    (paths.ward_raw(ONLY_UNREADABLE) / "bao-cao.pages").write_bytes(b"PK\x03\x04 not read")
    (paths.ward_raw(ONLY_UNREADABLE) / "scan.heic").write_bytes(b"\x00\x00\x00 heic")
    paths.ward_params(ONLY_UNREADABLE).write_text(f"ward: Chỉ Có Tệp Lạ\nslug: {ONLY_UNREADABLE}\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out):
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        code = run_batch(all_wards=True, jobs=2, quiet=False, paths=paths)
    return paths, code, out.getvalue()


def test_the_appendix_table_is_on_the_ward_page_with_its_sheet_and_cells(batch):
    paths, _, _ = batch
    page = paths.ward_report(WARD).read_text(encoding="utf-8")
    appendix = page[page.index('id="sec-appendix"'):]
    assert "KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ THEO TỔ DÂN PHỐ" in appendix
    assert "trang tính PL1, ô A4:E10" in appendix and "trang tính PL2, ô A2:C6" in appendix
    assert "Tổ dân phố Nam Cường" in appendix and "1.246" in appendix  # #,##0 shown as the sheet shows it
    assert "96,4%" in appendix  # 0.0% of 590/612
    text = re.sub(r"data:image/[^\"']+", "", page)  # the charts' pixels aside
    assert "9.999" not in text and "9999" not in text  # the hidden sheet is not read ...
    assert "Bỏ qua trang tính ẩn 'Nhap'" in html.unescape(page)  # ... and a note says so


def test_the_appendix_figures_are_facts_with_sheet_and_cell(batch):
    paths, _, _ = batch
    with open(paths.ward_processed(WARD) / "facts.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    from_sheet = [r for r in rows if r["file"].endswith("phu-luc.xlsx")]
    assert {(r["sheet"], r["cell"], r["raw"]) for r in from_sheet} >= {
        ("PL1", "C9", "1.246"), ("PL1", "D9", "1.193"), ("PL1", "D10", "3.019"), ("PL2", "C6", "1.860")}
    assert all(r["sheet"] in ("PL1", "PL2") for r in from_sheet)
    assert not any(float(r["value"]) == 9999 for r in rows)  # the hidden sheet 'Nhap' is not read
    narrative = [r for r in rows if r["file"].endswith("bao-cao.txt")]
    assert narrative and all(not r["sheet"] for r in narrative)


def test_the_planted_wrong_total_is_found_and_the_right_one_passes(batch):
    paths, _, _ = batch
    findings = json.loads((paths.ward_processed(WARD) / "findings.json").read_text(encoding="utf-8"))
    foot = [c for c in findings["checks"] if c["rule"] == "FOOT003"]
    failed = [c for c in foot if c["status"] == "fail"]
    assert len(failed) == 1 and failed[0]["severity"] == "error"
    assert failed[0]["values"] == {"expected": 3012, "actual": 3019, "parts": [590, 801, 428, 1193]}
    assert {k: failed[0]["evidence"][0][k] for k in ("file", "sheet", "cell")} == {
        "file": f"data/raw/{WARD}/phu-luc.xlsx", "sheet": "PL1", "cell": "D10"}
    assert any(c["status"] == "pass" and "1.860" in c["message"] for c in foot)  # PL2's total holds
    # tied to the narrative: the report's 3.012 against the appendix's stated total
    assert any(c["rule"] == "XREF001" and "3.012" in c["message"] and "3.019" in c["message"]
               for c in findings["checks"])


def test_a_file_of_an_unknown_kind_is_named_everywhere(batch):
    paths, _, out = batch
    reason = "định dạng .pages chưa hỗ trợ"
    findings = json.loads((paths.ward_processed(WARD) / "findings.json").read_text(encoding="utf-8"))
    assert [(u["file"], reason in u["reason"]) for u in findings["unread"]] == [(f"data/raw/{WARD}/ghi-chu.pages",
                                                                                 True)]
    page = paths.ward_report(WARD).read_text(encoding="utf-8")
    box = re.search(r'<div class="unread-box".*?</div>', page, re.S).group(0)
    assert "Tệp không đọc được (1)" in box and "ghi-chu.pages" in box and reason in box
    assert page.index('class="unread-box"') < page.index('id="sec-header"')  # near the top
    index = (paths.reports / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'<tr[^>]*id="ward-{WARD}".*?</tr>', index, re.S).group(0)
    assert "1 tệp không đọc được: ghi-chu.pages" in row and reason in row
    line = next(ln for ln in out.splitlines() if ln.startswith(WARD))
    assert "1 tệp không đọc được" in line and "ghi-chu.pages" in line


def test_a_ward_of_unreadable_files_is_a_failed_intake_naming_them(batch):
    paths, code, out = batch
    assert code == 1
    entry = next(w for w in json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))["wards"]
                 if w["slug"] == ONLY_UNREADABLE)
    assert entry["status"] == "failed"
    assert "không có tệp nào đọc được" in entry["reason"] and "không có báo cáo" not in entry["reason"]
    assert "bao-cao.pages (định dạng .pages chưa hỗ trợ" in entry["reason"]
    assert "scan.heic (định dạng .heic chưa hỗ trợ" in entry["reason"]
    assert any(ln.startswith(ONLY_UNREADABLE) and "bao-cao.pages" in ln for ln in out.splitlines())
