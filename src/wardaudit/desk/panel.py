"""The review panel of one ward (ipywidgets): a card per finding, worst first, with its evidence and the
buttons "Xác nhận", "Loại trừ", "Đề nghị giải trình", a note and "Mở lại"; above them "Cập nhật trang"
and "Tạo công văn" with links to the page and the letter.

A click appends the decision at once (:func:`wardaudit.review.decisions.decide`: the same file, the
same ids as ``wardaudit review``) and the card shows its new state. The same panel is the desk's
(:mod:`wardaudit.desk.app`, served by Voilà) and the ward notebook's in JupyterLab
(:func:`review_panel`). Displayed, it offers the live widget and, for a static page, the read-only
finding cards of the ward page: nbconvert's template (``render/nbconvert/wardaudit``) shows those, so a
shared page never carries a button that does nothing.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from wardaudit.desk import actions
from wardaudit.desk.cards import Card, cards, state
from wardaudit.model.audit import AuditResult
from wardaudit.project.config import Paths
from wardaudit.render.templating import macros
from wardaudit.review.statuses import ACTIONS

#: the buttons of a card, in order: (status, button style)
BUTTONS = (("confirmed", "danger"), ("dismissed", ""), ("query", "warning"), ("open", ""))
NEED_NAME = "Nhập họ tên người kiểm tra trước khi quyết định."


def markup(name: str, *args: Any) -> str:
    """The HTML of one desk macro (render/templates/desk.html.j2), for an ipywidgets HTML widget."""
    return str(getattr(macros("desk.html.j2"), name)(*args))


class CardView:
    """One finding's card: what the report says, its state, a note and the decision buttons."""

    def __init__(self, card: Card, decision: Any, on_decide: Callable[[CardView, str], None]):
        self.card = card
        self.body = w.HTML(markup("card", card.data()))
        self.state = w.HTML()
        self.note = w.Textarea(placeholder="Ghi chú (bắt buộc khi loại trừ)", layout=w.Layout(width="98%",
                                                                                                  height="52px"))
        self.buttons = {s: w.Button(description=ACTIONS[s], button_style=style, tooltip=ACTIONS[s],
                                    layout=w.Layout(width="auto")) for s, style in BUTTONS}
        for status, button in self.buttons.items():
            button.on_click(lambda _b, status=status: on_decide(self, status))
        self.message = w.HTML()
        self.box = w.VBox([self.body, self.state, self.note, w.HBox(list(self.buttons.values())), self.message])
        self.box.add_class("wa-card")
        self.box.add_class(f"wa-card-{card.id}")
        self.box.add_class(f"wa-sev-{card.severity}")
        self.status = "open"
        self.show(decision)

    def show(self, decision: Any) -> None:
        """Draw the card in the state ``decision`` leaves it (None: not reviewed)."""
        s = state(decision)
        self.box.remove_class(f"wa-st-{self.status}")
        self.status = s["status"]
        self.box.add_class(f"wa-st-{self.status}")
        self.state.value = markup("state", s)
        self.buttons["open"].disabled = self.status == "open"

    def say(self, text: str, ok: bool = False) -> None:
        self.message.value = markup("text", text, "ok" if ok else "error") if text else ""


class ReviewPanel:
    """The panel of one ward (see the module's docstring).

    Parameters
    ----------
    slug, paths
        The ward and the project.
    results, reviews
        The ward's stored audit (oldest report first) and its latest decisions (finding id → Decision).
    auditor
        Who decides: a callable giving the name asked once per session (the desk); None shows a name field.
    link
        The address of a page or letter of reports/ for a link (default: relative to notebooks/).
    """

    def __init__(self, slug: str, paths: Paths, results: list[AuditResult] | None, reviews: Mapping[str, Any],
                 *, auditor: Callable[[], str | None] | None = None, link: Callable[[Path], str] | None = None):
        self.slug, self.paths, self.results = slug, paths, results or []
        self.reviews = dict(reviews)
        self.name = w.Text(placeholder="Họ và tên", description="Người kiểm tra:",
                           style={"description_width": "initial"}) if auditor is None else None
        self.auditor = auditor or (lambda: (self.name.value or "").strip() or None)
        self.link = link or (lambda p: Path(os.path.relpath(p, paths.notebooks)).as_posix())
        self.cards = [CardView(c, c.decision(self.reviews), self.decide) for c in cards(self.results)]
        self.refresh_button = w.Button(description="Cập nhật trang", button_style="primary",
                                       tooltip="Dựng lại trang và công văn từ kết quả kiểm tra đã lưu")
        self.letter_button = w.Button(description="Tạo công văn", button_style="info",
                                      tooltip="Viết công văn đề nghị chỉnh sửa, giải trình")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.letter_button.on_click(lambda _b: self.write_letter())
        self.status = w.HTML()
        self.links = w.HTML()
        self._busy = threading.Lock()
        self._show_links()
        empty = [] if self.cards else [w.HTML(markup("text", "Không có phát hiện nào cần xem xét.", "ok"))]
        head = [w.HTML(markup("style"))] + ([self.name] if self.name is not None else [])
        self.widget = w.VBox(head + [w.HBox([self.refresh_button, self.letter_button]), self.status, self.links]
                             + empty + [c.box for c in self.cards])
        self.widget.add_class("wa-panel")

    # --- the buttons --------------------------------------------------------------------------------
    def decide(self, view: CardView, status: str) -> None:
        """Record ``status`` on the card's finding with its note; show the new state or why not."""
        by = self.auditor()
        if not by:
            view.say(NEED_NAME)
            return
        if status == "dismissed" and not view.note.value.strip():
            view.say("Loại trừ cần ghi lý do vào ô ghi chú.")
            return
        done = actions.record(self.slug, view.card.id, status, view.note.value, by, self.paths)
        if isinstance(done, str):
            view.say(done)
            return
        self.reviews[done.id] = done
        view.show(done)
        view.note.value = ""
        view.say("Đã ghi quyết định; bấm “Cập nhật trang” để trang và công văn theo kịp.", ok=True)

    def refresh(self, wait: bool = False) -> None:
        """Render the ward's page and letter again from the stored audit, in the background."""
        if not self._busy.acquire(blocking=False):
            return
        self.refresh_button.disabled = True
        self.status.value = markup("text", "Đang cập nhật trang và công văn… (có thể mất một phút)", "muted")

        def run() -> None:
            try:
                outcome = actions.refresh(self.slug, self.paths)
                self.status.value = markup("text", outcome.text, "ok" if outcome.ok else "error")
                self._show_links()
            finally:
                self.refresh_button.disabled = False
                self._busy.release()

        thread = threading.Thread(target=run, name=f"wardaudit-refresh-{self.slug}", daemon=True)
        thread.start()
        if wait:
            thread.join()

    def write_letter(self) -> None:
        outcome = actions.write_ward_letter(self.slug, self.paths)
        self.status.value = markup("text", outcome.text, "ok" if outcome.ok else "error")
        self._show_links()

    def _show_links(self) -> None:
        items = [(label, self.link(p)) for label, p in (("Mở trang kiểm tra", self.paths.ward_report(self.slug)),
                                                        ("Tải công văn (.docx)", self.paths.ward_letter(self.slug)))
                 if p.exists()]
        self.links.value = markup("links", items) if items else ""

    # --- display ------------------------------------------------------------------------------------
    def staticmarkup(self) -> str:
        """The read-only finding cards of the ward page, with the decisions as they are now."""
        from wardaudit.render.evidence import findings

        return findings(self.results, lang="vi", reviews=self.reviews)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.staticmarkup()
        return bundle


def review_panel(audit: Any, *, auditor: Callable[[], str | None] | None = None) -> ReviewPanel:
    """The review panel of a ward loaded by :func:`wardaudit.run.present.load_ward` (the ward notebook)."""
    return ReviewPanel(audit.params.slug, audit.paths, audit.results, audit.reviews, auditor=auditor)
