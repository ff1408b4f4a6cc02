"""Make a synthetic corpus of wards from the seed reports, for the benchmark.

The wards are real units of the official list (wardaudit.catalogue.units: 34 provinces, 3,321
units), drawn across the provinces in turn so that any 34 wards or more cover every province, each
with its real name, code, level and province in its parameters file. Each synthetic ward is a seed
report with

* the seed's unit name replaced everywhere by the drawn unit's name;
* every count scaled by the same whole factor (2 or 3): numbers written with thousands
  separators, numbers followed by a count unit, both sides of "done/total", and whole-number table
  cells other than the first column. Totals and their parts scale together and rates stay as
  stated, so the seed's consistent figures stay consistent;
* a few planted faults, listed in ``planted.json``: a total off by one, the ward's name misspelt
  once;
* a closing line saying it is a synthetic document (not the unit's real report).

Some wards are copies of the PDF renderings in tests/fixtures/renderings/ (unchanged, since a PDF
cannot be edited like text: their text names the seed's unit, so META005 flags them). Wards drawn
from one seed are near-copies of each other, and PORT003 says so where it can tell them from a
template (fewer than 50 of them). The corpus is a small project of its own, under benchmarks/corpus/
(git-ignored): data/raw/, parameters/, notebooks/. It is never written under data/raw.

    python benchmarks/synth.py [N] [--out benchmarks/corpus]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import unicodedata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "benchmarks" / "corpus"
MARK = ("\n\n(Tài liệu giả lập từ một báo cáo mẫu, chỉ để đo hiệu năng — không phải báo cáo thật. "
        "Synthetic document derived from a seed report for benchmarking; not a real report.)\n")
COUNT_UNITS = ("hồ sơ", "thủ tục", "tài khoản", "người", "lượt", "hộ", "cán bộ", "văn bản", "thuê bao",
               "điểm", "camera", "máy", "doanh nghiệp", "cơ sở", "giao dịch", "tin nhắn", "học sinh")


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def official_wards(n: int, provinces: int = 34) -> list:
    """``n`` units of the official list (all 3,321 at most), from the first ``provinces`` provinces
    in turn: one of each province, then a second of each, and so on (a province out of units is
    skipped)."""
    from wardaudit.catalogue.units import official_units

    units = official_units()
    queues = [list(units.in_province(p.name)) for p in units.provinces[:provinces]]
    out = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def _fmt_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _scale_plain(digits: str, k: int) -> str:
    value = int(digits) * k
    # keep a leading zero ("02 hồ sơ" -> "04 hồ sơ")
    return str(value).zfill(len(digits)) if digits.startswith("0") else str(value)


THOUSANDS = re.compile(r"(?<![\d.,/])\d{1,3}(?:\.\d{3})+(?![\d]|[.,]\d)")
WITH_UNIT = re.compile(r"(?<![\d.,/%])(\d{1,4})(\s+)(" + "|".join(map(re.escape, COUNT_UNITS)) + r")\b")
RATIO = re.compile(r"(?<![\d.,/])(\d{1,5})/(\d{1,5})(?![\d/])")
CELL = re.compile(r"^(\s*)(\d{1,6})(\s*)$")


def scale_figures(text: str, k: int) -> str:
    """Multiply every count by ``k``; dates, years, percentages and document numbers stay."""
    out_lines = []
    for line in text.split("\n"):
        line = THOUSANDS.sub(lambda m: _fmt_thousands(int(m.group().replace(".", "")) * k), line)
        line = WITH_UNIT.sub(lambda m: _scale_plain(m.group(1), k) + m.group(2) + m.group(3), line)
        line = RATIO.sub(lambda m: f"{_scale_plain(m.group(1), k)}/{_scale_plain(m.group(2), k)}", line)
        sep = "\t" if "\t" in line else ("|" if line.count("|") >= 2 else None)
        if sep:
            cells = line.split(sep)
            first = 1 if sep == "\t" else 2  # pipe rows start with an empty cell before the first "|"
            for j in range(first, len(cells)):
                m = CELL.match(cells[j])
                if m and not (1990 <= int(m.group(2)) <= 2100):
                    cells[j] = m.group(1) + _scale_plain(m.group(2), k) + m.group(3)
            line = sep.join(cells)
        out_lines.append(line)
    return "\n".join(out_lines)


def rename(text: str, old: str, new: str) -> str:
    for a, b in ((old, new), (old.upper(), new.upper())):
        text = text.replace(a, b)
    return text


def plant_total_off_by_one(text: str) -> tuple[str, str | None]:
    m = THOUSANDS.search(text)
    if not m:
        return text, None
    old = m.group()
    new = _fmt_thousands(int(old.replace(".", "")) + 1)
    return text[: m.start()] + new + text[m.end():], f"{old} -> {new}"


def plant_misspelt_name(text: str, name: str) -> tuple[str, str | None]:
    first = text.find(name)
    second = text.find(name, first + len(name)) if first >= 0 else -1
    if second < 0:
        return text, None
    wrong = unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", name)
                                                if unicodedata.category(ch) != "Mn"))
    return text[:second] + wrong + text[second + len(name):], f"{name} -> {wrong}"


def seeds(repo: Path = REPO) -> list[tuple[str, dict, list[Path]]]:
    out = []
    for pfile in sorted((repo / "parameters").glob("*.yaml")):
        params = yaml.safe_load(pfile.read_text(encoding="utf-8"))
        files = sorted(p for p in (repo / "data" / "raw" / pfile.stem).iterdir()
                       if p.suffix.lower() in (".txt", ".md"))
        if files:
            out.append((pfile.stem, params, files))
    return out


def _params_yaml(params: dict) -> str:
    return ("# Synthetic report for the benchmark (benchmarks/synth.py) filed under a real unit of the official\n"
            "# list; not that unit's report.\n"
            + yaml.safe_dump(params, allow_unicode=True, sort_keys=False))


def _unit_params(base: dict, unit, slug: str) -> dict:
    return {**base, "ward": unit.name, "code": unit.code, "slug": slug, "level": unit.level,
            "province": unit.province, "sources": []}


def make_corpus(n: int = 12, out: Path = DEFAULT_OUT, *, pdf_every: int = 6, provinces: int = 34) -> list[dict]:
    """Write ``n`` synthetic wards under ``out`` (replacing what was there), real units of the first
    ``provinces`` provinces of the official list (:func:`official_wards`); return the manifest."""
    out = Path(out)
    if REPO / "data" in out.resolve().parents or out.resolve() == REPO:
        raise SystemExit(f"refusing to write the synthetic corpus into the project's data: {out}")
    if out.exists():
        shutil.rmtree(out)
    (out / "data" / "raw").mkdir(parents=True)
    (out / "data" / "processed").mkdir()
    (out / "parameters").mkdir()
    (out / "reports").mkdir()
    shutil.copytree(REPO / "notebooks", out / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    seed_list = seeds()
    pdfs = sorted((REPO / "tests" / "fixtures" / "renderings").glob("*.pdf"))
    by_slug = {slug: params for slug, params, _ in seed_list}
    manifest = []
    for i, unit in enumerate(official_wards(n, provinces)):
        if pdfs and pdf_every and i % pdf_every == pdf_every - 1:
            pdf = pdfs[(i // pdf_every) % len(pdfs)]
            base = by_slug.get(pdf.stem)
            if base is not None:
                slug = f"pdf-{slugify(unit.name)}-{unit.code}"
                (out / "data" / "raw" / slug).mkdir()
                shutil.copy2(pdf, out / "data" / "raw" / slug / pdf.name)
                (out / "parameters" / f"{slug}.yaml").write_text(_params_yaml(_unit_params(base, unit, slug)),
                                                                encoding="utf-8")
                manifest.append({"slug": slug, "seed": pdf.stem, "format": "pdf", "scale": 1, "planted": [],
                                 "code": unit.code, "province": unit.province})
                continue
        seed_slug, params, files = seed_list[i % len(seed_list)]
        name = unit.name
        slug = f"{slugify(name)}-{unit.code}"
        k = 2 + i % 2
        planted = []
        folder = out / "data" / "raw" / slug
        folder.mkdir()
        for f in files:
            text = scale_figures(rename(f.read_text(encoding="utf-8"), params["ward"], name), k)
            if i % 3 == 0:
                text, what = plant_total_off_by_one(text)
                if what:
                    planted.append({"fault": "total off by one", "where": f"{f.name}", "what": what})
            if i % 5 == 1:
                text, what = plant_misspelt_name(text, name)
                if what:
                    planted.append({"fault": "ward name misspelt", "where": f"{f.name}", "what": what})
            (folder / f"synthetic-{f.name}").write_text(text + MARK, encoding="utf-8")
        (out / "parameters" / f"{slug}.yaml").write_text(_params_yaml(_unit_params(params, unit, slug)),
                                                        encoding="utf-8")
        manifest.append({"slug": slug, "seed": seed_slug, "format": files[0].suffix.lstrip("."), "scale": k,
                         "planted": planted, "code": unit.code, "province": unit.province})
    (out / "planted.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=12)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--provinces", type=int, default=34, help="draw the wards from this many provinces (of 34)")
    args = ap.parse_args()
    made = make_corpus(args.n, args.out, provinces=args.provinces)
    print(f"{len(made)} synthetic wards in {args.out}, {len({m['province'] for m in made})} provinces")


if __name__ == "__main__":
    main()
