"""The review cycle on a real ward through the real notebook and portfolio: decisions recorded with
the CLI reach the page, the letter, findings.json, the exports and the index; a change of
decisions alone re-renders them without re-auditing; `run --force` loses nothing."""
from __future__ import annotations

import csv
import json
import re

import docx
import pytest

from conftest import copy_project
from wardaudit.batch.local import run_batch
from wardaudit.cli import main

pytestmark = [pytest.mark.slow]
WARD = "trung-thanh"


def _listing(capsys) -> dict[str, dict]:
    capsys.readouterr()  # what ran before
    assert main(["review", WARD, "--format", "json"]) == 0
    return {f["id"]: f for f in json.loads(capsys.readouterr().out)["findings"]}


def _fail_count(page: str) -> int:
    return int(re.search(r'data-count="fail">(\d+)<', page).group(1))


def _letter_text(path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs]
                     + [p.text for t in d.tables for r in t.rows for c in r.cells for p in c.paragraphs])


def test_decisions_reach_every_output_survive_force_and_need_no_reaudit(tmp_path, monkeypatch, capsys):
    paths = copy_project(tmp_path, (WARD,))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert run_batch(wards=[WARD], jobs=1, quiet=True, paths=paths) == 0
    page0 = paths.ward_report(WARD).read_text(encoding="utf-8")
    capsys.readouterr()

    found = _listing(capsys)
    assert found and {f["status"] for f in found.values()} == {"open"}
    dismiss = next(i for i, f in found.items() if f["rule"].startswith("FOOT"))
    query = next(i for i, f in found.items() if f["rule"].startswith("BUDG"))
    assert main(["review", WARD, dismiss, "--status", "dismissed", "--note",
                 "Đã đối chiếu sổ theo dõi: chênh lệch do hồ sơ rút", "--by", "Kiểm toán viên A"]) == 0
    assert main(["review", WARD, query, "--status", "query", "--note",
                 "Số giải ngân lớn hơn kinh phí bố trí, đề nghị làm rõ đơn vị tính"]) == 0
    decisions = paths.ward_reviews(WARD).read_bytes()

    out = paths.ward_processed(WARD)
    audited = {n: (out / n).stat().st_mtime_ns for n in ("facts.csv", "audit.json")}
    assert run_batch(wards=[WARD], jobs=1, quiet=True, paths=paths) == 0
    assert json.loads((paths.reports / "batch.json").read_text())["wards"][0]["status"] == "ok"
    # the decisions alone changed: nothing was re-audited
    assert {n: (out / n).stat().st_mtime_ns for n in audited} == audited

    page = paths.ward_report(WARD).read_text(encoding="utf-8")
    assert "Đã đối chiếu sổ theo dõi: chênh lệch do hồ sơ rút" in page and "Kiểm toán viên A" in page
    dismissed = page.split('<section class="dismissed">', 1)[1].split("</section>", 1)[0]
    assert "Đã loại trừ" in dismissed and f'data-id="{dismiss}"' in dismissed
    assert f'data-id="{query}"' not in dismissed
    tag = next(m.group(0) for m in re.finditer(r'<div class="finding[^>]*>', page)
               if f'data-id="{query}"' in m.group(0))
    assert "finding queried" in tag  # queried ones are marked
    assert 'data-review="open"' in page and "Chưa xem xét" in page  # the undecided say so
    assert _fail_count(page) == _fail_count(page0) - 1

    letter = _letter_text(paths.ward_letter(WARD))
    budget_quote = " ".join(next(c for c in json.loads((out / "findings.json").read_text())["checks"]
                                 if c["id"] == query)["evidence"][0]["quote"].split())
    assert f"“{budget_quote.rstrip(' .')}”" in letter and "đề nghị làm rõ đơn vị tính" in letter
    assert f'href="{WARD}-giai-trinh.docx" class="letter-link"' in page  # the page links its letter
    assert dismiss not in letter and "chênh lệch do hồ sơ rút" not in letter

    reviewed = {c["id"]: c["review"]["status"] for c in json.loads((out / "findings.json").read_text())["checks"]
                if "review" in c}
    assert reviewed == {dismiss: "dismissed", query: "query"}
    rows = {r["id"]: r for r in csv.DictReader((paths.reports / "findings.csv").open(encoding="utf-8-sig"))}
    assert rows[dismiss]["review_status"] == "dismissed" and rows[query]["review_note"].startswith("Số giải ngân")
    index = paths.reports / "index.html"
    html = index.read_text(encoding="utf-8")
    rows = {re.search(r'data-rule="([^"]+)"', m.group(0)).group(1): m.group(0)
            for m in re.finditer(r"<tr[^>]*data-rule=[^>]*>", html)}
    # 1 of 1 decided finding dismissed says nothing of the rule's precision yet: no "100%", no highlight
    assert "high-dismissal" not in rows[dismiss.split("-")[0]]
    row = html.split(rows[dismiss.split("-")[0]], 1)[1].split("</tr>", 1)[0]
    assert "chưa đủ quyết định" in row and "100%" not in row
    assert f'href="{WARD}-giai-trinh.docx">công văn</a>' in html  # the index links the letter

    # a forced re-run re-audits, and loses no decision
    capsys.readouterr()
    assert run_batch(wards=[WARD], jobs=1, quiet=False, force=True, paths=paths) == 0
    assert f"công văn / letters: reports/{WARD}-giai-trinh.docx" in capsys.readouterr().out  # the run names it
    assert (out / "facts.csv").stat().st_mtime_ns != audited["facts.csv"]
    assert paths.ward_reviews(WARD).read_bytes() == decisions
    assert {f["status"] for i, f in _listing(capsys).items() if i in (dismiss, query)} == {"dismissed", "query"}
    page = paths.ward_report(WARD).read_text(encoding="utf-8")
    assert "chênh lệch do hồ sơ rút" in page and paths.ward_letter(WARD).exists()
