"""The OCR cache (data/processed/ocr) is used only when it was built from the very file and pages and
has not changed since; a tampered entry is not used, and `run --force` OCRs again. Real OCR
(ocrmypdf + Tesseract vie) on a one-page scan made here from a committed office export."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from wardaudit.ingest import read_document
from wardaudit.ingest.pdf import ocr
from wardaudit.project.config import Paths
from wardaudit.run.plan import plan_ward
from wardaudit.run.ward import audit_ward

ROOT = Path(__file__).resolve().parents[2]
OFFICE = ROOT / "tests/fixtures/renderings/office"
sys.path.insert(0, str(ROOT / "scripts"))
from render_office import scan_pdf  # noqa: E402

REDONE = "the cached OCR did not match the file and was redone"


def _page(src: Path, index: int, out: Path) -> Path:
    import pypdfium2 as pdfium

    pdf, one = pdfium.PdfDocument(str(src)), pdfium.PdfDocument.new()
    one.import_pages(pdf, [index])
    one.save(str(out))
    one.close()
    pdf.close()
    return out


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scan")
    return scan_pdf(_page(OFFICE / "phu-thinh.pdf", 0, folder / "typed.pdf"), folder / "scan.pdf")


def _entry(cache: Path) -> tuple[Path, Path]:
    (record,) = cache.glob("*.json")
    return record.with_suffix(".pdf"), record


def _read(scan: Path, cache: Path, **kw) -> tuple[str, list[str], int]:
    before = ocr.calls
    doc = read_document(scan, cache_dir=cache, **kw)
    return doc.text(), doc.notes, ocr.calls - before


def _replace_pdf(pdf: Path, record: Path) -> None:  # another PDF with a text layer of its own
    _page(OFFICE / "vinh-thong.pdf", 0, pdf)


def _edit_record(pdf: Path, record: Path) -> None:  # the scores raised by hand
    entry = json.loads(record.read_text(encoding="utf-8"))
    entry["confidence"] = {k: 99.0 for k in entry["confidence"]}
    record.write_text(json.dumps(entry), encoding="utf-8")


def _other_source(pdf: Path, record: Path) -> None:  # an entry built from another file, made consistent
    entry = json.loads(record.read_text(encoding="utf-8"))
    entry["source_sha256"] = hashlib.sha256(b"another report").hexdigest()
    entry["digest"] = ocr._entry_digest(entry)
    record.write_text(json.dumps(entry), encoding="utf-8")


def _old_format(pdf: Path, record: Path) -> None:  # an entry from before records carried hashes
    entry = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps(entry["confidence"]), encoding="utf-8")


@pytest.mark.parametrize("tamper", [_replace_pdf, _edit_record, _other_source, _old_format],
                         ids=["pdf replaced", "record edited", "another source", "no hashes"])
def test_a_tampered_cache_entry_is_not_used(scan, tmp_path, tamper):
    cache = tmp_path / "ocr"
    text, notes, runs = _read(scan, cache)
    assert runs == 1 and "Phú Thịnh" in text and REDONE not in " ".join(notes)
    assert _read(scan, cache)[2] == 0  # an entry that matches is used
    pdf, record = _entry(cache)
    tamper(pdf, record)
    again, notes, runs = _read(scan, cache)
    assert runs == 1 and again == text and any(REDONE in n for n in notes)
    assert _read(scan, cache)[2] == 0  # the rebuilt entry matches again


def test_a_record_reads_back_as_written_for_ten_pages_and_more(tmp_path, monkeypatch):
    """The record's digest is the same once through JSON (page 10 sorts after 9 as a number, before 2
    as text): a scan of many pages is not OCR'd again on every read."""
    pages = list(range(1, 13))
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 a scan")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()

    def fake_ocrmypdf(src, dst, pages, shown):  # the record is under test here, not the OCR
        dst.write_bytes(b"%PDF-1.4 its OCR")
        return {p: 90.0 + p / 10 for p in pages}

    monkeypatch.setattr(ocr, "_run_ocrmypdf", fake_ocrmypdf)
    monkeypatch.setattr(ocr, "check_pixels", lambda *a: None)
    first = ocr.ocr_pages(source, pages, "scan.pdf", sha256=sha, cache_dir=tmp_path / "ocr", max_pixels=1)
    again = ocr.ocr_pages(source, pages, "scan.pdf", sha256=sha, cache_dir=tmp_path / "ocr", max_pixels=1)
    assert not first.cached and again.cached and again.confidence == first.confidence


def test_force_ocrs_again_through_a_valid_cache(scan, tmp_path):
    paths = Paths(tmp_path)
    shutil.copy(scan, (paths.ward_raw("xa-quet").mkdir(parents=True) or paths.ward_raw("xa-quet")) / "scan.pdf")
    paths.parameters.mkdir()
    paths.ward_params("xa-quet").write_text(yaml.safe_dump({"ward": "Phú Thịnh", "slug": "xa-quet"},
                                                           allow_unicode=True), encoding="utf-8")
    plan = plan_ward("xa-quet", paths)
    before = ocr.calls
    audit_ward(plan, paths)
    assert ocr.calls == before + 1
    audit_ward(plan, paths, force=True)  # the stored audit and the OCR cache are both valid, and not used
    assert ocr.calls == before + 2
    assert _read(paths.ward_raw("xa-quet") / "scan.pdf", paths.ocr_cache, refresh_cache=True)[2] == 1
    assert _read(paths.ward_raw("xa-quet") / "scan.pdf", paths.ocr_cache)[2] == 0
