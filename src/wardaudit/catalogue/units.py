"""The official list of Vietnam's commune-level units: 34 provinces and 3,321 xã, phường and đặc khu
after the reorganisation of 1 July 2025, each with the statistics office's 5-digit code.

The list comes from the ``vietnam-provinces`` package (pinned in requirements.lock; its data is
the General Statistics Office's list, shipped inside the package, so nothing is downloaded at run
time). This module is the only one that imports it: the rest of wardaudit asks for :class:`Unit`
and :class:`Province` values here, so that replacing the package (its licence is GPL-3.0-or-later,
see README "The official list of units") means rewriting :func:`_load` alone.

Names are compared folded (lowercase, without diacritics: :func:`wardaudit.vi.names.fold`), so
'Tan An' finds 'Tân An'; a province is named with or without 'Tỉnh'/'Thành phố'.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from wardaudit.vi.names import fold

LEVELS = ("xã", "phường", "đặc khu")
_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_LEVEL_PREFIX = re.compile(r"^(xã|phường|đặc khu)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city: its 2-digit code, its name ('Hải Phòng') and full name
    ('Thành phố Hải Phòng')."""

    code: str
    name: str
    full_name: str


@dataclass(frozen=True)
class Unit:
    """A commune-level unit: its 5-digit code, its name without the level ('Tân An'), its level
    (xã, phường or đặc khu) and its province's name and code."""

    code: str
    name: str
    level: str
    province: str
    province_code: str

    @property
    def full_name(self) -> str:
        """'Xã Tân An', as the official list writes it."""
        return f"{self.level[:1].upper()}{self.level[1:]} {self.name}"

    def describe(self) -> str:
        """'Xã Tân An, Tây Ninh (mã 12345)': enough to tell two units of one name apart."""
        return f"{self.full_name}, {self.province} (mã {self.code})"


def province_key(name: str) -> str:
    """A province's name folded, without 'Tỉnh'/'Thành phố': 'TP. Hải Phòng' → 'hai phong'."""
    return fold(_PROVINCE_PREFIX.sub("", " ".join(name.split())))


def split_level(name: str) -> tuple[str | None, str]:
    """('xã', 'Tân An') for 'Xã Tân An'; (None, name) when the name does not start with a level."""
    name = " ".join(name.split())
    m = _LEVEL_PREFIX.match(name)
    return (m.group(1).lower(), name[m.end():]) if m else (None, name)


@dataclass(frozen=True)
class UnitList:
    """The official list, with its lookups (by code, by name, level and province, by province)."""

    provinces: tuple[Province, ...]
    units: tuple[Unit, ...]
    package: str  # the package and its version, e.g. 'vietnam-provinces 2025.10.1'
    data_version: str
    _by_code: dict[str, Unit] = field(default_factory=dict, repr=False, compare=False)
    _by_name: dict[str, list[Unit]] = field(default_factory=dict, repr=False, compare=False)
    _provinces: dict[str, Province] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for u in self.units:
            self._by_code[u.code] = u
            self._by_name.setdefault(fold(u.name), []).append(u)
        for p in self.provinces:
            self._provinces[province_key(p.name)] = p
            self._provinces[p.code] = p

    def by_code(self, code: str | int | None) -> Unit | None:
        """The unit of a 5-digit code ('05899'; an int is zero-padded), None when there is none."""
        if code is None:
            return None
        text = f"{code:05d}" if isinstance(code, int) else str(code).strip()
        return self._by_code.get(text)

    def province(self, name: str | None) -> Province | None:
        """The province named ``name`` ('Hải Phòng', 'Thành phố Hải Phòng', 'hai phong') or by its code."""
        if not name:
            return None
        return self._provinces.get(name.strip()) or self._provinces.get(province_key(name))

    def in_province(self, name: str | None) -> list[Unit]:
        """Every unit of a province, by code; [] for a name that is not a province."""
        p = self.province(name)
        return [u for u in self.units if p is not None and u.province_code == p.code]

    def find(self, name: str, level: str | None = None, province: str | None = None) -> list[Unit]:
        """Units whose name folds to ``name`` ('Tan An' finds 'Tân An'), narrowed by level and
        province when given; a leading level word in ``name`` ('Xã Tân An') narrows as ``level`` does."""
        named_level, bare = split_level(name)
        level = (level or named_level or "").lower() or None
        found = self._by_name.get(fold(bare), [])
        if level:
            found = [u for u in found if u.level == level]
        if province:
            p = self.province(province)
            found = [u for u in found if p is not None and u.province_code == p.code]
        return sorted(found, key=lambda u: u.code)

    def near(self, name: str, province: str | None = None, n: int = 3) -> list[Unit]:
        """Up to ``n`` units whose folded name is closest to ``name`` (a misspelling, a typo), within
        ``province`` when given."""
        pool: Iterable[Unit] = self.in_province(province) if province else self.units
        by_key: dict[str, list[Unit]] = {}
        for u in pool:
            by_key.setdefault(fold(u.name), []).append(u)
        keys = difflib.get_close_matches(fold(split_level(name)[1]), list(by_key), n=n, cutoff=0.75)
        return [u for k in keys for u in sorted(by_key[k], key=lambda u: u.code)][:n]


def _load() -> UnitList:
    """The list as the ``vietnam-provinces`` package ships it (its nested JSON file)."""
    import vietnam_provinces as vp

    data = json.loads(vp.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    provinces, units = [], []
    for p in data:
        prov = Province(code=f"{int(p['code']):02d}", name=_PROVINCE_PREFIX.sub("", p["name"]), full_name=p["name"])
        provinces.append(prov)
        for w in p["wards"]:
            level = str(w["division_type"])
            units.append(Unit(code=f"{int(w['code']):05d}", name=w["name"][len(level):].strip(), level=level,
                              province=prov.name, province_code=prov.code))
    return UnitList(provinces=tuple(provinces), units=tuple(sorted(units, key=lambda u: u.code)),
                    package=f"vietnam-provinces {vp.__version__}", data_version=str(vp.__data_version__))


@lru_cache(maxsize=1)
def official_units() -> UnitList:
    """The official list, read once per process (about 0.1 s)."""
    return _load()
