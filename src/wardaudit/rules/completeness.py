"""COMPL: is there anything to verify, and are the outline's required sections there?"""
from __future__ import annotations

import re
from functools import lru_cache

from wardaudit.catalogue import read_yaml
from wardaudit.rules.base import AuditContext, Rule, rule


@lru_cache(maxsize=1)
def outline_profiles() -> dict:
    return read_yaml("outlines.yaml")


@rule("COMPL001")
def has_figures(rule: Rule, ctx: AuditContext):
    """A progress report must give figures an auditor can verify: counts or amounts of a known
    metric (dossiers, procedures, tasks, budget …). Percentages alone cannot be checked. Proves the
    report gives nothing checkable; cannot say which figures were expected.

    Strength: not a relation; reports what can be checked at all (warning).

    Okay: Tổng số hồ sơ tiếp nhận là 120 hồ sơ.
    Fail: Công tác chuyển đổi số được quan tâm, đạt kết quả tích cực.
    """
    checkable = [f for f in ctx.facts if f.metric and f.kind in ("count", "money", "ratio") and f.metric != "tasks.row"]
    yield rule.check(bool(checkable),
                 f"Có {len(checkable)} số liệu định lượng có thể đối chiếu" if checkable else
                 "Báo cáo không có số liệu định lượng nào có thể đối chiếu (chỉ có nhận định chung)"
                 " / no quantitative indicator",
                 {"actual": len(checkable)}, [])


@rule("COMPL002")
def required_sections(rule: Rule, ctx: AuditContext):
    """The reporting outline (catalogue/outlines.yaml; chosen per ward by `outline_profile`, or by the
    report kind when 'auto') lists sections a report must have; each is found by keywords in the
    headings. Proves a required heading is absent; cannot judge what the section says.

    Strength: not a relation; compares the outline with the expected sections (warning).

    Okay: I. KẾT QUẢ THỰC HIỆN\\n\\nNội dung.\\n\\nII. KHÓ KHĂN, VƯỚNG MẮC\\n\\nNội dung.\\n\\nIII. NHIỆM VỤ THỜI GIAN TỚI\\n\\nNội dung.\\n\\nIV. KIẾN NGHỊ\\n\\nNội dung.
    Fail: I. KẾT QUẢ THỰC HIỆN\\n\\nNội dung.\\n\\nII. KIẾN NGHỊ\\n\\nNội dung.
    """  # noqa: E501 - report sentences kept whole
    profiles = outline_profiles()
    name = ctx.outline_profile
    if name == "auto":
        name = profiles["by_kind"].get(ctx.meta.kind or "", profiles["default"])
    profile = profiles["profiles"].get(name)
    if profile is None:
        yield rule.failed(f"Không có đề cương '{name}' / unknown outline profile", {}, [])
        return
    titles = " | ".join(f"{s.number} {s.title}".lower() for s in ctx.document.walk_sections())
    for item in profile:
        ok = any(k in titles for k in item["any"])
        yield rule.check(ok,
                     f"Mục '{item['name']}' "
                     + ("có trong báo cáo" if ok else "không có trong báo cáo / required section missing")
                     + f" (đề cương {name})", {"actual": item["name"]}, [], key=f"outline:{item['name']}")


_BLANK_FIELD = re.compile(r"\b(tỷ lệ|tỉ lệ)\s*(?::\s*)?(?=[(;,.]|$)", re.IGNORECASE | re.MULTILINE)


@rule("COMPL003")
def blank_fields(rule: Rule, ctx: AuditContext):
    """A field of the reporting template left without its figure ('đã giải ngân: 0 đồng, tỷ lệ (trong đó …)')
    is a figure the auditor cannot check. Proves the label has no value; cannot tell whether the figure
    was unknown or forgotten.

    Strength: not a relation; a blank field in the text itself (warning).

    Okay: Đã giải ngân 100 triệu đồng, tỷ lệ 50%.
    Fail: Đã giải ngân 100 triệu đồng, tỷ lệ (trong đó: vốn tỉnh 100 triệu đồng).
    """
    from wardaudit.model.findings import Evidence

    found = False
    for b in ctx.document.blocks:
        if b.kind != "paragraph":
            continue
        for m in _BLANK_FIELD.finditer(b.text):
            found = True
            start = max(0, m.start() - 80)
            yield rule.failed(
                         f"Trường '{m.group(1)}' bỏ trống, không có số liệu / the field has no figure",
                         {}, [Evidence(section=b.section_label, quote=b.text[start:m.end() + 40].strip(),
                                       page=b.location.page, line=b.location.line, file=ctx.document.source,
                                       figure=m.group(1))],
                         key=f"blank:{b.section_label}:{' '.join(b.text[max(0, m.start() - 60):m.end()].split())}")
    if not found:
        yield rule.passed("Không có trường 'tỷ lệ' nào bị bỏ trống", {}, [])
