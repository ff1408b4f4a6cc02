"""Facts against a hand-labelled list (tests/fixtures/labels/facts.csv, written from the seed text,
figure by figure): precision and recall on metric, value and period; quotes and locations that
find their source; nothing taken from dates, document or section numbers."""
import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from wardaudit.audit import audit_file
from wardaudit.project.config import load_params

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "fixtures" / "labels" / "facts.csv"
WARDS = ["trung-thanh", "phu-thinh", "nam-thanh-mien", "vinh-thong"]


def _seed(slug):
    return next(p for p in (ROOT / "data" / "raw" / slug).iterdir() if p.is_file())


def _facts(slug):
    return audit_file(_seed(slug), load_params(ROOT / "parameters" / f"{slug}.yaml")).facts


def _norm(raw: str) -> str:
    return " ".join(raw.lower().split())


def score(wards=WARDS):
    labels = defaultdict(list)
    with open(LABELS, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            labels[(row["ward"], int(row["line"]))].append(row)
    n_labels = sum(len(v) for k, v in labels.items() if k[0] in wards)
    extracted, correct, wrong = 0, 0, []
    for slug in wards:
        by_line = defaultdict(list)
        for fact in _facts(slug):
            by_line[fact.line].append(fact)
        for line, facts in by_line.items():
            pool = list(labels.get((slug, line), []))
            for fact in facts:
                extracted += 1
                match = next((lab for lab in pool if _norm(lab["raw"]) == _norm(fact.raw)
                              and (lab["metric"] or None) == fact.metric
                              and abs(float(lab["value"]) - fact.value) < 1e-6
                              and (not lab["period"] or lab["period"] == fact.period)), None)
                if match is None:
                    match_raw = next((lab for lab in pool if _norm(lab["raw"]) == _norm(fact.raw)), None)
                    wrong.append((slug, line, fact.raw, fact.metric, fact.value, fact.period,
                                  match_raw and (match_raw["metric"], match_raw["period"])))
                    if match_raw is not None:
                        pool.remove(match_raw)
                    continue
                pool.remove(match)
                correct += 1
    return correct / max(1, extracted), correct / max(1, n_labels), extracted, n_labels, wrong


def test_precision_and_recall_against_hand_labels():
    precision, recall, extracted, n_labels, wrong = score()
    print(f"\nfacts: precision {precision:.1%} recall {recall:.1%} ({extracted} extracted, {n_labels} labelled)")
    for w in wrong:
        print("  mismatch:", w)
    assert precision >= 0.95 and recall >= 0.95


_NOT_MEASUREMENT = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$|/[A-ZĐ]")


@pytest.mark.parametrize("slug", WARDS)
def test_no_fact_from_dates_or_document_numbers(slug):
    for f in _facts(slug):
        assert not _NOT_MEASUREMENT.search(f.raw), f
        # a bare number that could be a year is a count only when a breakdown follows ('2100, trong đó:')
        assert not (f.kind == "count" and 1900 <= f.value <= 2100 and "." not in f.raw
                    and not re.search(re.escape(f.raw) + r",?\s*(?:trong đó|gồm)", f.quote)), f


@pytest.mark.parametrize("slug", WARDS)
def test_every_quote_is_in_the_source_at_its_location(slug):
    """Quotes occur in the source (modulo whitespace and markup such as ** or <b>) on the line
    their location names (a paragraph may run over the next lines)."""
    lines = _seed(slug).read_text(encoding="utf-8").splitlines()

    def clean(s):
        s = re.sub(r"</?\w+>|\*+|\\|^#+\s*", "", s)
        return " ".join(s.split())

    for f in _facts(slug):
        window = clean(" ".join(lines[f.line - 1:f.line + 12]))
        assert clean(f.quote) in window, (f.line, f.quote)
        if f.metric == "tasks.row":  # one fact per listed task: raw is its number, quote its status cell
            assert clean(f.raw) in window, f
        else:
            assert f.raw in f.quote or clean(f.raw) in clean(f.quote), f


@pytest.mark.parametrize("slug", ["trung-thanh", "vinh-thong"])
@pytest.mark.parametrize("ext", ["pdf", "docx"])
def test_pdf_and_docx_renderings_give_the_same_facts_and_findings(slug, ext):
    from collections import Counter

    params = load_params(ROOT / "parameters" / f"{slug}.yaml")
    text = audit_file(_seed(slug), params)
    other = audit_file(ROOT / "tests" / "fixtures" / "renderings" / f"{slug}.{ext}", params)

    def key(facts):
        return Counter((f.metric, round(f.value, 4), f.period, f.qualifier, f.role) for f in facts)

    assert key(other.facts) == key(text.facts)
    failing = lambda r: Counter((c.rule, c.severity) for c in r.checks if c.status == "fail")  # noqa: E731
    assert failing(other) == failing(text)


def _text_facts(tmp_path, text):
    from wardaudit.project.config import WardParams
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    return audit_file(p, WardParams(ward="Đông Hải", slug="dong-hai")).facts


def test_money_columns_are_money_and_a_count_column_beside_them_is_not(tmp_path):
    text = ("Bảng 2. Dự án chuyển đổi số năm 2026 (đơn vị tính: triệu đồng)\n\n"
            "| STT | Hạng mục | Số dự án | Kinh phí |\n|---|---|---|---|\n| 1 | Hạ tầng | 3 | 450 |\n"
            "| 2 | Đào tạo | 2 | 120 |")
    cells = {f.raw: f for f in _text_facts(tmp_path, text) if f.origin == "table"}
    assert (cells["450"].kind, cells["450"].value, cells["450"].unit) == ("money", 450e6, "triệu đồng")
    assert (cells["3"].kind, cells["3"].value) == ("count", 3)


def test_each_figure_knows_where_it_is_in_its_quote(tmp_path):
    facts = _text_facts(tmp_path, "Thôn Đông có 12 camera, trong đó 12 camera đã kết nối về trung tâm.")
    assert [f.at for f in facts] == [13, 33] and all(f.quote[f.at:f.at + 2] == "12" for f in facts)


def test_bullets_under_a_lead_in_share_its_outline_item(tmp_path):
    text = ("- Xã tiếp nhận 318 hồ sơ, trong đó:\n+ Trực tuyến: 251 hồ sơ;\n+ Trực tiếp: 67 hồ sơ.\n"
            "- Đang giải quyết: 16 hồ sơ.")
    items = {f.raw: f.item for f in _text_facts(tmp_path, text)}
    assert items["318"] == items["251"] == items["67"] and items["16"] == items["318"] + 1
