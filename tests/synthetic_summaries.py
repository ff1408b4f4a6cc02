"""A project of many synthetic wards with findings and summaries but no reports: for the index and
province pages at scale, in seconds (no notebook). Each summary is made by the real code
(:func:`wardaudit.run.portfolio.summary.summary_of`) from a few template wards, then copied with
its own slug, name, province and counts."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pandas as pd

from wardaudit.project.config import Paths
from wardaudit.run.portfolio.model import WardRecord
from wardaudit.run.portfolio.summary import summary_of
from wardaudit.store import WardStore

RULES = [("FOOT001", "error"), ("FOOT002", "warning"), ("RATE001", "error"), ("XREF001", "warning"),
         ("META005", "warning"), ("TGT001", "info"), ("BUDG001", "error"), ("COMPL001", "warning")]
SYLLABLES = ["An", "Bình", "Cường", "Dương", "Hòa", "Khánh", "Lâm", "Minh", "Ngọc", "Phúc", "Quang", "Sơn"]


def _doc(slug: str, rng: random.Random, errors: int) -> dict:
    checks = []
    for i in range(errors + rng.randint(0, 6)):
        rule, sev = RULES[i % len(RULES)] if i >= errors else ("FOOT001", "error")
        checks.append({"id": f"{rule}-{slug}-{i}", "rule": rule, "status": "fail", "severity": sev,
                       "message": f"Tổng {1000 + i} khác tổng các phần {999 + i} (giả lập)",
                       "values": {"expected": 999 + i, "actual": 1000 + i},
                       "evidence": [{"section": "Phần I > 1", "quote": "Tổng số hồ sơ tiếp nhận là 1.000 hồ sơ",
                                     "page": 1, "line": 10 + i}]})
    checks += [{"id": f"P-{slug}-{i}", "rule": "RATE002", "status": "pass", "severity": "error", "message": "ok",
                "values": {}, "evidence": []} for i in range(rng.randint(5, 30))]
    return {"source": f"data/raw/{slug}/report.txt", "ward": slug,
            "report": {"period": {"start": "2026-01-01", "end": "2026-05-31"}, "kind": "tháng"},
            "checks": checks, "unchecked": {"count": rng.randint(0, 8), "reasons": {}}}


def _facts(slug: str, rng: random.Random) -> pd.DataFrame:
    rows = [("rate.online", round(rng.uniform(60, 100), 1)), ("rate.digitised", round(rng.uniform(50, 100), 1)),
            ("tthc.total", 358)]
    return pd.DataFrame([{"metric": m, "value": v, "unit": "%", "qualifier": None, "scope": None, "section": "I",
                          "quote": f"{m} {v}", "page": 1, "line": i + 1, "file": f"data/raw/{slug}/report.txt"}
                         for i, (m, v) in enumerate(rows)])


def name(i: int) -> str:
    return f"Giả Lập {SYLLABLES[i % len(SYLLABLES)]} {SYLLABLES[(i // len(SYLLABLES)) % len(SYLLABLES)]} {i}"


def write_ward(paths: Paths, slug: str, ward: str, province: str, summary: dict) -> None:
    """parameters/<slug>.yaml, a findings.json and the summary (written after it, so it is current)."""
    (paths.parameters / f"{slug}.yaml").write_text(
        f"ward: {json.dumps(ward, ensure_ascii=False)}\nslug: {slug}\nlevel: xã\n"
        f"province: {json.dumps(province, ensure_ascii=False)}\n", encoding="utf-8")
    folder = paths.ward_processed(slug)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "findings.json").write_text("{}\n", encoding="utf-8")
    WardStore(paths, slug).write_summary(summary)


def make_project(root: Path, n: int, provinces: int, seed: int = 14) -> Paths:
    """``n`` wards spread over ``provinces`` provinces, with summaries like a batch writes."""
    rng = random.Random(seed)
    paths = Paths(root)
    for d in (paths.parameters, paths.processed, paths.reports):
        d.mkdir(parents=True, exist_ok=True)
    templates = []
    for t in range(12):
        slug = f"mau-{t}"
        templates.append(summary_of(WardRecord(slug=slug, ward=slug, level="xã", province="P",
                                               reports=[_doc(slug, rng, t % 5)], facts=_facts(slug, rng))))
    for i in range(n):
        slug, ward, province = f"xa-gia-lap-{i:04d}", name(i), f"Tỉnh Giả Lập {i % provinces + 1}"
        s = copy.deepcopy(templates[i % len(templates)])
        s.update(slug=slug, ward=ward, province=province)
        s["counts"]["open_errors"] = s["counts"]["error"] = (i * 7) % 11
        for f in s["findings"]:
            f.update(slug=slug, ward=ward, province=province)
        write_ward(paths, slug, ward, province, s)
    return paths
