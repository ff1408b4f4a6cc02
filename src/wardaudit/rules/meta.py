"""META: the report's identity — number, date, the ward's name, the signer."""
from __future__ import annotations

from wardaudit.model.findings import Evidence
from wardaudit.model.report import NameVariant, SourceLine
from wardaudit.rules.base import AuditContext, Rule, rule
from wardaudit.vi.names import fold


def _head_evidence(ctx: AuditContext, line: SourceLine | None) -> list[Evidence]:
    if not line:
        return []
    return [Evidence(section="", quote=line.text, page=line.page, line=line.line, file=ctx.document.source)]


@rule("META001")
def report_number(rule: Rule, ctx: AuditContext):
    """A report must carry its number ('Số: 12/BC-UBND'). Proves the number field is blank or absent;
    cannot tell whether the number, when present, is the right one.

    Strength: not a relation; the header as written (warning).

    Okay: Số: 15/BC-UBND\\n\\nBÁO CÁO\\n\\nKết quả tháng 5
    Fail: Số: /BC-UBND\\n\\nBÁO CÁO\\n\\nKết quả tháng 5
    """
    number = ctx.meta.number
    yield rule.check(bool(number),
                 f"Số hiệu báo cáo: {number}" if number
                 else "Báo cáo chưa ghi số hiệu (Số: /...) / report number is blank",
                 {"actual": number}, _head_evidence(ctx, ctx.meta.number_line))


@rule("META002")
def report_date(rule: Rule, ctx: AuditContext):
    """The place-and-date line must give day, month and year. Proves a blank day or month (e.g.
    'ngày tháng 6 năm 2026'); cannot check that the date is plausible for the period.

    Strength: not a relation; the date line as written (warning).

    Okay: Hà Nội, ngày 12 tháng 6 năm 2026\\n\\nBÁO CÁO
    Fail: Hà Nội, ngày tháng 6 năm 2026\\n\\nBÁO CÁO
    """
    parts = ctx.meta.date_parts
    if parts is None:
        yield rule.failed("Không tìm thấy dòng địa danh, ngày tháng / no place-and-date line",
                     {}, [], key="date")
        return
    missing = parts.missing
    names = {"day": "ngày", "month": "tháng", "year": "năm"}
    yield rule.check(not missing,
                 f"Ngày báo cáo: {ctx.meta.date}" if not missing else
                 "Ngày báo cáo để trống " + ", ".join(names[m] for m in missing) + " / date is missing its "
                 + ", ".join(missing), {"actual": {"day": parts.day, "month": parts.month, "year": parts.year}},
                 _head_evidence(ctx, ctx.meta.date_line), key="date")


@rule("META003")
def ward_name_spelling(rule: Rule, ctx: AuditContext):
    """The ward's name must be spelt the same everywhere; diacritics count ('Trung' and 'Trưng' are
    different names). Proves two spellings that fold to the same letters without diacritics, or the
    name in parameters/ differing from the report. Cannot know which spelling is right.

    Strength: explicit — the text spells one unit two ways → warning.

    Okay: UBND xã Hòa An báo cáo.\\n\\nTrên địa bàn xã Hòa An có 3 thôn.
    Fail: UBND xã Hòa An báo cáo.\\n\\nTrên địa bàn xã Hoà Ăn có 3 thôn.
    """
    variants = ctx.meta.name_variants
    main = ctx.meta.ward_name
    expected = ctx.meta.expected_ward
    if expected and any(fold(v.name) == fold(expected) for v in variants):
        main = expected  # the name in parameters/ is how the ward is spelt
    if not main:
        return
    folded = fold(main)
    close = [v for v in variants if v.name != main and fold(v.name) == folded]
    evidence = []
    for v in [next((x for x in variants if x.name == main), NameVariant(main, 0))] + close:
        page, line = v.locations[0] if v.locations else (None, None)
        evidence.append(Evidence(section="", quote=v.name, page=page, line=line,
                                 file=ctx.document.source, figure=v.name))
    names = ", ".join(f"'{v.name}' ({v.count} lần)" for v in [NameVariant(main, sum(
        x.count for x in variants if x.name == main))] + close)
    yield rule.check(not close,
                 f"Tên đơn vị viết thống nhất: '{main}'" if not close else
                 f"Tên đơn vị viết khác nhau: {names} / the ward's name is spelt differently",
                 {"expected": main, "actual": [v.name for v in close]}, evidence, key="ward-name")


@rule("META004")
def signer(rule: Rule, ctx: AuditContext):
    """The report must be signed: a signing title (TM./KT. CHỦ TỊCH …) followed by a name. Proves the
    name is missing; cannot verify the signer's authority.

    Strength: not a relation; the signature block as written (warning).

    Okay: Nội dung.\\n\\nKT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH\\n\\nNguyễn Văn An
    Fail: Nội dung.\\n\\nKT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH
    """
    name = ctx.meta.signer
    title = ctx.meta.signer_title
    yield rule.check(bool(name),
                 f"Người ký: {name}" if name
                 else (f"Có chức danh '{title}' nhưng không có tên người ký / no signer's name"
                                                   if title else "Không có phần ký / the report is not signed"),
                 {"actual": name}, [])


@rule("META005")
def expected_ward(rule: Rule, ctx: AuditContext):
    """The report in a ward's folder should be that ward's: compares the name in parameters/ with
    the name the report uses most. Cannot run without parameters (skipped).

    Strength: explicit — the report names its unit; parameters/ names the expected one → warning.

    Okay: UBND xã Hòa An báo cáo kết quả.
    """
    expected = ctx.ward
    found = ctx.meta.ward_name
    if not expected or not found:
        return
    ok = found == expected or fold(found) == fold(expected)
    yield rule.check(ok,
                 f"Báo cáo của '{found}' đúng với tham số" if ok else
                 f"Báo cáo ghi tên '{found}' nhưng thư mục là của '{expected}' / report names another ward",
                 {"expected": expected, "actual": found}, [], key="wrong-ward")
