"""The official list of units (catalogue/units.py): its size, its codes, its lookups, its pin."""
from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

from wardaudit.catalogue.units import official_units, province_key, split_level

REPO = Path(__file__).resolve().parents[2]


def test_the_list_holds_34_provinces_and_3321_units():
    units = official_units()
    assert len(units.provinces) == 34
    assert len(units.units) == 3321
    assert len({u.code for u in units.units}) == 3321
    assert {u.level for u in units.units} == {"xã", "phường", "đặc khu"}
    assert all(re.fullmatch(r"\d{5}", u.code) for u in units.units)
    assert len(units.in_province("Thái Nguyên")) == 92
    assert len(units.in_province("Thành phố Hải Phòng")) == 114


def test_its_package_version_is_pinned_in_the_lock():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.search(r"^vietnam-provinces==(\S+)$", lock, re.MULTILINE)
    assert pinned, "vietnam-provinces is not pinned in requirements.lock"
    assert importlib.metadata.version("vietnam-provinces") == pinned.group(1)
    assert official_units().package == f"vietnam-provinces {pinned.group(1)}"


@pytest.mark.parametrize("code, name, level, province", [
    ("05899", "Trung Thành", "phường", "Thái Nguyên"),
    ("05800", "Phú Thịnh", "xã", "Thái Nguyên"),
    ("01981", "Vĩnh Thông", "xã", "Thái Nguyên"),
    ("11284", "Nam Thanh Miện", "xã", "Hải Phòng"),
])
def test_the_seed_units_codes(code, name, level, province):
    units = official_units()
    u = units.by_code(code)
    assert (u.name, u.level, u.province) == (name, level, province)
    assert units.find(name, level, province) == [u]


def test_one_name_several_units_and_how_to_tell_them_apart():
    units = official_units()
    three = units.find("Trung Thành")
    assert [u.code for u in three] == ["05899", "14872", "29659"]
    communes = units.find("Xã Trung Thành")  # the level word narrows like level=
    assert [(u.province, u.code) for u in communes] == [("Thanh Hóa", "14872"), ("Vĩnh Long", "29659")]
    assert units.find("Trung Thành", province="Vĩnh Long")[0].describe() == "Xã Trung Thành, Vĩnh Long (mã 29659)"
    assert units.find("Trung Thành", "phường", "Vĩnh Long") == []


def test_names_compare_without_diacritics_and_misspellings_find_neighbours():
    units = official_units()
    assert [u.code for u in units.find("phu thinh", province="thai nguyen")] == ["05800"]
    assert units.by_code(5800).code == "05800" and units.by_code("99999") is None
    assert units.near("Phu Tinh", "Thái Nguyên")[0].code == "05800"
    assert province_key("TP. Hải Phòng") == province_key("Thành phố Hải Phòng") == "hai phong"
    assert units.province("hai phong").full_name == "Thành phố Hải Phòng"
    assert units.province("Bắc Kạn") is None  # merged in 2025: not a province any more
    assert split_level("Đặc khu Cô Tô") == ("đặc khu", "Cô Tô")
