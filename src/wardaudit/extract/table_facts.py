"""Facts of the tables: indicator tables (target and result per row), task tables (one status per
row), and numeric tables (every cell, with a titled total above them)."""
from __future__ import annotations

import calendar
import re

from wardaudit.extract.figure_context import family_of
from wardaudit.extract.metadata import parse_period
from wardaudit.extract.state import Extraction
from wardaudit.extract.table_units import column_units, in_unit, table_unit
from wardaudit.model.document import Block, Table
from wardaudit.model.facts import Fact, period_string
from wardaudit.vi.numbers import MONEY_SCALE, Figure, find_figures

_STATUS = {
    "completed": re.compile(r"^(đã\s+)?hoàn thành|^xong", re.IGNORECASE),
    "in_progress": re.compile(r"đang (triển khai|thực hiện)|đang", re.IGNORECASE),
    "overdue": re.compile(r"quá hạn|chậm", re.IGNORECASE),
    "not_started": re.compile(r"chưa (triển khai|thực hiện)", re.IGNORECASE),
}


class TableFacts:
    """The table strategy: facts of every table of the document, added to the extraction state ``x``."""

    def __init__(self, x: Extraction):
        self.x = x

    def run(self) -> None:
        for bi, block in enumerate(self.x.doc.blocks):
            if block.kind != "table" or block.table is None:
                continue
            self.x.current_block = bi
            t = block.table
            if _is_indicator_table(t):
                self.indicator_table(block, t)
            elif _status_column(t) is not None:
                self.task_table(block, t)
            else:
                self.numeric_table(block, t)

    def _table_period(self, header: str) -> tuple[str | None, str | None]:
        end = (self.x.report_period or {}).get("end") or ""
        year = end[:4]
        low = header.lower()
        if "lũy kế" in low or "luỹ kế" in low:
            return period_string(self.x.report_period), "cumulative"
        m = re.search(r"(\d+)\s+tháng\s+đầu\s+năm", low)
        if m and year and 1 <= int(m.group(1)) <= 12:
            months = int(m.group(1))
            last_day = calendar.monthrange(int(year), months)[1]  # February: 29 days in a leap year
            return f"{year}-01-01/{year}-{months:02d}-{last_day}", None
        p = parse_period(header)
        if p:
            return period_string(p), None
        return period_string(self.x.report_period), None

    def indicator_table(self, block: Block, t: Table) -> None:
        cols = _indicator_columns(t)
        label_col, unit_col, target_col, result_col = cols
        # results 'Lũy kế đến 15/11/2026' are cumulative: compared with the body's cumulative figures
        to_date = any(k in t.header[result_col].lower() for k in ("lũy kế", "luỹ kế")) \
            if result_col < len(t.header) else False
        share_col = next((j for j, h in enumerate(t.header) if j not in (target_col, result_col)
                          and re.search(r"\(\s*%\s*\)|^\s*t[ỷỉ] lệ", h, re.IGNORECASE)), None)
        for i, row in enumerate(t.rows):
            label = row[label_col] if label_col is not None and label_col < len(row) else ""
            target = row[target_col] if target_col < len(row) else ""
            result = row[result_col] if result_col < len(row) else ""
            tf = find_figures(target)
            rf = find_figures(result)
            if not tf and not rf:
                continue
            unit = row[unit_col] if unit_col is not None and unit_col < len(row) else None
            pool = self._indicator_pool(unit)
            metric = self.x.cat.best(label.lower(), pool)[0] if label else None
            gid = self.x.new_group()
            loc = t.row_location(i)
            for figs, qual, cell, col in ((tf, "target", target, target_col), (rf, "result", result, result_col)):
                if not figs:
                    continue
                f = figs[0]
                kind = "percent" if (unit or "").strip() == "%" else f.kind
                self.x.add(metric=metric.key if metric else None, value=f.value, unit=unit or None, kind=kind,
                         period=period_string(self.x.report_period),
                         qualifier=f"{qual}:{f.qualifier}" if f.qualifier else
                         ("result:cumulative" if qual == "result" and to_date else qual),
                         role=qual, group=gid, scope=None, section=" > ".join(block.section), quote=cell,
                         file=loc.file, page=loc.page, line=loc.line, raw=f.raw, decimals=f.decimals,
                         origin="table", label=f"{row[0]} {label}".strip(), sheet=loc.sheet,
                         cell=t.cell_ref(i, col))
            self.completion_cell(row, share_col, gid, block, loc, f"{row[0]} {label}".strip())

    def completion_cell(self, row: list[str], col: int | None, gid: str, block: Block, loc, label: str) -> None:
        """'Tỷ lệ hoàn thành (%)' beside the target and the result: the row's result over its target."""
        figs = find_figures(row[col]) if col is not None and col < len(row) else []
        if figs:
            f = figs[0]
            self.x.add(metric=None, value=f.value, unit="%", kind="percent", period=period_string(self.x.report_period),
                     qualifier=None, role="completion", group=gid, scope=None, section=" > ".join(block.section),
                     quote=row[col], file=loc.file, page=loc.page, line=loc.line, raw=f.raw, decimals=f.decimals,
                     origin="table", label=label, sheet=loc.sheet)

    def _indicator_pool(self, unit: str | None) -> list:
        """The metrics an indicator row may be, from its unit: rates for '%', the family of a counted noun
        ('tài khoản', 'lượt'), never money for a row counted in something else."""
        unit = " ".join((unit or "").lower().split())
        is_pct = unit == "%"
        pool = [m for m in self.x.cat.metrics if (m.kind == "percent") == is_pct and not m.part_only]
        if unit and not is_pct:
            fam = next((f for f, nouns in self.x.cat.families.items() if unit in nouns), None)
            money = "đồng" in unit
            pool = [m for m in pool if (m.family == fam if fam else (m.kind == "money") == money)]
        return pool

    def task_table(self, block: Block, t: Table) -> None:
        """One fact per task: the row's status read from the status column, its name from the task column
        (found by their headers or their values, wherever they stand)."""
        col = _status_column(t)
        name_col = _name_column(t, col)
        for i, row in enumerate(t.rows):
            status_text = row[col] if col < len(row) else ""
            if not status_text.strip() or _TOTAL_ROW.match(" ".join(c for c in row[:2] if c).strip()):
                continue
            status = next((k for k, rx in _STATUS.items() if rx.search(status_text)), "other")
            loc = t.row_location(i)
            self.x.add(metric="tasks.row", value=1, unit="nhiệm vụ", kind="count",
                     period=period_string(self.x.report_period), qualifier=None, role="row", group=None,
                     scope=None, section=" > ".join(block.section), quote=status_text, file=loc.file,
                     page=loc.page, line=loc.line, raw=row[0], origin="table",
                     label=(row[name_col] if name_col < len(row) else "")[:160], status=status, sheet=loc.sheet,
                     cell=t.cell_ref(i, col))

    def numeric_table(self, block: Block, t: Table) -> None:
        gid = None
        title_total = None
        if t.title:
            m = re.search(r":\s*([\d.]+)\s*,?\s*trong đó", t.title) or (
                re.search(r":\s*([\d.]+)(?:\s+[^\W\d]+){0,3}\s*\.?\s*$", t.title) if _one_numeric_column(t) else None)
            figs = find_figures(t.title)
            if m and figs:
                fig = figs[-1]
                gid = self.x.new_group()
                title_total = next((f for f in reversed(self.x.facts) if f.origin == "text" and f.raw == fig.raw
                                    and f.quote and f.quote in t.title), None)
                if title_total is None:
                    found = self.x.resolve(fig, t.title[:fig.start], t.title[:fig.start], "")
                    metric = found.metric if found else None
                    loc = t.location
                    title_total = self.x.add(metric=metric.key if metric else None, value=fig.value, unit=None,
                                           kind=fig.kind, period=period_string(self.x.report_period), qualifier=None,
                                           role="total", group=gid, scope="all", section=" > ".join(block.section),
                                           quote=t.title, file=loc.file, page=loc.page, line=loc.line, raw=fig.raw,
                                           origin="table", sheet=loc.sheet)
                title_total.role, title_total.group, title_total.scope = "total", gid, "all"
                title_total.cue = "bảng dưới tiêu đề"
        units = column_units(t, table_unit(self.x.doc.blocks, self.x.current_block))
        row_periods = _row_periods(t)
        for i, row in enumerate(t.rows):
            loc = t.row_location(i)
            row_label = " ".join(c for c in row[:2] if c and not re.fullmatch(r"[\d.,/%\s]+", c))
            for j, cell in enumerate(row):
                if j == 0:
                    continue
                figs = find_figures(cell)
                if not figs or not re.fullmatch(r"[\s\d.,%/≥≤<>]+", cell):
                    continue
                f = figs[0]
                header = t.header[j] if j < len(t.header) else ""
                f = _in_money(in_unit(f, units[j]) if j < len(units) else f, t, title_total)
                context = f"{header} {row_label}".lower()
                fam = family_of(f, context, "", self.x.cat)
                cands = self.x.cat.in_family(fam) if fam else self.x.cat.metrics
                metric = self.x.cat.best(context, cands)[0]
                period, qual = self._table_period(header)
                period = row_periods[i] or period  # a row of one week or month ('19/10 – 25/10/2026')
                # a column's scope ('Cấp xã'), else in a table of several rows the row's own unit
                row_unit = self.row_scope(t, row) if len(t.rows) >= 2 else None
                scope = self.x.cues.scope_in(header) or ((row_unit,) if row_unit else self.x.cues.scope_in(row_label))
                self.x.add(metric=metric.key if metric else None, value=f.value,
                         unit=f.unit_text if f.kind == "money" else None, kind=f.kind, period=period,
                         qualifier=qual, role="part" if title_total else None, group=gid,
                         scope=scope[0] if scope else None,
                         section=" > ".join(block.section), quote=cell, file=loc.file, page=loc.page, line=loc.line,
                         raw=f.raw, decimals=f.decimals, denominator=f.denominator, origin="table",
                         label=f"{header} | {row_label}".strip(" |"), sheet=loc.sheet, cell=t.cell_ref(i, j))

    def row_scope(self, t: Table, row: list[str]) -> str | None:
        """In a table of several rows each row is its own unit ('Nhà văn hóa ấp Long Thạnh', 'Bãi Dương'
        under 'Tổ dân phố'): its cells are not restatements of each other. A total row is the whole."""
        col = next((j for j, c in enumerate(row[:2]) if c and not re.fullmatch(r"[\d.,/%\s]+", c)), None)
        name = " ".join(row[col].split()) if col is not None else ""
        if not name or _TOTAL_ROW.match(name) or self.x.cat.best(name.lower(), self.x.cat.metrics)[0] is not None:
            return None  # a total row, or a row naming what is counted ('Đúng và trước hạn'), not a unit
        kind = t.header[col].strip() if col < len(t.header) else ""
        if kind and (self.x.cues.named_scope.fullmatch(kind.lower()) or self.x.cues.named_unit.fullmatch(kind.lower())):
            return f"{kind.lower()} {name}"
        return name


def _in_money(f: Figure, t: Table, title_total: Fact | None) -> Figure:
    """A plain number in the one numeric column of a table under a money total ('Tổng kinh phí: 2.400 triệu
    đồng' above '| Hạ tầng | 1.500 |') is money in that unit (a column's or the table's own unit is read
    by :mod:`~wardaudit.extract.table_units`)."""
    if f.kind != "count":
        return f
    unit = None
    if title_total is not None and title_total.kind == "money" and _one_numeric_column(t):
        unit = title_total.unit if title_total.unit in MONEY_SCALE else None
    if unit not in MONEY_SCALE:
        return f
    scale = MONEY_SCALE[unit]
    return Figure(f.start, f.end, f.raw, round(f.value * scale, 6), "money", f.decimals, None, f.qualifier, scale, unit)


_TOTAL_ROW = re.compile(r"^(?:tổng cộng|tổng số|tổng|cộng|toàn (?:tỉnh|huyện|thành phố|xã|phường))\b", re.IGNORECASE)


_ROW_SPAN = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*[–-]\s*(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _row_periods(t: Table) -> list[str | None]:
    """Each row's own period when a cell states one ('19/10 – 25/10/2026'); a total row after such rows
    covers them all ('Cộng 4 tuần'). None for a row that states none."""
    out: list[str | None] = []
    spans: list[tuple[str, str]] = []
    for row in t.rows:
        m = next((m for c in row if (m := _ROW_SPAN.search(c or ""))), None)
        if m:
            d1, m1, y1, d2, m2, y2 = m.groups()
            start, end = f"{y1 or y2}-{int(m1):02d}-{int(d1):02d}", f"{y2}-{int(m2):02d}-{int(d2):02d}"
            spans.append((start, end))
            out.append(f"{start}/{end}")
        elif spans and _TOTAL_ROW.match(" ".join(c for c in row[:2] if c).strip()):
            out.append(f"{min(a for a, _ in spans)}/{max(b for _, b in spans)}")
        else:
            out.append(None)
    return out


_RESULT_HEADER = ("kết quả", "thực hiện", "lũy kế", "luỹ kế", "đạt được")


def _is_indicator_table(t: Table) -> bool:
    h = [x.lower() for x in t.header]
    target = [i for i, x in enumerate(h) if "mục tiêu" in x or "kế hoạch" in x or "chỉ tiêu giao" in x]
    return bool(target) and any(any(k in x for k in _RESULT_HEADER) for i, x in enumerate(h) if i not in target)


def _indicator_columns(t: Table) -> tuple[int | None, int | None, int, int]:
    h = [x.lower() for x in t.header]
    target = next(i for i, x in enumerate(h) if "mục tiêu" in x or "kế hoạch" in x or "chỉ tiêu giao" in x)
    result = next(i for i, x in enumerate(h) if any(k in x for k in _RESULT_HEADER) and i != target)
    label = next((i for i, x in enumerate(h) if "chỉ tiêu" in x and i != target), 1 if len(h) > 1 else None)
    unit = next((i for i, x in enumerate(h) if "đơn vị" in x), None)
    return label, unit, target, result


def _one_numeric_column(t: Table) -> bool:
    """A table listing units with one figure each ('| 1 | Xã A | 9.806 |'): its title's figure is their total."""
    numeric = {j for row in t.rows for j, c in enumerate(row) if j > 0 and re.fullmatch(r"\s*[\d.,]+\s*", c or "")}
    return len(t.rows) >= 2 and len(numeric) == 1


_STATUS_HEADER = ("tiến độ", "kết quả thực hiện", "tình trạng", "trạng thái", "tình hình thực hiện", "kết quả")
_DEADLINE_HEADER = ("thời hạn", "thời gian", "hạn hoàn thành", "ngày hoàn thành")
_TASK_WORDS = ("nhiệm vụ", "nội dung", "công việc", "tên")


def _statuses(t: Table, i: int) -> tuple[int, int]:
    """How many of a column's non-empty cells read as a task status, and how many there are."""
    values = [r[i] for r in t.rows if i < len(r) and r[i].strip()]
    return sum(1 for v in values if any(rx.search(v) for rx in _STATUS.values())), len(values)


def _status_column(t: Table) -> int | None:
    """The column holding each task's status: named so ('Tiến độ', 'Tình hình thực hiện', …) with at least
    half its cells a status, or — wherever it stands — a column whose cells are all statuses, in a table
    that also has a deadline or task column. None when the table is not a task list."""
    h = [x.lower() for x in t.header]
    for i, x in enumerate(h):
        hits, n = _statuses(t, i)
        if any(k in x for k in _STATUS_HEADER) and n and hits >= n / 2:
            return i
    listed = any(any(k in x for k in _DEADLINE_HEADER + _TASK_WORDS) for x in h)
    for i in range(t.n_cols):
        hits, n = _statuses(t, i)
        if listed and n >= 2 and hits == n:
            return i
    return None


def _name_column(t: Table, status: int | None) -> int:
    """The column that names each task: the one whose header says so, else the one with the longest text."""
    h = [x.lower() for x in t.header]
    named = [i for i, x in enumerate(h) if i != status and any(k in x for k in _TASK_WORDS)
             and not any(k in x for k in _DEADLINE_HEADER)]
    if named:
        return named[0]
    lengths = [(sum(len(r[i]) for r in t.rows if i < len(r)), i) for i in range(t.n_cols) if i != status]
    return max(lengths)[1] if lengths else 0
