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
from collections.abc import Iterable, Mapping
from typing import Any

from wardaudit.errors import ExportError, one_line
from wardaudit.model.findings import SEVERITY_ORDER
from wardaudit.project.config import Paths, relative
from wardaudit.project.iorw import atomic_path
from wardaudit.project.printable import remove_controls
from wardaudit.rules.portfolio import num
from wardaudit.run.portfolio.charts import family
from wardaudit.run.portfolio.model import Portfolio
from wardaudit.run.portfolio.words import WORDS, word

FINDING_COLUMNS = ["ward", "slug", "province", "source", "id", "rule", "family", "severity", "status", "message",
                   "expected", "actual", "file", "page", "line", "section", "quote",
                   "review_status", "review_note", "review_by", "review_at"]
PORT_COLUMNS = ["rule", "status", "severity", "ward", "message", "expected", "actual"]
#: findings.xlsx's columns: what an auditor filters on, one column per fact, in the page's language
#: (findings.csv keeps FINDING_COLUMNS and the tools' values)
SHEET_FINDINGS = ["ward", "province", "file", "page", "line", "section", "rule", "title", "family", "severity",
                  "message", "expected", "actual", "quote", "review_status", "review_note", "review_by", "review_at",
                  "id"]
SHEET_PORT = ["rule", "title", "status", "severity", "ward", "message", "expected", "actual"]
SHEET_WARDS = ["ward", "province", "level", "code", "period", "state", "main", "main_message", "open_errors",
               "open_warnings", "error", "warning", "confirmed", "query", "dismissed", "unchecked", "audit_page"]
#: column widths in characters; the long texts wrap
WIDTHS = {"message": 60, "quote": 60, "main_message": 60, "review_note": 40, "main": 36, "title": 36, "section": 28,
          "file": 34, "expected": 24, "actual": 24, "state": 26, "ward": 22, "province": 16, "family": 20,
          "review_at": 20, "id": 20, "period": 22}
WRAPPED = {"message", "quote", "main_message", "review_note", "main", "title", "section", "expected", "actual",
           "file"}


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


def readable(v: Any, lang: str = "vi") -> Any:
    """A value of a finding as an auditor reads it in a cell: a number stays a number; a date of the
    report ``{"day": null, "month": 5, "year": 2026}`` reads ``…/05/2026``; a list reads its items
    separated by ``;``; a mapping reads ``name: value`` pairs with the page's names for them; a
    metric's key reads as the catalogue's label. The exports' rows hold them as JSON text
    (:func:`failed_rows`), so that is read back first."""
    from wardaudit.render.messages import has, t
    from wardaudit.render.wording import format_value, message

    if v is None or v is pd_na() or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        text = v.strip()
        if not text:
            return None
        if text[0] in "{[":
            try:
                return readable(json.loads(text), lang)
            except ValueError:
                return text.lstrip("{[").strip() or None
        try:
            return num(text) if num(text) is not None and _NUMBER.match(text) else message(text, lang)
        except (TypeError, ValueError):
            return message(text, lang)
    if isinstance(v, bool):
        return t("yes" if v else "no", lang) if has("yes") else str(v)
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, Mapping) and {"day", "month", "year"} & set(v):
        return format_value(v, lang)
    def text(x: Any) -> str:
        shown = readable(x, lang)
        return "—" if shown is None else format_value(shown, lang) if isinstance(shown, (int, float)) else str(shown)

    if isinstance(v, Mapping):
        return "; ".join(f"{t(f'val_{k}', lang) if has(f'val_{k}') else k}: {text(x)}" for k, x in v.items()) or None
    if isinstance(v, (list, tuple)):
        return "; ".join(text(x) for x in v) or None
    return str(v)


def pd_na() -> Any:
    import pandas as pd
    return pd.NA


def sheet_findings(frame, lang: str):
    """The findings as findings.xlsx shows them: Vietnamese values (severity, decision), one language
    in the message, the rule's title beside its code, readable values (:func:`readable`)."""
    import pandas as pd

    from wardaudit.catalogue import rule_titles
    from wardaudit.run.portfolio.words import shared

    titles = rule_titles(lang)
    out = pd.DataFrame({c: frame[c] for c in SHEET_FINDINGS if c in frame.columns}, columns=SHEET_FINDINGS)
    out["family"] = frame["family"].map(lambda f: shared(f"fam_{f}", lang, f))
    out["review_status"] = frame["review_status"].map(lambda x: shared(f"review_{x or 'open'}", lang, x))
    return _worded(out, frame, lang, titles)


def sheet_port(frame, lang: str):
    """The checks across units, worded like the findings sheet."""
    from wardaudit.catalogue import rule_titles
    from wardaudit.run.portfolio.words import shared

    titles = rule_titles(lang)
    out = frame.reindex(columns=SHEET_PORT).astype(object)
    out["status"] = frame["status"].map(lambda x: shared(f"status_{x}", lang, x))
    return _worded(out, frame, lang, titles)


def _worded(out, frame, lang: str, titles: dict[str, str]):
    """What both sheets word alike: the rule's title, the severity, the message in the page's language
    and the compared values as a person writes them."""
    from wardaudit.render.wording import message
    from wardaudit.run.portfolio.words import shared

    out["title"] = frame["rule"].map(lambda r: titles.get(r, ""))
    out["severity"] = frame["severity"].map(lambda x: shared(f"sev_{x}", lang, x))
    out["message"] = frame["message"].map(lambda m: message(m, lang) if isinstance(m, str) else m)
    for col in ("expected", "actual"):
        out[col] = frame[col].map(lambda v: readable(v, lang)).astype(object)
    return out


def wards_frame(rows: Iterable[dict[str, Any]], lang: str = "vi"):
    """One row per ward, in the index's order (:func:`wardaudit.run.portfolio.views.display_rows`):
    its state, its main problem and its counts, as the index shows them."""
    import pandas as pd

    from wardaudit.render.wording import message

    out = []
    for r in rows:
        main = r.get("main") or {}
        out.append({"ward": r["ward"], "province": r.get("province"), "level": r.get("level"), "code": r.get("code"),
                    "period": r.get("period_text") or None, "state": r.get("state_text"),
                    "main": r.get("main_title") or None,
                    "main_message": message(main["message"], lang) if main.get("message") else None,
                    **{k: r.get(k, 0) for k in ("open_errors", "open_warnings", "error", "warning", "confirmed",
                                                "query", "dismissed")},
                    "unchecked": round(float(r.get("unchecked_share") or 0.0), 4),
                    "audit_page": f"{r['slug']}.html" if r.get("html") else None})
    return pd.DataFrame(out, columns=SHEET_WARDS)


def _write_sheet(ws, frame, lang: str | None = None) -> None:
    """A sheet with its headers in the page's language, set widths, long texts wrapped, a frozen header
    row and first column, and a filter on every column."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from wardaudit.render.messages import has

    ws.append([word(f"export_{c}", lang) if lang and (has(f"portfolio.export_{c}") or f"export_{c}" in WORDS)
               else c for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = {j for j, c in enumerate(frame.columns, start=1) if c in WRAPPED}
    percent = {j for j, c in enumerate(frame.columns, start=1) if c == "unchecked"}
    link = {j for j, c in enumerate(frame.columns, start=1) if c == "audit_page"}
    # rows are counted here: ws.max_row scans every cell, which made a large export quadratic
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, v in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            cell.value = _excel_value(v)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # report text is untrusted: '=...' in a quote stays text, never a formula
                if j in link:
                    cell.hyperlink = cell.value  # the ward's page, beside the workbook in reports/
            if j in wrapped:
                cell.alignment = wrap
            elif j in percent:
                cell.number_format = "0%"
    for j, c in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(c, 12)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(frame.columns)))}{max(2, len(frame) + 1)}"


def _csv_text(frame) -> str:
    import pandas as pd

    safe = frame.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(csv_safe)
    return safe.to_csv(index=False, lineterminator="\n")


def write_workbook(path, frame, port_frame, wards, lang: str) -> None:
    """findings.xlsx: the units (one row each), the findings and the checks across units."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = word("export_sheet_wards", lang)
    _write_sheet(ws, wards, lang)
    _write_sheet(wb.create_sheet(word("export_sheet_findings", lang)), sheet_findings(frame, lang), lang)
    _write_sheet(wb.create_sheet(word("export_sheet_port", lang)), sheet_port(port_frame, lang), lang)
    wb.save(path)


def write_exports(paths: Paths, frame, port_frame, lang: str = "vi", wards=None) -> dict[str, Any]:
    """Write the findings table as reports/findings.csv (tools' column names and values, UTF-8 with a
    byte order mark so that Excel reads its Vietnamese, byte-identical across runs) and
    reports/findings.xlsx (the page's language: the units, ``wards`` (:func:`wards_frame`), the
    findings and the checks across units), both or neither: on any failure both old files are removed
    and ExportError is raised."""
    import pandas as pd

    frame, removed = without_controls(frame)
    port_frame, removed_port = without_controls(port_frame)
    wards, removed_wards = without_controls(wards if wards is not None else pd.DataFrame(columns=SHEET_WARDS))
    csv_path, xlsx_path = paths.reports / "findings.csv", paths.reports / "findings.xlsx"
    try:
        with atomic_path(csv_path) as tmp_csv, atomic_path(xlsx_path) as tmp_xlsx:
            tmp_csv.write_text(_csv_text(frame), encoding="utf-8-sig")
            write_workbook(tmp_xlsx, frame, port_frame, wards, lang)
    except Exception as e:  # noqa: BLE001 - whatever stops an export, no stale file is left to be trusted
        for stale in (csv_path, xlsx_path):
            with contextlib.suppress(OSError):
                stale.unlink()
        shown = relative(xlsx_path, paths)
        raise ExportError(one_line(f"{shown}: không ghi được tệp xuất, đã xóa bản cũ / the findings exports could "
                                   f"not be written, the old ones were removed ({type(e).__name__}: {e})"),
                          path=shown) from None
    return {"csv": relative(csv_path, paths), "xlsx": relative(xlsx_path, paths), "rows": len(frame),
            "controls_removed": removed + removed_port + removed_wards}
