"""reports/findings.csv and reports/findings.xlsx: every failed check of every ward, one row each.

What goes in comes from reports and auditors' notes, so it is made safe on the way: control
characters (which a spreadsheet cannot hold, or which a terminal obeys) are removed and counted;
a CSV cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first, and not a
number) is written with a leading ``'``; the .xlsx marks every text cell as text. Both files are
replaced together or, when either cannot be written, both are removed (never a stale pair) and
:class:`~wardaudit.errors.ExportError` says why in one line.
"""
from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterable
from typing import Any

from wardaudit.errors import ExportError, one_line
from wardaudit.model.findings import SEVERITY_ORDER
from wardaudit.project.config import Paths, relative
from wardaudit.project.iorw import atomic_path
from wardaudit.project.printable import remove_controls
from wardaudit.rules.portfolio import num
from wardaudit.run.portfolio.charts import family
from wardaudit.run.portfolio.indicators import run_port_checks
from wardaudit.run.portfolio.model import Portfolio, load_portfolio
from wardaudit.run.portfolio.words import word

FINDING_COLUMNS = ["ward", "slug", "province", "source", "id", "rule", "family", "severity", "status", "message",
                   "expected", "actual", "file", "page", "line", "section", "quote",
                   "review_status", "review_note", "review_by", "review_at"]
PORT_COLUMNS = ["rule", "status", "severity", "ward", "message", "expected", "actual"]


def _cell(v: Any) -> Any:
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def failed_rows(slug: str, ward: str, province: str | None, docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One export row per failed check of a ward's findings documents."""
    rows = []
    for doc in docs:
        for c in doc.get("checks") or []:
            if c.get("status") != "fail":
                continue
            values = c.get("values") or {}
            ev = (c.get("evidence") or [{}])[0]
            review = c.get("review") or {}
            rows.append({"ward": ward, "slug": slug, "province": province, "source": doc.get("source"),
                         "id": c.get("id"), "review_status": review.get("status") or "open",
                         "review_note": review.get("note"), "review_by": review.get("by"),
                         "review_at": review.get("at"), "rule": c.get("rule"), "family": family(c.get("rule", "")),
                         "severity": c.get("severity"), "status": c.get("status"), "message": c.get("message"),
                         "expected": _cell(values.get("expected", values.get("computed"))),
                         "actual": _cell(values.get("actual", values.get("stated"))),
                         "file": ev.get("file") or doc.get("source"), "page": ev.get("page"),
                         "line": ev.get("line"), "section": ev.get("section"), "quote": ev.get("quote")})
    return rows


def frame_of_rows(rows: list[dict[str, Any]]):
    """The export rows as a table in a fixed order: ward, report, severity (worst first), rule,
    location, message."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    if df.empty:
        return df
    df["_sev"] = df["severity"].map(lambda s: SEVERITY_ORDER.get(s, 9))
    df["_page"] = df["page"].map(lambda x: num(x) if num(x) is not None else -1)
    df["_line"] = df["line"].map(lambda x: num(x) if num(x) is not None else -1)
    df = df.sort_values(["slug", "source", "_sev", "rule", "file", "_page", "_line", "message"],
                        kind="stable", na_position="first").drop(columns=["_sev", "_page", "_line"])
    for col in ("page", "line"):
        df[col] = df[col].map(num).astype("Int64")
    for col in ("expected", "actual"):
        df[col] = df[col].map(lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v)))
    return df.reset_index(drop=True)


def findings_frame(pf: Portfolio):
    """Every failed check of every report of every ward (:func:`frame_of_rows`)."""
    return frame_of_rows([r for w in pf.wards for r in failed_rows(w.slug, w.ward, w.province, w.reports)])


def port_checks_frame(results: Iterable[Any]):
    """PORT results as rows: failures first."""
    import pandas as pd

    rows = []
    for c in sorted(results, key=lambda c: ({"fail": 0, "pass": 1, "skip": 2}[c.status], c.rule, c.message)):
        rows.append({"rule": c.rule, "status": c.status, "severity": c.severity,
                     "ward": c.values.get("ward"), "message": c.message,
                     "expected": c.values.get("expected"), "actual": c.values.get("actual")})
    return pd.DataFrame(rows, columns=PORT_COLUMNS)


def _excel_value(v: Any) -> Any:
    """A plain Python value for a cell; missing values (NaN, NA) become empty cells."""
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


_FORMULA = re.compile(r"^[=+\-@]")
_NUMBER = re.compile(r"^[+-]?(?:\d[\d.,\s]*)?\d(?:[eE][+-]?\d+)?%?$")


def without_controls(frame) -> tuple[Any, int]:
    """The frame with control characters removed from its text cells, and how many were removed."""
    import pandas as pd

    removed = 0

    def clean(v: Any) -> Any:
        nonlocal removed
        if isinstance(v, str):
            v, n = remove_controls(v)
            removed += n
        return v

    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):  # object or pandas' str dtype
            out[col] = out[col].map(clean)
    return out, removed


def csv_safe(v: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, with a leading ``'``; numbers stay as they are."""
    if isinstance(v, str) and _FORMULA.match(v) and not _NUMBER.match(v):
        return "'" + v
    return v


def _write_sheet(ws, frame, lang: str | None = None) -> None:
    from openpyxl.styles import Font

    from wardaudit.render.messages import has

    ws.append([word(f"export_{c}", lang) if lang and has(f"portfolio.export_{c}") else c for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # rows are counted here: ws.max_row scans every cell, which made a large export quadratic
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, v in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            cell.value = _excel_value(v)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # report text is untrusted: '=...' in a quote stays text, never a formula
    ws.freeze_panes = "A2"


def _csv_text(frame) -> str:
    import pandas as pd

    safe = frame.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(csv_safe)
    return safe.to_csv(index=False, lineterminator="\n")


def write_exports(paths: Paths, frame, port_frame, lang: str = "vi") -> dict[str, Any]:
    """Write the findings table as reports/findings.csv (tools' column names, byte-identical across
    runs) and reports/findings.xlsx (the page's language; PORT checks on a second sheet), both or
    neither: on any failure both old files are removed and ExportError is raised."""
    from openpyxl import Workbook

    frame, removed = without_controls(frame)
    port_frame, removed_port = without_controls(port_frame)
    csv_path, xlsx_path = paths.reports / "findings.csv", paths.reports / "findings.xlsx"
    try:
        wb = Workbook()
        ws = wb.active
        ws.title = word("export_sheet_findings", lang)
        _write_sheet(ws, frame, lang)
        _write_sheet(wb.create_sheet(word("export_sheet_port", lang)), port_frame, lang)
        with atomic_path(csv_path) as tmp_csv, atomic_path(xlsx_path) as tmp_xlsx:
            tmp_csv.write_text(_csv_text(frame), encoding="utf-8")
            wb.save(tmp_xlsx)
    except Exception as e:  # noqa: BLE001 - whatever stops an export, no stale file is left to be trusted
        for stale in (csv_path, xlsx_path):
            with contextlib.suppress(OSError):
                stale.unlink()
        shown = relative(xlsx_path, paths)
        raise ExportError(one_line(f"{shown}: không ghi được tệp xuất, đã xóa bản cũ / the findings exports could "
                                   f"not be written, the old ones were removed ({type(e).__name__}: {e})"),
                          path=shown) from None
    return {"csv": relative(csv_path, paths), "xlsx": relative(xlsx_path, paths), "rows": len(frame),
            "controls_removed": removed + removed_port}


def export_findings(paths: Paths | None = None, pf: Portfolio | None = None, lang: str = "vi") -> dict[str, Any]:
    """Write reports/findings.csv and reports/findings.xlsx from the full portfolio: every failed
    check of every ward, and the cross-ward (PORT) checks. Both are written atomically."""
    paths = paths or (pf.paths if pf else Paths())
    pf = pf or load_portfolio(paths=paths)
    return write_exports(paths, findings_frame(pf), port_checks_frame(run_port_checks(pf)), lang)
