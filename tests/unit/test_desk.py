"""wardaudit.desk without a browser: the cards (worst first, evidence where the ward finds it), a click on a
card's button (the decision appended at once, the card's new state, a name and a note to dismiss), the
letter button, the ward list in triage order, and what the panel offers a static page."""
from __future__ import annotations

import yaml

from wardaudit.desk.app import Desk
from wardaudit.desk.cards import cards, ward_rows
from wardaudit.desk.panel import ReviewPanel
from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Document, Location, Section
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.model.report import ReportMeta
from wardaudit.project.config import Paths
from wardaudit.store import WardStore

SRC = "data/raw/xa-an-phu/bc.pdf"
SECTIONS = [Section("II", "KẾT QUẢ", 0, ("II",), Location(SRC, 2, 1),
                    children=[Section("3", "Về chuyển đổi số", 1, ("II", "3"), Location(SRC, 4, 2))])]
CHECKS = [CheckResult("TGT001", "fail", "warning", "Kết quả 60 thấp hơn mục tiêu 80 / below target", {"expected": 80},
                      (Evidence("II > 3", "tỷ lệ đạt 60%", 4, 17, SRC),), key="a"),
          CheckResult("FOOT001", "fail", "error", "Tổng 12 ≠ 5 + 5 = 10", {"expected": 12, "actual": 10},
                      (Evidence("II > 3", "tổng số 12 mô hình", 4, 12, SRC),), key="b"),
          CheckResult("RATE001", "pass", "error", "đạt", key="c")]
WARN, ERR = CHECKS[0].id, CHECKS[1].id


def _project(tmp_path) -> Paths:
    paths = Paths(tmp_path)
    paths.parameters.mkdir(parents=True)
    (tmp_path / "data").mkdir()
    for slug, name in (("xa-an-phu", "An Phú"), ("xa-binh-minh", "Bình Minh")):
        (paths.parameters / f"{slug}.yaml").write_text(f"ward: {name}\nslug: {slug}\nprovince: Cà Mau\n",
                                                      encoding="utf-8")
    doc = Document(source=SRC, format="pdf", sha256="0" * 64, sections=SECTIONS, pages=5)
    WardStore(paths, "xa-an-phu").save_audit([AuditResult(doc, ReportMeta(), [], list(CHECKS))], "-")
    WardStore(paths, "xa-an-phu").write_summary({"ward": "An Phú", "province": "Cà Mau",
                                                 "counts": {"open_errors": 1, "open_warnings": 1, "open": 2}})
    return paths


def _panel(paths: Paths, name: str | None = "Trần Văn Bình") -> ReviewPanel:
    results = WardStore(paths, "xa-an-phu").load_audit()
    return ReviewPanel("xa-an-phu", paths, results, {}, auditor=lambda: name)


def test_cards_are_worst_first_with_the_place_a_ward_finds_never_our_line(tmp_path):
    paths = _project(tmp_path)
    found = cards(WardStore(paths, "xa-an-phu").load_audit())
    assert [c.id for c in found] == [ERR, WARN]  # the passed check has no card
    assert found[0].quotes == [{"quote": "tổng số 12 mô hình",
                                "where": "mục 3 “Về chuyển đổi số”, thuộc mục II “KẾT QUẢ”, trang 4"}]
    assert found[1].message == "Kết quả 60 thấp hơn mục tiêu 80"  # the Vietnamese part only


def test_a_click_appends_the_decision_and_the_card_shows_its_state(tmp_path):
    paths = _project(tmp_path)
    panel = _panel(paths)
    error, warning = panel.cards
    error.buttons["dismissed"].click()  # no note: refused, nothing written
    assert "cần ghi lý do" in error.message.value and not paths.ward_reviews("xa-an-phu").exists()
    error.note.value = "Đã xem sổ: 12 là đúng"
    error.buttons["dismissed"].click()
    entries = yaml.safe_load(paths.ward_reviews("xa-an-phu").read_text(encoding="utf-8"))
    assert [(e["id"], e["status"], e["note"], e["by"]) for e in entries] == [
        (ERR, "dismissed", "Đã xem sổ: 12 là đúng", "Trần Văn Bình")]
    assert 'data-state="dismissed"' in error.state.value and "Đã loại trừ" in error.state.value
    assert "wa-st-dismissed" in error.box._dom_classes and error.note.value == ""
    assert not error.buttons["open"].disabled and warning.buttons["open"].disabled
    warning.buttons["query"].click()  # a note is optional but to dismiss
    error.buttons["open"].click()
    statuses = [e["status"] for e in yaml.safe_load(paths.ward_reviews("xa-an-phu").read_text(encoding="utf-8"))]
    assert statuses == ["dismissed", "query", "open"]
    assert "wa-st-open" in error.box._dom_classes and "wa-st-dismissed" not in error.box._dom_classes


def test_no_name_no_decision(tmp_path):
    paths = _project(tmp_path)
    panel = _panel(paths, name=None)
    panel.cards[0].buttons["confirmed"].click()
    assert "họ tên" in panel.cards[0].message.value and not paths.ward_reviews("xa-an-phu").exists()
    notebook = ReviewPanel("xa-an-phu", paths, WardStore(paths, "xa-an-phu").load_audit(), {})  # JupyterLab's
    notebook.name.value = "Lê Hoa"
    notebook.cards[0].buttons["confirmed"].click()
    assert yaml.safe_load(paths.ward_reviews("xa-an-phu").read_text(encoding="utf-8"))[0]["by"] == "Lê Hoa"


def test_the_letter_button_writes_the_letter_and_links_it(tmp_path):
    paths = _project(tmp_path)
    panel = _panel(paths)
    panel.write_letter()
    assert "không có công văn" in panel.status.value and not paths.ward_letter("xa-an-phu").exists()
    panel.cards[0].buttons["query"].click()
    panel.write_letter()
    assert "Đã tạo công văn" in panel.status.value and paths.ward_letter("xa-an-phu").exists()
    assert 'href="../reports/xa-an-phu-giai-trinh.docx"' in panel.links.value  # relative to notebooks/


def test_a_static_page_gets_the_read_only_cards_and_no_button(tmp_path):
    paths = _project(tmp_path)
    bundle = _panel(paths)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert f'data-id="{ERR}"' in html and f'data-id="{WARN}"' in html
    assert "<button" not in html and "<textarea" not in html


def test_the_ward_list_is_in_triage_order_and_a_ward_opens_by_its_name(tmp_path):
    paths = _project(tmp_path)
    rows = ward_rows(paths)
    # never audited first (it may hide anything), then by open errors
    assert [(r.slug, r.ward, r.province, r.open_errors) for r in rows] == [
        ("xa-binh-minh", "Bình Minh", "Cà Mau", 0), ("xa-an-phu", "An Phú", "Cà Mau", 1)]
    desk = Desk(paths)
    desk.begin()  # no name: nothing happens
    assert desk.auditor is None
    desk.name.value = "  Phạm  Thu "
    desk.begin()
    assert desk.auditor == "Phạm Thu"
    buttons = [b for row in desk.body.children if hasattr(row, "children") for b in row.children
               if getattr(b, "description", None) == "An Phú"]
    buttons[0].click()
    assert desk.error.value == "" and desk.panel is not None and len(desk.panel.cards) == 2
    assert desk.panel.link(paths.ward_report("xa-an-phu")) == "/bao-cao/xa-an-phu.html"
    desk.search.value = "bình"
    assert [getattr(b, "description", "") for row in desk.body.children if hasattr(row, "children")
            for b in row.children if getattr(b, "description", "") in ("An Phú", "Bình Minh")] == ["Bình Minh"]
