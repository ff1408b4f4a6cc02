"""The review panel in the ward notebook: in a live kernel (nbclient) the widgets are made (their state is
stored in the notebook) and a click records a decision; rendered as a static page, the panel is the
read-only finding cards and no button is left dead."""
from __future__ import annotations

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from conftest import copy_project
from wardaudit.run.notebook import render_page
from wardaudit.run.ward import execute_ward
from wardaudit.store import WardStore

pytestmark = [pytest.mark.slow]
WARD = "vinh-thong"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CLICK = ('panel = review_panel(audit)\npanel.name.value = "Đỗ Minh"\ncard = panel.cards[0]\n'
         'card.note.value = "Số liệu khớp bản giấy"\ncard.buttons["dismissed"].click()\n'
         'print(card.status, card.card.id)')


def test_the_notebook_shows_the_review_panel_live_and_read_only_cards_when_static(tmp_path, monkeypatch):
    paths = copy_project(tmp_path / "project", (WARD,))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert execute_ward(WARD, paths)["status"] == "ok"
    failing = {c.id for r in WardStore(paths, WARD).load_audit() for c in r.checks if c.status == "fail"}
    nb = nbformat.read(str(paths.notebooks / "ward_audit.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CLICK))
    NotebookClient(nb, kernel_name="python3", timeout=900, store_widget_state=True,
                   resources={"metadata": {"path": str(paths.notebooks)}}).execute()

    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    buttons = [m["state"]["description"] for m in state.values() if m["model_name"] == "ButtonModel"]
    for label in ("Xác nhận", "Loại trừ", "Đề nghị giải trình", "Mở lại"):
        assert buttons.count(label) == 2 * len(failing), label  # the panel's cards, and the clicking cell's
    assert buttons.count("Cập nhật trang") == 2 and buttons.count("Tạo công văn") == 2
    panel_out = next(o for c in nb.cells if c.source.splitlines()[-1] == "review_panel(audit)" for o in c.outputs
                     if o.output_type in ("display_data", "execute_result"))
    assert WIDGET_VIEW in panel_out.data and 'class="finding' in panel_out.data["text/html"]

    status, finding = nb.cells[-1].outputs[0].text.split()
    assert status == "dismissed" and finding in failing
    entry = yaml.safe_load(paths.ward_reviews(WARD).read_text(encoding="utf-8"))[-1]
    assert (entry["id"], entry["status"], entry["note"], entry["by"]) == (finding, "dismissed",
                                                                          "Số liệu khớp bản giấy", "Đỗ Minh")

    page = render_page(nb, tmp_path / "static.html", "static").read_text(encoding="utf-8")
    assert "<button" not in page and "<textarea" not in page and "<script" not in page
    assert WIDGET_STATE not in page and "jupyter-widgets" not in page
    assert all(f'data-id="{f}"' in page for f in failing)  # every finding as a read-only card
