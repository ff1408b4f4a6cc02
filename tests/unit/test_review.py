"""wardaudit.review.decisions: the decisions store, stable finding ids, the `review` command, and what the
decisions change in a batch (survive --force, re-render without re-auditing, a malformed file
fails only its ward) and on a corrected re-submission."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import audit_seed, copy_project
from wardaudit.batch.local import run_batch
from wardaudit.cli import main
from wardaudit.errors import ReviewError
from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Document
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.model.report import ReportMeta
from wardaudit.project.config import Paths
from wardaudit.render import page as display
from wardaudit.review.decisions import NO_LONGER_FOUND, decide, latest, load_decisions, parse_decisions, review_list
from wardaudit.run.plan import WardPlan, plan_ward
from wardaudit.run.ward import audit_ward
from wardaudit.store import WardStore

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "src/wardaudit/schema/findings.schema.json")
                    .read_text(encoding="utf-8"))
ID_PATTERN = SCHEMA["properties"]["checks"]["items"]["properties"]["id"]["pattern"]


# --- ids ---------------------------------------------------------------------------------------

def test_a_finding_id_comes_from_the_rule_and_the_key_only():
    a = CheckResult("FOOT002", "fail", "error", "12.456 ≠ 12.454", {"actual": 1},
                    (Evidence("I", "q", line=133),), key="flow:dossiers.received")
    moved = CheckResult("FOOT002", "fail", "error", "other wording", {"actual": 2},
                        (Evidence("II", "q2", line=200),), key="flow:dossiers.received")
    assert a.id == moved.id and re.fullmatch(ID_PATTERN, a.id)
    assert a.id != CheckResult("FOOT002", "fail", "error", "m", key="flow:dossiers.resolved").id
    assert a.id != CheckResult("FOOT001", "fail", "error", "m", key="flow:dossiers.received").id
    # no key: the message names the finding
    assert (CheckResult("META001", "fail", "warning", "no number").id
            == CheckResult("META001", "fail", "warning", "no number", evidence=(Evidence("", "x", line=9),)).id)
    assert a.to_dict()["id"] == a.id and "review" not in a.to_dict()


WEEK = ("Số: /BC-UBND\n\nTân An, ngày 08 tháng 5 năm 2026\n\nBÁO CÁO\n\nKết quả chuyển đổi số tuần "
        "(từ ngày {start} đến ngày {end})\n\nUBND xã Tân An báo cáo kết quả trong tuần.\n")


def _week(tmp_path: Path, name: str, start: str, end: str):
    from wardaudit.audit import audit_file

    path = tmp_path / name
    path.write_text(WEEK.format(start=start, end=end), encoding="utf-8")
    return audit_file(path)


def test_two_reports_of_one_ward_give_the_same_kind_of_finding_different_ids(tmp_path):
    first = _week(tmp_path, "tuan-18.txt", "24/4/2026", "30/4/2026")
    second = _week(tmp_path, "tuan-19.txt", "01/5/2026", "07/5/2026")
    a, b = ([c for c in r.checks if c.rule == "META001" and c.status == "fail"][0] for r in (first, second))
    assert a.report == "2026-04-24/2026-04-30" and b.report == "2026-05-01/2026-05-07"
    assert a.id != b.id and re.fullmatch(ID_PATTERN, a.id) and re.fullmatch(ID_PATTERN, b.id)
    assert a.legacy_id == b.legacy_id  # before, one decision dismissed both weeks' findings
    again = _week(tmp_path, "tuan-19-gui-lai.txt", "01/5/2026", "07/5/2026")  # re-sent: same period, same ids
    assert {c.id for c in again.checks if c.status == "fail"} == {c.id for c in second.checks if c.status == "fail"}
    assert a.to_dict()["legacy_id"] == a.legacy_id


def test_a_decision_made_before_ids_named_the_report_keeps_attaching(tmp_path, monkeypatch):
    from wardaudit.model.findings import review_of
    from wardaudit.store import WardStore, findings_text

    paths = Paths(tmp_path)
    (tmp_path / "parameters").mkdir()
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    results = [_week(tmp_path, "tuan-18.txt", "24/4/2026", "30/4/2026"),
               _week(tmp_path, "tuan-19.txt", "01/5/2026", "07/5/2026")]
    WardStore(paths, "tan-an").save_audit(results, key="k")  # the ids must survive the store's JSON
    a, b = (next(c for c in r.checks if c.rule == "META001") for r in results)
    # the file as an auditor left it before: the decision names the old id, shared by both weeks
    paths.ward_reviews("tan-an").parent.mkdir(parents=True)
    paths.ward_reviews("tan-an").write_text(f"- id: {a.legacy_id}\n  status: dismissed\n  note: không ghi số\n"
                                            "  by: kt\n  at: '2026-05-01T00:00:00Z'\n", encoding="utf-8")
    rows = {r["id"]: r for r in review_list("tan-an", paths)["findings"]}
    assert rows[a.id]["status"] == rows[b.id]["status"] == "dismissed"
    assert a.legacy_id not in rows  # attached, so not listed as "no longer found"
    decide("tan-an", b.id, "query", "tuần 19: đề nghị bổ sung số", paths=paths)  # a new decision: one week only
    state = latest(load_decisions("tan-an", paths))
    assert review_of(state, a).status == "dismissed" and review_of(state, b).status == "query"
    rows = {r["id"]: r for r in review_list("tan-an", paths)["findings"]}
    assert (rows[a.id]["status"], rows[b.id]["status"]) == ("dismissed", "query")
    doc = json.loads(findings_text(results, {k: d.review() for k, d in state.items()}))
    reviewed = {c["id"]: c["review"]["status"] for d in doc["reports"] for c in d["checks"] if "review" in c}
    assert reviewed[a.id] == "dismissed" and reviewed[b.id] == "query"


# --- the store ------------------------------------------------------------------------------------

def _check(rule: str, key: str) -> CheckResult:
    return CheckResult(rule, "fail", "error", f"m {rule} {key}", key=key)


F1, R2 = _check("FOOT001", "k1").id, _check("RATE001", "k2").id


def _findings(paths: Paths, slug: str, checks: list[CheckResult], key: str = "-") -> None:
    """A stored audit of one report whose failing checks are ``checks`` (what a run leaves in the store)."""
    doc = Document(source="r.txt", format="text", sha256="0" * 64)
    WardStore(paths, slug).save_audit([AuditResult(doc, ReportMeta(), [], checks)], key)


@pytest.fixture
def small(tmp_path, monkeypatch) -> Paths:
    paths = Paths(tmp_path)
    (tmp_path / "parameters").mkdir()
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    _findings(paths, "xa-a", [_check("FOOT001", "k1"), _check("RATE001", "k2")])
    return paths


def test_decisions_are_appended_never_rewritten_and_the_last_one_wins(small):
    decide("xa-a", F1, "dismissed", "đơn vị tính là nghìn đồng", by="An", paths=small)
    first = small.ward_reviews("xa-a").read_bytes()
    decide("xa-a", F1, "confirmed", "đối chiếu lại: sai thật", paths=small)
    second = small.ward_reviews("xa-a").read_bytes()
    assert second.startswith(first) and len(second) > len(first)
    history = load_decisions("xa-a", small)
    assert [d.status for d in history] == ["dismissed", "confirmed"]
    assert history[0].by == "An" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", history[0].at)
    assert latest(history)[F1].note == "đối chiếu lại: sai thật"


def test_a_decision_on_an_unknown_finding_or_with_a_bad_status_is_refused(small):
    with pytest.raises(ReviewError, match="FOOT001-ffffffffff.*no such finding"):
        decide("xa-a", "FOOT001-ffffffffff", "dismissed", "x", paths=small)
    with pytest.raises(ReviewError, match="invalid status"):
        decide("xa-a", F1, "ignored", "x", paths=small)
    with pytest.raises(ReviewError, match="xa-b: .*no such ward"):
        decide("xa-b", F1, "dismissed", "x", paths=small)
    (small.parameters / "xa-c.yaml").write_text("ward: C\nslug: xa-c\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="not audited yet"):
        decide("xa-c", F1, "dismissed", "x", paths=small)
    with pytest.raises(ReviewError, match="a dismissal needs a note"):
        decide("xa-a", F1, "loại trừ", "  ", paths=small)
    assert not small.ward_reviews("xa-a").exists()


@pytest.mark.parametrize("text, line, what", [
    ("- id: A-1\n  status: dismissed\n  note: x\n  at: '2026-01-01T00:00:00Z'\n"
     "- id: A-2\n  status: maybe\n  note: y\n  at: '2026-01-01T00:00:00Z'\n", 5, "invalid status"),
    ("- id: A-1\n  status: query\n  note: [unclosed\n", 3, "invalid YAML"),
    ("- id: A-1\n  status: query\n  note: x\n  at: 2026-01-01\n  colour: red\n", 1, "unknown key"),
    ("id: A-1\n", 1, "expected a list"),
])
def test_a_malformed_file_names_the_file_and_the_line(text, line, what):
    with pytest.raises(ReviewError, match=rf"^data/reviews/xa-a\.yaml:{line}: .*{what}") as e:
        parse_decisions(text, "data/reviews/xa-a.yaml")
    assert "\n" not in e.value.one_line()


def test_the_review_command_lists_records_and_keeps_decisions_of_vanished_findings(small, capsys):
    assert main(["review", "xa-a", R2, "--status", "query", "--note", "tỷ lệ  sai?",
                 "--by", "Bình"]) == 0
    assert f"{R2}: Đã đề nghị giải trình (Bình, " in capsys.readouterr().out
    assert main(["review", "xa-a", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["ward"] == "xa-a"
    rows = {f["id"]: f for f in listing["findings"]}
    assert set(rows[R2]) >= {"id", "rule", "severity", "message", "status", "note", "by", "at"}
    assert (rows[R2]["status"], rows[R2]["note"],
            rows[R2]["by"]) == ("query", "tỷ lệ sai?", "Bình")
    assert rows[F1]["status"] == "open" and rows[F1]["at"] is None
    # the finding disappears from the next run: its decision stays, marked as no longer found
    _findings(small, "xa-a", [_check("FOOT001", "k1")])
    gone = {f["id"]: f for f in review_list("xa-a", small)["findings"]}[R2]
    assert gone["found"] is False and gone["message"] == NO_LONGER_FOUND and gone["status"] == "query"
    assert main(["review", "xa-a", R2, "--status", "loai-tru"]) == 2
    assert "--note" in capsys.readouterr().err
    (small.ward_reviews("xa-a")).write_text("- id: [\n", encoding="utf-8")
    assert main(["review", "xa-a"]) == 2
    err = capsys.readouterr().err.strip()
    assert re.match(r"data/reviews/xa-a\.yaml:\d+: ", err) and "\n" not in err


# --- in a batch (stand-in runner) -------------------------------------------------------------------

def recording_runner(plan: WardPlan, paths: Paths, force: bool = False) -> dict:
    """Stands in for run_ward: logs whether it would audit (no stored audit of these inputs, or
    ``force``) or reuse the stored one, stores a one-finding audit and writes a page."""
    slug = plan.slug
    store = WardStore(paths, slug)
    reuse = not force and store.load_audit(plan.inputs) is not None
    store.folder.mkdir(parents=True, exist_ok=True)
    with open(store.folder / "calls.log", "a", encoding="utf-8") as f:
        f.write(("reuse" if reuse else "audit") + "\n")
    _findings(paths, slug, [_check("FOOT001", "k1")], plan.inputs)
    paths.ward_report(slug).parent.mkdir(parents=True, exist_ok=True)
    paths.ward_report(slug).write_text("<html></html>", encoding="utf-8")
    return {"status": "ok", "html": str(paths.ward_report(slug))}


def no_portfolio(paths: Paths) -> dict:
    return {"status": "ok", "html": str(paths.reports / "index.html")}


def calls(paths: Paths, slug: str) -> list[str]:
    log = paths.ward_processed(slug) / "calls.log"
    return log.read_text().split() if log.exists() else []


@pytest.mark.slow  # runs the batch and its portfolio phase (province pages, exports): ~30 s
def test_batch_decisions_alone_rerender_without_audit_and_a_bad_file_fails_only_its_ward(tmp_path, monkeypatch):
    wards = ["nam-thanh-mien", "phu-thinh", "trung-thanh"]
    paths = copy_project(tmp_path, tuple(wards))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    kw = dict(jobs=2, quiet=True, paths=paths, runner=recording_runner, portfolio=no_portfolio)
    assert run_batch(wards=wards, **kw) == 0
    decide("phu-thinh", F1, "dismissed", "đã kiểm tra", paths=paths)
    assert run_batch(wards=wards, **kw) == 0
    got = {w["slug"]: w["status"] for w in json.loads((paths.reports / "batch.json").read_text())["wards"]}
    assert got == {"nam-thanh-mien": "skipped", "phu-thinh": "ok", "trung-thanh": "skipped"}
    assert calls(paths, "phu-thinh") == ["audit", "reuse"]
    assert run_batch(wards=wards, **kw) == 0  # nothing changed since
    assert calls(paths, "phu-thinh") == ["audit", "reuse"]
    assert run_batch(wards=wards, force=True, **kw) == 0
    assert calls(paths, "phu-thinh") == ["audit", "reuse", "audit"]

    bad = paths.ward_reviews("trung-thanh")
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("- id: FOOT001-0000000001\n  status: dismissed\n  note: x\n  at: '2026-01-01T00:00:00Z'\n"
                   "- id: FOOT001-0000000001\n  status: perhaps\n", encoding="utf-8")
    assert run_batch(wards=wards, force=True, **kw) == 1
    manifest = {w["slug"]: w for w in json.loads((paths.reports / "batch.json").read_text())["wards"]}
    assert manifest["trung-thanh"]["status"] == "failed"
    assert manifest["trung-thanh"]["reason"].startswith("data/reviews/trung-thanh.yaml:5: ")
    assert "\n" not in manifest["trung-thanh"]["reason"]
    assert {manifest[s]["status"] for s in ("nam-thanh-mien", "phu-thinh")} == {"ok"}
    # the product never rewrote the auditor's file
    assert bad.read_text(encoding="utf-8").endswith("status: perhaps\n")


# --- a corrected re-submission -------------------------------------------------------------------------

def test_a_corrected_resubmission_keeps_the_other_ids_and_shows_the_fixed_one_as_no_longer_found(tmp_path):
    paths = copy_project(tmp_path, ("trung-thanh",))
    before = [c for c in audit_seed(paths, "trung-thanh")[0].checks if c.status == "fail"]
    budget = next(c for c in before if c.rule.startswith("BUDG"))
    other = next(c for c in before if c.rule.startswith("FOOT"))
    decide("trung-thanh", budget.id, "query", "kinh phí bố trí nhỏ hơn số giải ngân", paths=paths)
    decide("trung-thanh", other.id, "confirmed", "số liệu không cộng khớp", paths=paths)

    # the ward sends a corrected report: the allocated amount lacked three zeros, and a sentence
    # saying so is added above the other finding, so every line below it moves
    raw = next(paths.ward_raw("trung-thanh").iterdir())
    text = raw.read_text(encoding="utf-8")
    figure = budget.evidence[0].figure
    assert figure and text.count(figure) == 1 and figure.endswith(" đồng")
    lines = text.replace(figure, figure.replace(" đồng", ".000 đồng")).split("\n")
    at = other.evidence[0].line - 1
    lines[at:at] = ["Báo cáo này thay cho báo cáo đã gửi, điều chỉnh số kinh phí được bố trí.", ""]
    raw.write_text("\n".join(lines), encoding="utf-8")

    again = audit_ward(plan_ward("trung-thanh", paths), paths)
    failing = {c.id: c for c in again.results[0].checks if c.status == "fail"}
    assert set(failing) == {c.id for c in before} - {budget.id}
    assert failing[other.id].evidence[0].line == other.evidence[0].line + 2
    rows = {f["id"]: f for f in review_list("trung-thanh", paths)["findings"]}
    assert rows[budget.id]["found"] is False and rows[budget.id]["message"] == NO_LONGER_FOUND
    assert rows[other.id]["found"] is True and rows[other.id]["status"] == "confirmed"
    doc = json.loads((paths.ward_processed("trung-thanh") / "findings.json").read_text(encoding="utf-8"))
    reviewed = {c["id"]: c["review"]["status"] for c in doc["checks"] if "review" in c}
    assert reviewed == {other.id: "confirmed"}
    page = display.findings(again.results, reviews=again.decisions)
    gone = page.split('<section class="gone">', 1)[1]
    assert budget.id in gone and "không còn phát hiện" in gone and other.id not in gone


def test_the_stored_audit_is_reused_only_for_the_same_reports(tmp_path):
    paths = copy_project(tmp_path, ("trung-thanh",))
    first = audit_ward(plan_ward("trung-thanh", paths), paths)
    assert first.audited
    budget = next(c for c in first.results[0].checks if c.status == "fail" and c.rule.startswith("BUDG"))
    store = paths.ward_processed("trung-thanh") / "audit.json"
    stamp = store.stat().st_mtime_ns
    reused = audit_ward(plan_ward("trung-thanh", paths), paths)
    assert not reused.audited and [c.id for c in reused.results[0].checks] == [c.id for c in first.results[0].checks]
    assert store.stat().st_mtime_ns == stamp  # read, not written again
    raw = next(paths.ward_raw("trung-thanh").iterdir())
    raw.write_text(raw.read_text(encoding="utf-8").replace(budget.evidence[0].figure, "9.999.000.000 đồng"),
                   encoding="utf-8")
    changed = audit_ward(plan_ward("trung-thanh", paths), paths)
    assert changed.audited and budget.id not in {c.id for c in changed.results[0].checks if c.status == "fail"}
    store.write_text("not JSON", encoding="utf-8")  # a damaged store is never trusted: audited again
    again = audit_ward(plan_ward("trung-thanh", paths), paths)
    assert again.audited and again.results[0].checks == changed.results[0].checks


def test_a_stored_audit_is_checked_on_its_text_as_written_and_a_relaid_one_the_long_way(tmp_path, monkeypatch):
    """load_audit hashes the reports' text as save_audit wrote it (nothing serialised again); the same audit
    laid out otherwise (indented) is still accepted, by serialising it again: the files accepted are the same."""
    import json

    import wardaudit.store as store_module

    paths = copy_project(tmp_path, ("phu-thinh",))
    plan = plan_ward("phu-thinh", paths)
    first = audit_ward(plan, paths)
    store = WardStore(paths, "phu-thinh")
    with monkeypatch.context() as m:
        m.setattr(store_module, "_canonical", lambda value: pytest.fail("serialised again"))
        assert store.load_audit(plan.inputs)[0].checks == first.results[0].checks
    path = paths.ward_processed("phu-thinh") / "audit.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False, indent=1),
                    encoding="utf-8")
    assert store.load_audit(plan.inputs)[0].checks == first.results[0].checks


def test_an_audit_edited_in_the_store_is_not_trusted(tmp_path):
    """audit.json carries the hash of what it holds: text changed by hand makes the ward audited again."""
    paths = copy_project(tmp_path, ("phu-thinh",))
    plan = plan_ward("phu-thinh", paths)
    first = audit_ward(plan, paths)
    store = paths.ward_processed("phu-thinh") / "audit.json"
    quote = first.results[0].facts[0].quote
    store.write_text(store.read_text(encoding="utf-8").replace(quote, quote + " (sửa tay)", 1), encoding="utf-8")
    assert WardStore(paths, "phu-thinh").load_audit(plan.inputs) is None
    again = audit_ward(plan, paths)
    assert again.audited and again.results[0].facts[0].quote == quote
    assert "(sửa tay)" not in (paths.ward_processed("phu-thinh") / "findings.json").read_text(encoding="utf-8")
