"""Which official unit a report belongs to: its name and level as the header gives them, the province
its text names, and the folder it was filed in.

:func:`resolve_unit` settles on one unit of the official list (:mod:`wardaudit.catalogue.units`)
or says why it cannot: no unit of that name, or several (an 'Tân An' in ten provinces), listing
them so that the auditor chooses. The folder decides when it names a unit (its code, or the
unit's name without diacritics, 'tan-an', 'xa-tan-an'): the report inside may be a copy of
another unit's, and that is a finding (META005), not a reason to bind the folder elsewhere.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from wardaudit.catalogue.units import Province, Unit, UnitList, official_units
from wardaudit.vi.names import fold

_PROVINCE_LEAD = ("tinh", "thanh pho", "tp", "thu do")
_LEVEL_SLUG = re.compile(r"^(?:xa|phuong|dac-khu)-")


@dataclass(frozen=True)
class Binding:
    """What :func:`resolve_unit` found: the unit when settled, else the candidates and why not."""

    unit: Unit | None
    name: str | None = None  # the folder's unit's name when it names one, else the report's
    level: str | None = None
    province: str | None = None  # the province the text names most
    candidates: tuple[Unit, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    by_folder: bool = False  # the folder's name points at the unit (not only the report inside)

    @property
    def settled(self) -> bool:
        return self.unit is not None


def named_province(text: str, units: UnitList | None = None) -> str | None:
    """The province the text names most after 'tỉnh', 'thành phố', 'TP' or 'Thủ đô'; None on a tie
    or when it names none."""
    units = units or official_units()
    folded = f" {fold(text)} "
    counts: Counter[str] = Counter()
    for p in units.provinces:
        key = fold(p.name)
        counts[p.name] = sum(folded.count(f" {lead} {key} ") for lead in _PROVINCE_LEAD)
    top = counts.most_common(2)
    if not top or top[0][1] == 0 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


def folder_units(slug: str, units: UnitList, province: Province | None) -> list[Unit]:
    """Units the folder name points at: a 5-digit code in it, or the unit's folded name
    ('tan-an', 'xa-tan-an'), narrowed to ``province`` when several share the name."""
    code = re.search(r"(?<!\d)\d{5}(?!\d)", slug)
    if code and units.by_code(code.group()):
        return [units.by_code(code.group())]
    bare = _LEVEL_SLUG.sub("", slug).replace("-", " ")
    level = {"xa": "xã", "phuong": "phường", "dac": "đặc khu"}.get(slug.split("-")[0]) if bare != slug else None
    found = units.find(bare, level=level)
    if len(found) > 1 and province is not None:
        found = [u for u in found if u.province_code == province.code] or found
    return found


def _narrow(found: list[Unit], level: str | None, province: Province | None) -> list[Unit]:
    """The candidates of the report's level and province, when that leaves any."""
    for keep in (lambda u: u.level == level and province is not None and u.province_code == province.code,
                 lambda u: province is not None and u.province_code == province.code,
                 lambda u: u.level == level):
        narrowed = [u for u in found if keep(u)]
        if narrowed:
            return narrowed
    return found


def resolve_unit(slug: str, name: str | None, level: str | None, text: str,
                 units: UnitList | None = None) -> Binding:
    """The official unit of the folder ``slug`` whose report names ``name`` at ``level`` and whose
    ``text`` names a province (see the module's docstring)."""
    units = units or official_units()
    province_name = named_province(text, units)
    province = units.province(province_name)
    by_report = _narrow(units.find(name), level, province) if name else []
    by_folder = folder_units(slug, units, province)
    notes: list[str] = []
    if by_folder and by_report and not set(by_folder) & set(by_report):
        notes.append(f"báo cáo ghi tên {by_report[0].full_name}, thư mục là của {by_folder[0].full_name} / "
                     "the report names another unit than its folder")
    both = [u for u in by_report if u in by_folder]
    candidates = both or by_folder or by_report
    shown = by_folder[0].name if by_folder else name  # the name the file should carry
    if len(candidates) == 1:
        return Binding(candidates[0], shown, level, province_name, tuple(candidates), tuple(notes),
                       by_folder=candidates[0] in by_folder)
    if not candidates:
        near = units.near(name or slug.replace("-", " "), province_name)
        why = f"không có đơn vị tên '{name or slug}' trong danh mục / no unit of that name in the official list"
        return Binding(None, shown, level, province_name, tuple(near), (*notes, why))
    why = f"{len(candidates)} đơn vị cùng tên '{shown}' / {len(candidates)} units share the name"
    return Binding(None, shown, level, province_name, tuple(candidates), (*notes, why))
