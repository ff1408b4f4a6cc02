"""A 500-page PDF: the page limit bounds time and memory, and the skipped pages are reported."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wardaudit.ingest import read_document
from wardaudit.project.config import Paths, load_params

PAGES = 500
LIMIT = 50


@pytest.fixture(scope="module")
def huge_pdf(tmp_path_factory) -> Path:
    """500 pages of short numbered text, generated (never committed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path_factory.mktemp("huge") / "bao-cao-500-trang.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("500 pages")
    for n in range(1, PAGES + 1):
        c.setFont("Helvetica-Bold", 13)
        c.drawString(72, 770, f"{n}. Section {n}")
        c.setFont("Helvetica", 11)
        c.drawString(72, 745, f"Page {n}: total dossiers received were {n * 7} and {n * 5} were resolved.")
        c.showPage()
    c.save()
    return path


def _skipped_note(notes: list[str]) -> str:
    return next(n for n in notes if "skipped" in n)


def test_page_limit_bounds_time_and_reports_overflow(huge_pdf):
    started = time.perf_counter()
    doc = read_document(huge_pdf, max_pages=LIMIT)
    seconds = time.perf_counter() - started
    assert seconds < 20, f"{seconds:.1f}s"
    assert doc.pages == PAGES
    assert max(b.location.page for b in doc.blocks) == LIMIT
    note = _skipped_note(doc.notes)
    assert f"{LIMIT}/{PAGES}" in note and f"bỏ qua {PAGES - LIMIT} trang" in note
    assert f"{PAGES - LIMIT} skipped" in note


def test_page_limit_from_parameters(huge_pdf, tmp_path, monkeypatch):
    from wardaudit.run.plan import plan_ward
    from wardaudit.run.ward import audit_ward

    paths = Paths(tmp_path)
    (paths.raw / "huge").mkdir(parents=True)
    (paths.raw / "huge" / huge_pdf.name).write_bytes(huge_pdf.read_bytes())
    paths.parameters.mkdir()
    paths.ward_params("huge").write_text(f"ward: Xã Thử\nslug: huge\nmax_pages: {LIMIT}\n", encoding="utf-8")
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    params = load_params(paths.ward_params("huge"), paths)
    assert params.max_pages == LIMIT

    started = time.perf_counter()
    (result,) = audit_ward(plan_ward("huge", paths), paths).results
    assert time.perf_counter() - started < 30
    doc = result.document
    assert doc.pages == PAGES and max(b.location.page for b in doc.blocks) == LIMIT
    assert f"{PAGES - LIMIT} skipped" in _skipped_note(doc.notes)


def test_without_a_lower_limit_the_default_applies(huge_pdf):
    from wardaudit.ingest import DEFAULT_MAX_PAGES

    doc = read_document(huge_pdf, max_pages=DEFAULT_MAX_PAGES, structure=False)
    assert max(b.location.page for b in doc.blocks) == DEFAULT_MAX_PAGES
    assert f"{PAGES - DEFAULT_MAX_PAGES} skipped" in _skipped_note(doc.notes)


_MEASURE = """
import json, resource, sys
from wardaudit.ingest import read_document
import wardaudit.ingest.pdf, camelot  # the imports are not what is measured
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
doc = read_document(sys.argv[1], max_pages=int(sys.argv[2]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "after_kb": after, "blocks": len(doc.blocks)}))
"""


def test_peak_memory_is_modest(huge_pdf):
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(huge_pdf), str(LIMIT)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = json.loads(proc.stdout.strip().splitlines()[-1])
    assert m["blocks"] > 0
    # ru_maxrss is in KiB on Linux
    assert m["after_kb"] < 600 * 1024, m
    assert m["after_kb"] - m["before_kb"] < 200 * 1024, m
