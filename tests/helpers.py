"""Small helpers shared by tests of different folders."""
from __future__ import annotations

from typing import Any

RUNS = ("=", "+", "-", "@")


def runs_in_a_spreadsheet(cell: str) -> bool:
    """What a spreadsheet opening a CSV would take for a formula: a cell starting with = + - @ that
    does not read as a number."""
    if not cell.startswith(RUNS):
        return False
    try:
        float(cell.replace(".", "").replace(",", ".").rstrip("%"))
        return False
    except ValueError:
        return True


def pdf_bytes(streams: list[tuple[bytes, bytes]]) -> bytes:
    """A one-page PDF whose page draws nothing and which carries ``streams`` as extra objects
    (dictionary entries, stored data); the first one is the page's content stream."""
    body = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
    body += [b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data) for entries, data in streams]
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, obj in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)


def store_failing(paths: Any, slug: str, checks: list[Any]) -> None:
    """A stored audit of one report whose checks are ``checks``: what a run leaves for `review`."""
    from wardaudit.model.audit import AuditResult
    from wardaudit.model.document import Document
    from wardaudit.model.report import ReportMeta
    from wardaudit.store import WardStore

    doc = Document(source="r.txt", format="text", sha256="0" * 64)
    WardStore(paths, slug).save_audit([AuditResult(doc, ReportMeta(), [], checks)], "-")


def seed_stating(phrase: str) -> str:
    """The text of the first seed report (data/raw/*/*.txt) that states ``phrase``."""
    from pathlib import Path

    for f in sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*/*.txt")):
        text = f.read_text(encoding="utf-8")
        if phrase in text:
            return text
    raise AssertionError(f"no seed report states {phrase!r}")
