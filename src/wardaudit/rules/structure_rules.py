"""STRUCT: numbering, appendices cited and present, declared counts, pasted-twice content."""
from __future__ import annotations

import re
from collections import Counter

from wardaudit.ingest.structure import roman_to_int
from wardaudit.model.findings import Evidence
from wardaudit.rules.base import AuditContext, Rule, rule
from wardaudit.vi.text import shorten


def _ordinal(number: str) -> tuple[str, int] | None:
    if number.startswith("Phần"):
        tail = number.split()[-1]
        v = int(tail) if tail.isdigit() else roman_to_int(tail)
        return ("part", v) if v else None
    if number.endswith(")"):
        return "letter", ord(number[0]) - ord("a") + 1 if number[0] != "đ" else 5
    if number.isdigit() or re.fullmatch(r"\d+(\.\d+)+", number):
        return "arabic", int(number.split(".")[-1])
    v = roman_to_int(number)
    return ("roman", v) if v else None


def _sec_ev(ctx, s) -> Evidence:
    return Evidence(section=" > ".join(s.path), quote=f"{s.number}. {s.title}".strip(), page=s.location.page,
                    line=s.location.line, file=ctx.document.source, figure=s.number)


@rule("STRUCT001")
def numbering(rule: Rule, ctx: AuditContext):
    """Sibling headings must be numbered 1, 2, 3 … (I, II, III …; a), b) …) without a gap or a
    repeat. Proves a skipped or repeated number among siblings of the same style; cannot tell a
    missing section from a mistyped number. A numbered item written as a long sentence is read as a
    paragraph, not a heading ('4. Hoàn thành các nhiệm vụ … theo đúng thời hạn.'): its number still
    fills its place among the headings beside it.

    Strength: explicit — the numbering as written (warning).

    Okay: I. KẾT QUẢ\\n\\n1. Chỉ đạo\\n\\nNội dung.\\n\\n2. Thực hiện\\n\\nNội dung.\\n\\nII. KIẾN NGHỊ\\n\\nNội dung.
    Fail: I. KẾT QUẢ\\n\\n1. Chỉ đạo\\n\\nNội dung.\\n\\n3. Thực hiện\\n\\nNội dung.\\n\\nII. KIẾN NGHỊ\\n\\nNội dung.
    """
    def check(children, parent_label, parent_path=()):
        groups: dict[str, list] = {}
        for s in children:
            o = _ordinal(s.number)
            if o:
                groups.setdefault(o[0], []).append((o[1], s))
        items_as_text = _numbered_paragraphs(ctx, parent_path)
        for style, items in groups.items():
            values = [v for v, _ in items]
            if style == "arabic":  # the numbers of long items read as paragraphs fill the gaps
                values = sorted(set(values) | items_as_text) if len(set(values)) == len(values) else values
            expected = list(range(values[0], values[0] + len(values))) if values else []
            ok = values == expected and (values[0] == 1 if values else True)
            bad = [s for (v, s), e in zip(items, expected, strict=False) if v != e and v not in expected] \
                or ([items[0][1]] if not ok else [])
            nums = ", ".join(s.number for _, s in items)
            filled = sorted(set(values) - {v for v, _ in items})
            nums += f" ({', '.join(map(str, filled))}: mục viết thành đoạn văn)" if filled else ""
            yield rule.check(ok,
                         f"Đánh số mục {parent_label}: {nums}"
                         + ("" if ok else " — bị nhảy hoặc lặp / numbering skips or repeats"),
                         {"actual": [s.number for _, s in items]},
                         [_sec_ev(ctx, s) for s in (bad if not ok else [x for _, x in items[:1]])],
                         key=f"numbering:{parent_label}:{style}")
        for s in children:
            if s.children:
                yield from check(s.children, " > ".join(s.path), s.path)
    yield from check(ctx.document.sections, "gốc")


def _numbered_paragraphs(ctx: AuditContext, parent: tuple) -> set[int]:
    """The numbers of items '4. …' written as paragraphs directly under ``parent`` (or under one of its
    numbered children, where the reader leaves them)."""
    out = set()
    for b in ctx.document.blocks:
        m = re.match(r"^\s*(\d{1,2})\.\s+\S", b.text) if b.kind == "paragraph" and not b.appendix else None
        if m and b.section[:len(parent)] == parent and len(b.section) in (len(parent), len(parent) + 1):
            out.add(int(m.group(1)))
    return out


@rule("STRUCT002")
def appendix_cited_present(rule: Rule, ctx: AuditContext):
    """Every appendix the body cites ('Có Phụ lục IX kèm theo') must be attached. Proves a cited id
    with no appendix heading; cannot judge an appendix's content.

    Strength: explicit — an appendix cited in the text and the appendices attached.

    Okay: Kết quả (Có Phụ lục I kèm theo).\\n\\nPhụ lục I. Danh mục\\n\\nNội dung phụ lục.
    Fail: Kết quả (Có Phụ lục II kèm theo).\\n\\nPhụ lục I. Danh mục\\n\\nNội dung phụ lục.
    """
    present = {a.id for a in ctx.document.appendices}
    seen = set()
    for ref, loc in ctx.document.appendix_refs:
        if ref in seen:
            continue
        seen.add(ref)
        ok = ref in present
        yield rule.check(ok,
                     f"Phụ lục {ref} được nhắc đến và có kèm theo" if ok else
                     f"Phụ lục {ref} được nhắc đến nhưng không có trong báo cáo / appendix {ref} is cited but absent",
                     {"actual": ref}, [Evidence(section="", quote=f"Phụ lục {ref}", page=loc.page, line=loc.line,
                                                file=ctx.document.source, figure=f"Phụ lục {ref}")],
                     key=f"appendix:{ref}")


@rule("STRUCT003")
def appendix_never_cited(rule: Rule, ctx: AuditContext):
    """An attached appendix the body never cites is context for the auditor (it may be stray).
    Proves no citation; cannot tell whether the appendix belongs to this report.

    Strength: explicit — the appendices attached and the citations in the text (info).

    Okay: Kết quả (Có Phụ lục I kèm theo).\\n\\nPhụ lục I. Danh mục\\n\\nNội dung phụ lục.
    Fail: Kết quả thực hiện tốt.\\n\\nPhụ lục I. Danh mục\\n\\nNội dung phụ lục.
    """
    cited = {r for r, _ in ctx.document.appendix_refs}
    for a in ctx.document.appendices:
        ok = a.id in cited
        yield rule.check(ok,
                     f"Phụ lục {a.id} được nhắc đến trong báo cáo" if ok else
                     f"Phụ lục {a.id} ({shorten(a.title, 60)}) không được nhắc đến trong phần báo cáo / never cited",
                     {"actual": a.id}, [Evidence(section=f"Phụ lục {a.id}", quote=f"Phụ lục {a.id}. {a.title}"[:200],
                                                 page=a.location.page, line=a.location.line, file=ctx.document.source)],
                     # the id keeps the basis it had when the message cut the title at 60 characters, so
                     # the auditors' decisions recorded on it still attach
                     key="" if ok else f"Phụ lục {a.id} ({a.title[:60]}) không được nhắc đến trong phần báo cáo "
                                       "/ never cited")


def _listed_rows(ctx, appendix_id):
    rows = []
    tables = ctx.document.tables()
    for a in ctx.document.appendices:
        if a.id == appendix_id:
            for ti in a.tables:
                t = tables[ti]
                for i, r in enumerate(t.rows):
                    if r and re.fullmatch(r"\d{1,3}\.?", r[0].strip()):
                        rows.append((t, i))
    return rows


@rule("STRUCT004")
def declared_counts(rule: Rule, ctx: AuditContext):
    """A count an appendix declares in its title ('(06 nhiệm vụ)'), or the tasks the body says were
    assigned, must equal the numbered rows listed. Proves a mismatch between a stated count and the
    numbered rows; cannot see rows that were never written down.

    Strength: explicit — the declared count and the rows listed → error.

    Okay: Phụ lục 1. Nhiệm vụ (02 nhiệm vụ)\\n\\n| STT | Nhiệm vụ | Tiến độ |\\n|---|---|---|\\n| 1 | Việc A | Hoàn thành |\\n| 2 | Việc B | Đang triển khai |
    Fail: Phụ lục 1. Nhiệm vụ (03 nhiệm vụ)\\n\\n| STT | Nhiệm vụ | Tiến độ |\\n|---|---|---|\\n| 1 | Việc A | Hoàn thành |\\n| 2 | Việc B | Đang triển khai |
    """  # noqa: E501 - report sentences kept whole
    total_rows = 0
    for a in ctx.document.appendices:
        rows = _listed_rows(ctx, a.id)
        total_rows += sum(1 for f in ctx.facts if f.metric == "tasks.row" and any(
            f.line == t.row_location(i).line and f.page == t.row_location(i).page for t, i in rows))
        if a.declared_count is None:
            continue
        ok = len(rows) == a.declared_count
        yield rule.check(ok,
                     f"Phụ lục {a.id} khai báo {a.declared_count}, liệt kê {len(rows)} dòng"
                     + ("" if ok else " / declared count differs from the rows listed"),
                     {"expected": a.declared_count, "actual": len(rows)},
                     [Evidence(section=f"Phụ lục {a.id}", quote=a.title[:200], page=a.location.page,
                               line=a.location.line, file=ctx.document.source, figure=f"{a.declared_count:02d}")],
                     key=f"declared:{a.id}")
    for f in ctx.facts:
        if f.listed is None or f.kind != "count" or not float(f.value).is_integer():
            continue
        ok = int(f.value) == f.listed
        yield rule.at("warning" if f.cue == "liệt kê sau dấu hai chấm" else "error").check(
                     ok, f"Nêu {f.raw} {f.unit or ''} nhưng liệt kê {f.listed} mục".replace("  ", " ") if not ok else
                     f"Nêu {f.raw} {f.unit or ''}, liệt kê đủ {f.listed} mục".replace("  ", " "),
                     {"expected": f.value, "actual": f.listed},
                     [Evidence(section=f.section, quote=f.quote, page=f.page, line=f.line, file=f.file, figure=f.raw)],
                     key=f"declared:{f.metric}:{f.section}:{f.raw}",
                     relation={"kind": "declared_count", "cue": f.cue or "gồm: + danh sách",
                               # items split out of one sentence are a reading of it: a review, not an error
                               "strength": "inferred" if f.cue == "liệt kê sau dấu hai chấm" else "explicit",
                               "scope": f.scope})
    yield from _cited_lists(rule, ctx)
    task_rows = [f for f in ctx.facts if f.metric == "tasks.row"]
    assigned = [f for f in ctx.facts if f.metric == "tasks.assigned" and f.origin == "text"]
    if task_rows and assigned:
        a = assigned[0]
        ok = int(a.value) == len(task_rows)
        yield rule.check(ok,
                     f"Tổng số nhiệm vụ được giao {int(a.value)}; các phụ lục liệt kê {len(task_rows)} nhiệm vụ"
                     + ("" if ok else " / assigned tasks differ from the tasks listed"),
                     {"expected": a.value, "actual": len(task_rows)},
                     [Evidence(section=a.section, quote=a.quote, page=a.page, line=a.line, file=a.file, figure=a.raw)],
                     key="declared:tasks")


_CITED = re.compile(r"\bPhụ lục\s+(?:số\s+)?([IVXLC]{1,6}|\d{1,3})\b", re.IGNORECASE)


def _cited_lists(rule: Rule, ctx: AuditContext):
    """'9 dịch vụ công trực tuyến … (chi tiết tại Phụ lục 03)': a count right before the appendix its sentence
    cites, whose noun the appendix's title or header names, declares how many items that appendix lists."""
    from wardaudit.model.facts import is_target
    from wardaudit.vi.numbers import find_figures

    apps = {a.id: a for a in ctx.document.appendices}
    tables = ctx.document.tables()
    has_tasks = any(f.metric == "tasks.row" for f in ctx.facts)
    for f in ctx.facts:
        if f.origin != "text" or f.kind != "count" or is_target(f) or f.listed is not None \
                or not float(f.value).is_integer() or (has_tasks and f.metric == "tasks.assigned") or f.at is None:
            continue
        after = f.quote[f.at + len(f.raw):]
        m = _CITED.search(after)
        app = apps.get(m.group(1).upper().lstrip("0") or "0") or apps.get(m.group(1).upper()) if m else None
        if app is None or find_figures(after[:m.start()]):
            continue
        words = after.lower().split()
        named = (app.title + " " + " ".join(" ".join(tables[ti].header) for ti in app.tables)).lower()
        noun = next((" ".join(words[:k]) for k in (3, 2) if len(words) >= k and " ".join(words[:k]) in named), None)
        if noun is None:
            continue
        rows = [t.rows[i] for t, i in _listed_rows(ctx, app.id) if not _TOTAL.match(" ".join(t.rows[i][:2]))]
        ok = int(f.value) == len(rows)
        yield rule.check(ok, f"Nêu {f.raw} {noun}; Phụ lục {app.id} liệt kê {len(rows)} mục"
                         + ("" if ok else " / declared count differs from the rows listed"),
                         {"expected": f.value, "actual": len(rows)},
                         [Evidence(section=f.section, quote=f.quote, page=f.page, line=f.line, file=f.file,
                                   figure=f.raw),
                          Evidence(section=f"Phụ lục {app.id}", quote=f"Phụ lục {app.id}. {app.title}"[:200],
                                   page=app.location.page, line=app.location.line, file=ctx.document.source)],
                         key=f"declared-cited:{app.id}:{f.raw}",
                         relation={"kind": "declared_count", "cue": f"chi tiết tại Phụ lục {app.id}",
                                   "strength": "explicit", "scope": f.scope})


_TOTAL = re.compile(r"^\s*(?:tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)


@rule("STRUCT005")
def pasted_twice(rule: Rule, ctx: AuditContext):
    """The same table (same header and the same rows, or most of them) pasted twice is a slip that
    can hide a changed figure. Proves repetition; cannot know which copy is meant.

    Strength: explicit — text repeated verbatim (warning / info).

    Okay: | A | B |\\n|---|---|\\n| 1 | 2 |\\n\\nĐoạn giữa.\\n\\n| C | D |\\n|---|---|\\n| 3 | 4 |
    Fail: | A | B |\\n|---|---|\\n| 1 | 2 |\\n\\nĐoạn giữa.\\n\\n| A | B |\\n|---|---|\\n| 1 | 2 |
    """
    tables = [b for b in ctx.document.blocks if b.kind == "table" and b.table is not None]
    reported = set()
    for i, bi in enumerate(tables):
        for bj in tables[i + 1:]:
            a, b = bi.table, bj.table
            if a.header != b.header or not a.rows or not b.rows:
                continue
            ra = Counter(tuple(r) for r in a.rows)
            rb = Counter(tuple(r) for r in b.rows)
            common = sum((ra & rb).values())
            keys_a = [r[0] for r in a.rows if r and r[0]]
            keys_b = [r[0] for r in b.rows if r and r[0]]
            overlap = common / max(1, min(len(a.rows), len(b.rows)))
            if overlap >= 0.5 or (keys_b and keys_b == keys_a[:len(keys_b)] and len(keys_b) >= 2):
                reported.add(id(bj))
                same = a.rows == b.rows
                yield rule.failed(
                             ("Bảng bị lặp nguyên văn" if same else "Bảng bị lặp với nội dung khác nhau")
                             + f" ({bi.location.label()} và {bj.location.label()}) / table pasted twice",
                             {"actual": len(b.rows), "expected": len(a.rows)},
                             [Evidence(section=bi.section_label, quote=" | ".join(a.header)[:200],
                                       page=bi.location.page, line=bi.location.line, file=ctx.document.source),
                              Evidence(section=bj.section_label, quote=" | ".join(b.header)[:200],
                                       page=bj.location.page, line=bj.location.line, file=ctx.document.source)],
                             key=f"dup-table:{bj.section_label}:{' | '.join(b.header)[:120]}")
    if tables and not reported:
        yield rule.passed(f"{len(tables)} bảng, không bảng nào bị lặp", {}, [])
    seen: dict[str, object] = {}
    for b in ctx.document.blocks:
        if b.kind != "paragraph" or len(b.text) < 120:
            continue
        norm = " ".join(b.text.split())
        if norm in seen:
            first = seen[norm]
            yield rule.at("info").failed(
                         f"Đoạn văn lặp lại nguyên văn ({first.location.label()} và {b.location.label()})"
                         " / passage repeated",
                         {}, [Evidence(section=first.section_label, quote=norm[:200], page=first.location.page,
                                       line=first.location.line, file=ctx.document.source),
                              Evidence(section=b.section_label, quote=norm[:200], page=b.location.page,
                                       line=b.location.line, file=ctx.document.source)],
                         key=f"dup-para:{b.section_label}:{norm[:120]}")
        else:
            seen[norm] = b


_ATTACHED_TO = re.compile(r"Kèm theo\s+(Báo cáo|Công văn|Kế hoạch|Tờ trình|Quyết định|Thông báo)\s+số", re.IGNORECASE)
_TYPE_CODE = {"báo cáo": "BC", "công văn": "UBND", "kế hoạch": "KH", "tờ trình": "TTr", "quyết định": "QĐ",
              "thông báo": "TB"}


@rule("STRUCT006")
def appendix_belongs_to_report(rule: Rule, ctx: AuditContext):
    """Each appendix's 'Kèm theo Báo cáo số …' line must name the same kind of document as the report
    itself (a report's appendix that says 'Kèm theo Công văn số …' was copied from another document).
    Proves the mismatch of document kinds; cannot compare blank numbers.

    Strength: explicit — the appendix's own heading names its document (warning).

    Okay: Số: 12/BC-UBND\\n\\nBÁO CÁO\\n\\nNội dung (Có Phụ lục 1 kèm theo).\\n\\nPhụ lục 1. Danh mục\\n\\n(Kèm theo Báo cáo số 12/BC-UBND)
    Fail: Số: 12/BC-UBND\\n\\nBÁO CÁO\\n\\nNội dung (Có Phụ lục 1 kèm theo).\\n\\nPhụ lục 1. Danh mục\\n\\n(Kèm theo Công văn số 35/UBND)
    """  # noqa: E501 - report sentences kept whole
    is_report = any(b.text.strip().upper().startswith("BÁO CÁO") for b in ctx.document.blocks[:12])
    title_kind = "báo cáo" if is_report else None
    number_line = ctx.meta.number_line.text if ctx.meta.number_line else ""
    if not title_kind and "/BC" in number_line:
        title_kind = "báo cáo"
    if not title_kind:
        return
    for b in ctx.document.blocks:
        if b.kind == "table" or not b.appendix:
            continue
        m = _ATTACHED_TO.search(b.text)
        if not m:
            continue
        kind = m.group(1).lower()
        ok = kind == title_kind
        yield rule.check(ok,
                     f"Phụ lục {b.appendix} kèm theo {m.group(1)}" + ("" if ok else
                     f", nhưng văn bản này là {title_kind} / the appendix names another document"),
                     {"expected": title_kind, "actual": kind},
                     [Evidence(section=b.section_label, quote=b.text[:200], page=b.location.page, line=b.location.line,
                               file=ctx.document.source, figure=m.group(1))], key=f"attached:{b.appendix}")
