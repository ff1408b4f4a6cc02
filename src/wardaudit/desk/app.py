"""The desk: what ``wardaudit desk`` serves (Voilà runs ``desk/desk.ipynb``, which shows :class:`Desk`).

Three steps, no Python from the auditor: the auditor's name, asked once per session and kept with each
decision; the list of wards by name (province, open errors, queried, last run), sorted for triage and
narrowed by typing part of a name; a ward's review panel (:class:`~wardaudit.desk.panel.ReviewPanel`).
"""
from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from wardaudit.desk.cards import WardRow, latest_decisions, ward_audit, ward_rows
from wardaudit.desk.panel import ReviewPanel, markup
from wardaudit.project.config import Paths

#: where the desk's server serves reports/ (pages and letters); see wardaudit.desk.server
REPORTS_URL = "bao-cao/"
#: wards listed at once; typing part of a name narrows the list
LIST_MAX = 60
COLUMNS = (("Xã/phường", "230px"), ("Tỉnh/thành phố", "170px"), ("Sai sót chưa xử lý", "130px"),
           ("Đề nghị giải trình", "130px"), ("Chưa xem xét", "110px"), ("Lần chạy gần nhất", "220px"))


class Desk:
    """The desk's screens (see the module's docstring); ``base_url`` is where the server runs."""

    def __init__(self, paths: Paths | None = None, base_url: str = "/"):
        self.paths = paths or Paths()
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.auditor: str | None = None
        self.panel: ReviewPanel | None = None
        self.name = w.Text(placeholder="Họ và tên", description="Người kiểm tra:",
                           style={"description_width": "initial"}, layout=w.Layout(width="420px"))
        self.start = w.Button(description="Bắt đầu", button_style="primary")
        self.start.on_click(lambda _b: self._safely(self.begin))
        self.who = w.HTML()
        self.search = w.Text(placeholder="Gõ một phần tên xã/phường", description="Tìm:",
                             layout=w.Layout(width="420px"))
        self.search.observe(lambda _c: self._safely(self.show_list), names="value")
        self.body = w.VBox()
        self.error = w.HTML()
        self.widget = w.VBox([w.HTML(markup("style")), w.HTML(markup("heading", "Bàn kiểm tra báo cáo xã/phường",
                              "Duyệt từng phát hiện bằng nút bấm; mọi quyết định được ghi vào data/reviews/.")),
                              self.who, self.error, self.body])
        self.widget.add_class("wa-desk-app")
        self.body.children = [w.HTML(markup("text", "Nhập họ tên của bạn: tên được ghi kèm mỗi quyết định.", "")),
                              w.HBox([self.name, self.start])]

    def link(self, path: Path) -> str:
        return f"{self.base_url}{REPORTS_URL}{path.name}"

    def begin(self) -> None:
        """Keep the auditor's name for the session and show the wards."""
        name = " ".join((self.name.value or "").split())
        if not name:
            return
        self.auditor = name
        self.who.value = markup("text", f"Người kiểm tra: {name}", "muted")
        self.show_list()

    def show_list(self) -> None:
        """The wards in triage order, narrowed by the search box."""
        wanted = (self.search.value or "").strip().casefold()
        rows = [r for r in ward_rows(self.paths) if not wanted or wanted in r.ward.casefold() or wanted in r.slug]
        head = w.HBox([w.HTML(markup("cell", title), layout=w.Layout(width=width)) for title, width in COLUMNS])
        head.add_class("wa-ward-head")
        lines = [self._row(r) for r in rows[:LIST_MAX]]
        more = ([w.HTML(markup("text", f"… và {len(rows) - LIST_MAX} xã/phường khác: gõ tên để tìm.", "muted"))]
                if len(rows) > LIST_MAX else [])
        note = [] if rows else [w.HTML(markup("text", "Không có xã/phường nào khớp.", "muted"))]
        self.body.children = [w.HTML(markup("ward_head", {"title": "Danh sách xã/phường", "note": (
            "Xếp theo thứ tự cần xem trước: chạy lỗi, chưa kiểm tra, rồi số sai sót và cảnh báo chưa xử lý. "
            "Bấm tên một xã/phường để xem các phát hiện.")})), self.search, head, *lines, *more, *note]

    def _row(self, r: WardRow) -> w.HBox:
        button = w.Button(description=r.ward, tooltip=f"Mở {r.ward} ({r.slug})", layout=w.Layout(width="220px"))
        button.on_click(lambda _b, slug=r.slug: self._safely(self.open, slug))
        cells = [r.province or "—", str(r.open_errors), str(r.query), str(r.open), r.last_run or "chưa chạy"]
        classes = ["", "bad" if r.open_errors else "", "", "", "" if r.last_run else "muted"]
        widths = [width for _, width in COLUMNS]
        row = w.HBox([button] + [w.HTML(markup("cell", text, cls), layout=w.Layout(width=width))
                                 for text, cls, width in zip(cells, classes, widths[1:], strict=True)])
        row.add_class("wa-ward-row")
        row.add_class(f"wa-ward-{r.slug}")
        return row

    def open(self, slug: str) -> None:
        """Show the ward's review panel."""
        params, results = ward_audit(slug, self.paths)
        back = w.Button(description="← Danh sách xã/phường", layout=w.Layout(width="220px"))
        back.on_click(lambda _b: self._safely(self.show_list))
        self.panel = ReviewPanel(slug, self.paths, results, latest_decisions(slug, self.paths),
                                 auditor=lambda: self.auditor, link=self.link)
        where = ", ".join(x for x in (params.province,) if x)
        title = " ".join(x for x in (params.level.capitalize(), params.ward) if x) + (f" ({where})" if where else "")
        note = ("Chưa kiểm tra: bấm “Cập nhật trang” để kiểm tra báo cáo." if results is None else
                f"{len(self.panel.cards)} phát hiện, nặng nhất trước. Mỗi lần bấm được ghi ngay vào "
                f"data/reviews/{slug}.yaml.")
        self.body.children = [back, w.HTML(markup("ward_head", {"title": title, "note": note})), self.panel.widget]

    def _safely(self, action, *args) -> None:
        """Run a button's action; a failure is shown in one line instead of vanishing in the kernel's log."""
        from wardaudit.errors import one_line

        self.error.value = ""
        try:
            action(*args)
        except Exception as e:  # noqa: BLE001 - the auditor sees what went wrong, the desk stays usable
            self.error.value = markup("text", one_line(f"Lỗi / error: {type(e).__name__}: {e}"), "error")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
