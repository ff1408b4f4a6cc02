"""Scanned reports: OCR (ocrmypdf + Tesseract vie) on scans of the office exports of every seed,
compared with the text form; the OCR cache, per-page confidence, mixed PDFs, missing tools.

The scans are made here from the committed exports (150 dpi, greyscale, turned 0.7°, image-only
PDF, see scripts/render_office.py) and OCR'd once per session into a temporary cache.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import SEED_WARDS
from wardaudit.audit import audit_document
from wardaudit.errors import InputError
from wardaudit.ingest import read_document
from wardaudit.ingest.pdf import ocr
from wardaudit.model.document import Document

ROOT = Path(__file__).resolve().parents[2]
OFFICE = ROOT / "tests/fixtures/renderings/office"
sys.path.insert(0, str(ROOT / "scripts"))
from render_office import scan_pdf  # noqa: E402

pytestmark = pytest.mark.slow


def text_form(slug: str) -> Path:
    return next(p for p in sorted((ROOT / "data/raw" / slug).iterdir()) if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="session")
def ocr_project(tmp_path_factory) -> Path:
    """A project folder whose data/processed/ocr is the session's OCR cache."""
    root = tmp_path_factory.mktemp("ocr-project")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "parameters").mkdir()
    return root


@pytest.fixture(scope="session")
def scans(ocr_project) -> dict[str, Path]:
    out = {}
    for slug in SEED_WARDS:
        out[slug] = scan_pdf(OFFICE / f"{slug}.pdf", ocr_project / f"{slug}-scan.pdf")
    return out


@pytest.fixture(scope="session")
def scanned(scans, ocr_project) -> dict[str, tuple]:
    """(text form audit, scan audit, seconds to read the scan) per seed."""
    out = {}
    for slug, path in scans.items():
        start = time.perf_counter()
        doc = read_document(path, cache_dir=ocr_project / "data/processed/ocr")
        seconds = time.perf_counter() - start
        print(f"\nOCR {slug}: {doc.pages} pages in {seconds:.1f} s")
        out[slug] = (audit_document(read_document(text_form(slug))), audit_document(doc), seconds)
    return out


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_scan_facts_come_back(slug, scanned):
    expected, got, _ = scanned[slug]
    want = Counter((f.metric, f.value) for f in expected.facts)
    have = Counter((f.metric, f.value) for f in got.facts)
    common = sum((want & have).values())
    print(f"\n{slug} scan: {common}/{sum(want.values())} (metric, value) facts")
    assert common / sum(want.values()) >= 0.90


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_scan_invents_no_number(slug, scanned):
    expected, got, _ = scanned[slug]
    text = expected.document.text()
    known = {f.value for f in expected.facts}
    numbers_in_text = {float(n) for n in re.findall(r"\d+", text)}
    for f in got.facts:
        assert f.value in known or f.value in numbers_in_text, f"{f.value!r} from {f.quote!r}"


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_scan_blocks_carry_ocr_confidence(slug, scanned):
    _, got, _ = scanned[slug]
    doc = got.document
    assert doc.blocks and all(b.ocr_confidence is not None and 0 < b.ocr_confidence <= 100 for b in doc.blocks)
    assert any("OCR" in n for n in doc.notes)
    again = Document.from_dict(doc.to_dict())  # the cache keeps the confidence
    assert [b.ocr_confidence for b in again.blocks] == [b.ocr_confidence for b in doc.blocks]
    # every fact read from OCR text says so, with its page's mean confidence, in findings.json too
    facts = got.findings()["facts"]
    assert facts and all(0 < f["ocr"] <= 100 for f in facts)


def test_scanned_tables_come_back(scanned):
    expected, got, _ = scanned["vinh-thong"]
    assert [len(t.rows) for t in got.document.tables()] == [len(t.rows) for t in expected.document.tables()]
    for t in got.document.tables():
        parts = t.quality.get("parts", [t.quality])
        assert all(q["engine"] == "image" for q in parts)


def test_warm_rerun_does_no_ocr(scans, scanned, ocr_project):
    calls = ocr.calls
    start = time.perf_counter()
    doc = read_document(scans["vinh-thong"], cache_dir=ocr_project / "data/processed/ocr")
    warm = time.perf_counter() - start
    print(f"\nvinh-thong scan: cold {scanned['vinh-thong'][2]:.1f} s, warm {warm:.1f} s")
    assert ocr.calls == calls
    assert warm < scanned["vinh-thong"][2] / 2
    assert doc.text() == scanned["vinh-thong"][1].document.text()


@pytest.mark.parametrize("slug", ["vinh-thong", "phu-thinh"])
def test_check_exits_0_or_1_on_a_scan(slug, scans, scanned, ocr_project):
    env = dict(os.environ, WARDAUDIT_ROOT=str(ocr_project))
    out = subprocess.run([sys.executable, "-m", "wardaudit.cli", "check", str(scans[slug])], capture_output=True,
                         text=True, env=env, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    assert out.returncode == scanned[slug][1].exit_code


def test_low_confidence_pages_are_noted(scans, ocr_project, monkeypatch):
    monkeypatch.setattr(ocr, "LOW_CONFIDENCE", 101.0)  # every page is below the bar
    doc = read_document(scans["phu-thinh"], cache_dir=ocr_project / "data/processed/ocr")
    flagged = [n for n in doc.notes if "low OCR confidence" in n]
    assert len(flagged) == doc.pages
    assert re.search(r"page 1: low OCR confidence \(\d+/100\)", flagged[0])


def test_mixed_pdf_only_scanned_pages_are_ocrd(scans, tmp_path):
    import pypdfium2 as pdfium

    typed = pdfium.PdfDocument(str(OFFICE / "phu-thinh.pdf"))
    scanned_pdf = pdfium.PdfDocument(str(scans["phu-thinh"]))
    n = len(typed)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(typed, list(range(n - 1)))
    mixed.import_pages(scanned_pdf, [n - 1])  # the signed last page, scanned
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    for d in (typed, scanned_pdf, mixed):
        d.close()
    doc = read_document(path, cache_dir=tmp_path / "ocr")
    assert any(f"pages {n} are scans, read by OCR" in note for note in doc.notes)
    assert all((b.ocr_confidence is not None) == (b.location.page == n) for b in doc.blocks)
    assert any(b.location.page == n for b in doc.blocks)
    assert [p.name for p in (tmp_path / "ocr").glob("*.pdf")] and len(list((tmp_path / "ocr").glob("*.pdf"))) == 1


def test_missing_ocr_tools_name_the_install_command(scans, tmp_path, monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(InputError) as info:
        read_document(scans["phu-thinh"], cache_dir=tmp_path / "fresh")
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(scans["phu-thinh"]))
    assert "apt-get install tesseract-ocr tesseract-ocr-vie ghostscript" in message
