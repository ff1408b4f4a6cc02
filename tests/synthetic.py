"""Synthetic report series for tests, made by perturbing a seed report's text.

Everything here writes under a test's ``tmp_path`` (never into data/raw/) and every file it makes
starts with :data:`LABEL`, so a synthetic report can never be mistaken for a real one.
"""
from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

LABEL = ("[DỮ LIỆU TỔNG HỢP ĐỂ KIỂM THỬ: báo cáo giả lập từ một báo cáo mẫu, không phải văn bản thật / "
         "SYNTHETIC TEST DATA derived from a seed report]")

_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_LONG = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def _shift(d: int, m: int, y: int, days: int) -> date:
    return date(y, m, d) + timedelta(days=days)


def shift_dates(text: str, days: int) -> str:
    """Every dd/mm/yyyy and 'ngày d tháng m năm yyyy' date moved by ``days``."""
    def dmy(m: re.Match) -> str:
        try:
            d = _shift(int(m.group(1)), int(m.group(2)), int(m.group(3)), days)
        except ValueError:
            return m.group(0)
        return f"{d.day:02d}/{d.month}/{d.year}"

    def long(m: re.Match) -> str:
        try:
            d = _shift(int(m.group(1)), int(m.group(2)), int(m.group(3)), days)
        except ValueError:
            return m.group(0)
        return f"ngày {d.day:02d} tháng {d.month} năm {d.year}"

    return _LONG.sub(long, _DMY.sub(dmy, text))


def insert_after(text: str, anchor: str, lines: list[str]) -> str:
    """Insert paragraphs (blank-line separated) after the first line matching the regex ``anchor``."""
    out = text.split("\n")
    for i, line in enumerate(out):
        if re.search(anchor, line):
            block = []
            for extra in lines:
                block += ["", extra]
            return "\n".join(out[: i + 1] + block + out[i + 1:])
    raise AssertionError(f"anchor {anchor!r} not found in the seed")


def make_report(seed_text: str, *, days: int = 0, after: dict[str, list[str]] | None = None) -> str:
    """One synthetic report: the seed with its dates shifted and paragraphs inserted after anchors."""
    text = shift_dates(seed_text, days) if days else seed_text
    for anchor, lines in (after or {}).items():
        text = insert_after(text, anchor, lines)
    return f"{LABEL}\n\n{text}"


def make_ward(root: Path, slug: str, reports: list[str], *, ward: str, level: str = "xã",
              province: str | None = None, suffix: str = ".txt") -> Path:
    """A project under ``root`` (data/raw/<slug>/, parameters/<slug>.yaml) holding ``reports``
    as synthetic-01, synthetic-02, ... (file names sort oldest first). Returns the ward folder."""
    folder = root / "data" / "raw" / slug
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(reports, start=1):
        (folder / f"synthetic-{i:02d}{suffix}").write_text(text, encoding="utf-8")
    (root / "parameters").mkdir(parents=True, exist_ok=True)
    params = {"ward": ward, "slug": slug, "level": level, "province": province, "sources": []}
    (root / "parameters" / f"{slug}.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return folder


def copy_project(src_root: Path, dest: Path, slugs: list[str] | None = None) -> Path:
    """A copy of a project's parameters/, data/raw/ and notebooks/ (the inputs) under ``dest``."""
    for sub in ("parameters", "notebooks"):
        if (src_root / sub).is_dir():
            shutil.copytree(src_root / sub, dest / sub, dirs_exist_ok=True)
    raw = src_root / "data" / "raw"
    for folder in sorted(p for p in raw.iterdir() if p.is_dir()):
        if slugs is None or folder.name in slugs:
            shutil.copytree(folder, dest / "data" / "raw" / folder.name)
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (dest / "reports").mkdir(parents=True, exist_ok=True)
    return dest
