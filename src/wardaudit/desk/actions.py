"""What the desk's buttons do, without any widget: record a decision, render the ward's page and letter
again from the stored audit, write the letter. Each returns a result the panel shows in one line.
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from wardaudit.errors import AuditError
from wardaudit.project.config import Paths
from wardaudit.review.decisions import Decision, decide


@dataclass(frozen=True)
class Outcome:
    """What an action did: ok or not, the sentence to show, and the files it made (page, letter)."""

    ok: bool
    text: str
    page: Path | None = None
    letter: Path | None = None


def record(slug: str, finding: str, status: str, note: str, by: str, paths: Paths) -> Decision | str:
    """Append the decision to data/reviews/<slug>.yaml; the reason in one line when it is refused."""
    try:
        return decide(slug, finding, status, note, by=by, paths=paths)
    except AuditError as e:
        return e.one_line()


def refresh(slug: str, paths: Paths) -> Outcome:
    """Render the ward's page, letter and the index again, as ``wardaudit run WARD`` does: the stored
    audit is reused when the reports did not change (a change of decisions costs no audit)."""
    from wardaudit.batch.local import run_batch

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = run_batch(wards=[slug], jobs=1, quiet=True, paths=paths)
    except AuditError as e:
        return Outcome(False, e.one_line())
    letter = paths.ward_letter(slug)
    if code != 0:
        from wardaudit.store import WardStore

        run = WardStore(paths, slug).last_run()
        return Outcome(False, f"Không cập nhật được: {run.reason if run and run.reason else out.getvalue()[-300:]}")
    return Outcome(True, "Đã cập nhật trang" + (" và công văn" if letter.exists() else ""),
                   page=paths.ward_report(slug), letter=letter if letter.exists() else None)


def write_ward_letter(slug: str, paths: Paths) -> Outcome:
    """Write reports/<slug>-giai-trinh.docx from the stored audit and the latest decisions."""
    from wardaudit.desk.cards import latest_decisions, ward_audit
    from wardaudit.review.letter import write_letter

    try:
        params, results = ward_audit(slug, paths)
        if results is None:
            return Outcome(False, f"Chưa kiểm tra xã/phường này: bấm “Cập nhật trang” (hoặc chạy wardaudit run {slug})")
        letter = write_letter(params, results, latest_decisions(slug, paths), paths)
    except AuditError as e:
        return Outcome(False, e.one_line())
    if letter is None:
        return Outcome(False, "Chưa có phát hiện nào được xác nhận hoặc đề nghị giải trình: không có công văn")
    return Outcome(True, "Đã tạo công văn", letter=letter)
