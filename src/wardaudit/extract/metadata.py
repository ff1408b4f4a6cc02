"""The report's own metadata: number, place and date line, kind, reporting period, the ward's name
and level with every spelling found, and the signer."""
from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date
from typing import Any

from wardaudit.model.document import Document
from wardaudit.model.report import DateParts, NameVariant, Period, ReportMeta, SourceLine
from wardaudit.vi.names import fold, slugify  # noqa: F401 - re-exported: callers import them from here

_NUMBER = re.compile(r"^\s*Số\s*:?\s*(?P<num>[^\s/]*)\s*/\s*(?P<suffix>[A-ZĐ][\w\-Đ]*)", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(?P<place>[^,\n]{2,40}),\s*ngày\s*"
                        r"(?:(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})?"
                        r"|(?P<d2>\d{1,2})\s*/\s*(?P<m2>\d{1,2})\s*/\s*(?P<y2>\d{4}))", re.IGNORECASE)
_DMY = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_RANGE = re.compile(r"từ\s+(?:ngày\s+|tháng\s+)?" + _DMY + r"\s+đến\s+(?:hết\s+)?(?:ngày\s+)?" + _DMY, re.IGNORECASE)
_RANGE_MONTH = re.compile(r"từ\s+(?:tháng\s+)?(\d{1,2})/(\d{1,2})/(\d{4})\s+đến\s+(?:hết\s+)?(?:ngày\s+)?" + _DMY,
                          re.IGNORECASE)
_UNTIL = re.compile(r"(?:tính\s+)?đến\s+(?:hết\s+)?ngày\s+" + _DMY, re.IGNORECASE)
_QUARTER = re.compile(r"quý\s+(I{1,3}|IV)\s+năm\s+(\d{4})", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|\s+năm\s+)\s*(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_WORD = rf"[{_UPPER}][^\s,.;:()\"“”/]*"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_WARD = re.compile(rf"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|địa bàn|của|tại)\s+"
                   rf"(xã|phường|đặc khu|XÃ|PHƯỜNG|ĐẶC KHU)\s+(?P<name>{_NAME})")
_SIGNER_TITLE = re.compile(r"\b(CHỦ TỊCH|PHÓ CHỦ TỊCH|TM\.|KT\.)")
_STOP_NAME_WORDS = {"UBND", "Ủy", "Uỷ", "Sở", "Phòng", "Ban", "Tổ", "Lưu", "Nơi", "Trên", "Kính", "Các", "Hội", "Đảng"}


_WARD_LEAD = re.compile(r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|địa bàn|của|tại)\s+$")
_LEVEL_WORD = re.compile(r"(?<!\w)(xã|phường|đặc khu|thị trấn|huyện|quận|thị xã|tỉnh)\s+", re.IGNORECASE)


def _spellings_of(doc: Document, expected: str) -> list[tuple[str, str, Any]]:
    """Every '<level> <name>' whose name folds to the expected ward's name: its spellings as written
    ('phường Tân Phong', 'Phường Tan Phong'), wherever the text names the unit."""
    n = len(expected.split())
    target = fold(expected)
    out = []
    for b in doc.blocks:
        texts = [(b.text, b.location)] if b.kind != "table" or b.table is None else \
            [(c, b.table.row_location(i)) for i, row in enumerate(b.table.rows) for c in row]
        for text, loc in texts:
            for m in _LEVEL_WORD.finditer(text):
                words = re.findall(r"[\wÀ-ỹĐđ]+", text[m.end():m.end() + 60])[:n]
                name = " ".join(words)
                if _WARD_LEAD.search(text[:m.start()]):
                    continue  # already counted by _WARD
                if len(words) == n and name[:1].isupper() and fold(name) == target and name.upper() != name:
                    out.append((m.group(1), name, loc))
    return out


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_period(text: str) -> dict[str, str | None] | None:
    """The first period expression in ``text`` as {start, end} ISO dates (either may be None)."""
    m = _RANGE.search(text)
    if m:
        return {"start": _iso(*m.group(1, 2, 3)), "end": _iso(*m.group(4, 5, 6))}
    m = _QUARTER.search(text)
    if m:
        q = {"I": 1, "II": 2, "III": 3, "IV": 4}[m.group(1).upper()]
        y = int(m.group(2))
        end_month = 3 * q
        end_day = 31 if end_month in (3, 12) else 30
        return {"start": date(y, end_month - 2, 1).isoformat(), "end": date(y, end_month, end_day).isoformat()}
    m = _UNTIL.search(text)
    if m:
        return {"start": None, "end": _iso(*m.group(1, 2, 3))}
    return None


def _signer(doc: Document) -> tuple[str | None, str | None]:
    blocks = [b for b in doc.blocks if b.appendix is None]
    for i, b in enumerate(blocks):
        if b.kind == "table" or not _SIGNER_TITLE.search(b.text) or len(b.text) > 80:
            continue
        title = " ".join(b.text.split())
        # a name may sit in the same block (after the title lines) or in the next short block
        lines = [ln.strip() for ln in b.text.split("\n")]
        candidates = [ln for ln in lines if not _SIGNER_TITLE.search(ln)] + \
                     [blocks[j].text.strip() for j in range(i + 1, min(i + 3, len(blocks)))]
        for c in candidates:
            words = c.split()
            if (2 <= len(words) <= 5 and all(w[0].isupper() for w in words) and not any(ch.isdigit() for ch in c)
                    and not c.isupper() and words[0] not in _STOP_NAME_WORDS and "Phụ" not in c):
                return title, c
        return title, None
    return None, None


def extract_metadata(doc: Document, expected_ward: str | None = None) -> ReportMeta:
    """The report's number, place and date, kind, title, period, ward name with every spelling,
    signer and addressee; fields are None when the report does not say."""
    meta: dict[str, Any] = {"number": None, "number_line": None, "date": None, "date_parts": None,
                            "place": None, "kind": None, "title": None, "period": None, "ward_name": None,
                            "level": None, "name_variants": [], "signer": None, "signer_title": None,
                            "authority": None}
    body = [b for b in doc.blocks if b.kind != "table" and b.appendix is None]
    head = body[:12]
    _number_and_date(head, meta)
    meta["title"] = _title(head)
    meta["kind"] = _kind((meta["title"] or "").lower())
    meta["period"] = _report_period(meta["title"], meta["kind"], body)
    _ward_names(doc, expected_ward, meta)
    meta["expected_ward"] = expected_ward
    meta["signer_title"], meta["signer"] = _signer(doc)
    for b in head:
        if b.text.strip().startswith("Kính gửi"):
            meta["authority"] = b.text.split(":", 1)[-1].strip()
    return _typed(meta)


def _typed(m: dict[str, Any]) -> ReportMeta:
    """The working dict of :func:`extract_metadata` as the typed value the rest of the package reads."""
    def line(x: dict | None) -> SourceLine | None:
        return SourceLine(x["text"], x.get("line"), x.get("page")) if x else None

    return ReportMeta(number=m["number"], number_line=line(m["number_line"]), date=m["date"],
                      date_parts=DateParts(**m["date_parts"]) if m["date_parts"] else None,
                      date_line=line(m.get("date_line")), place=m["place"], kind=m["kind"], title=m["title"],
                      period=Period.parse(m["period"]), ward_name=m["ward_name"], level=m["level"],
                      name_variants=tuple(NameVariant(v["name"], v["count"],
                                                      tuple((loc["page"], loc["line"]) for loc in v["locations"]))
                                          for v in m["name_variants"]),
                      signer=m["signer"], signer_title=m["signer_title"], authority=m["authority"],
                      expected_ward=m["expected_ward"])


def _number_and_date(head: list, meta: dict[str, Any]) -> None:
    """The number line ('Số: 12/BC-UBND') and the place-and-date line of the report's head."""
    for b in head:
        first = b.text.strip().split("\n")[0]
        m = _NUMBER.match(first)
        if m and meta["number_line"] is None:
            meta["number_line"] = {"text": first.strip(), "line": b.location.line, "page": b.location.page}
            meta["number"] = f"{m.group('num')}/{m.group('suffix')}" if m.group("num") else None
        m = _DATE_LINE.match(first)
        if m and meta["date_parts"] is None:
            parts = {"day": m.group("d") or m.group("d2"), "month": m.group("m") or m.group("m2"),
                     "year": m.group("y") or m.group("y2")}
            meta["date_parts"] = {k: (int(v) if v else None) for k, v in parts.items()}
            meta["date_line"] = {"text": first.strip(), "line": b.location.line, "page": b.location.page}
            meta["place"] = m.group("place").strip()
            if all(parts.values()):
                meta["date"] = _iso(parts["day"], parts["month"], parts["year"])


def _title(head: list) -> str | None:
    """The paragraph after "BÁO CÁO"."""
    for i, b in enumerate(head):
        if b.text.strip().upper() in ("BÁO CÁO", "BÁO CÁO TÓM TẮT") and i + 1 < len(head):
            return " ".join(head[i + 1].text.split())
    return None


def _kind(title: str) -> str | None:
    """Weekly, half-yearly review, six-monthly, quarterly, monthly or yearly, from the title."""
    if "tuần" in title:
        return "tuần"
    if "sơ kết" in title or "tổng kết" in title:
        return "sơ kết"
    if re.search(r"(?<!\d)(?:6|sáu) tháng(?!\s*\d)", title):  # not 'Đề án 06 tháng 5'
        return "6 tháng"
    if "quý" in title:
        return "quý"
    if re.search(r"tháng\s+\d", title):
        return "tháng"
    if "năm" in title:
        return "năm"
    return None


def _report_period(title: str | None, kind: str | None, body: list) -> dict[str, str] | None:
    """The title's period; else the body's first range (if it ends where the title says); else a
    monthly report's calendar month."""
    period = parse_period(title or "")
    if not period:  # a title that gives the end date is authoritative; otherwise the body's first range
        for b in body:
            p = parse_period(b.text)
            if p and p.get("start"):
                end = (period or {}).get("end")
                # a range in the body is the report's period only if it ends where the title says
                # (weekly reports also name next week's dates)
                if end is None or p["end"] == end:
                    period = {"start": p["start"], "end": end or p["end"]}
                break
    # 'tháng 5 năm 2026' is May; 'tháng 5/2026 (tính đến hết ngày 13/5/2026)' is a cut-off of figures
    # that may run from the start of the year, so its start stays unknown
    if title and not period and kind == "tháng":
        m = _MONTH.search(title)
        if m and 1 <= int(m.group(1)) <= 12:
            y, mo = int(m.group(2)), int(m.group(1))
            end = date(y, mo, calendar.monthrange(y, mo)[1]).isoformat()
            period = {"start": date(y, mo, 1).isoformat(), "end": end}
    return period


def _name_mentions(doc: Document) -> list[tuple[str, str, Any]]:
    """(level, name, location) of every 'xã X' / 'phường X' in the text and the tables."""
    found: list[tuple[str, str, Any]] = []
    for b in doc.blocks:
        if b.kind == "table":
            for r_i, row in enumerate(b.table.rows):
                for cell in row:
                    for m in _WARD.finditer(cell):
                        found.append((m.group(1), _trim_name(m.group("name")), b.table.row_location(r_i)))
            continue
        for m in _WARD.finditer(b.text):
            found.append((m.group(1), _trim_name(m.group("name")), b.location))
    return found


def _ward_names(doc: Document, expected_ward: str | None, meta: dict[str, Any]) -> None:
    """The ward's name and level (the most frequent) and every spelling found, with where."""
    found = _name_mentions(doc)
    if expected_ward:
        found += _spellings_of(doc, expected_ward)
    found = [(lv.lower(), _same_case(n, found), loc) for lv, n, loc in found if n]
    names = Counter(n for _, n, _ in found if n)
    levels = Counter(lv for lv, _, _ in found)
    if names:
        meta["ward_name"] = names.most_common(1)[0][0]
        meta["level"] = levels.most_common(1)[0][0]
    if meta["place"] and meta["place"] not in names and not meta["place"].lower().startswith(("số", "ngày")):
        found.append((meta["level"], meta["place"], doc.blocks[0].location if doc.blocks else None))
    variants: dict[str, list] = {}
    for _lv, n, loc in found:
        variants.setdefault(n, []).append(loc)
    meta["name_variants"] = [{"name": n, "count": len(locs),
                              "locations": [{"page": loc.page, "line": loc.line} for loc in locs if loc][:20]}
                             for n, locs in sorted(variants.items(), key=lambda kv: -len(kv[1]))]


def _same_case(name: str, found) -> str:
    """'PHÚ AN' (a header in capitals) is spelt like 'Phú An' when such a spelling exists."""
    if not name.isupper():
        return name
    for _, other, _ in found:
        if other and not other.isupper() and other.upper() == name:
            return other
    return name.title()


def _trim_name(name: str) -> str:
    words = name.split()
    # stop at words that begin another phrase ("Hòa An Đã", "Tân Lập UBND")
    out = []
    all_caps = name.isupper()
    for w in words:
        if w in _STOP_NAME_WORDS or (not all_caps and w.isupper() and len(w) > 1 and out):
            break
        out.append(w)
    return " ".join(out)
