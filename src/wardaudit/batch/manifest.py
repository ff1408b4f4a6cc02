"""reports/batch.json (the run manifest), the batch's progress bar and its one-screen summary."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from wardaudit.batch.digest import MANIFEST_SCHEMA
from wardaudit.errors import one_line
from wardaudit.project.config import Paths
from wardaudit.project.iorw import write_text
from wardaudit.run.plan import WardPlan
from wardaudit.version import __version__


@dataclass
class WardRun:
    slug: str
    ward: str | None = None
    status: str = "pending"  # ok | failed | skipped | no_report (the folder holds no report: "chưa nộp")
    reason: str | None = None
    html: str | None = None
    seconds: float | None = None
    counts: dict[str, int] | None = None
    phases: dict[str, float] | None = None  # seconds of each step of the ward's run
    unread: list[str] = field(default_factory=list)  # the ward's files that were not read (names)
    plan: WardPlan | None = field(default=None, repr=False, compare=False)
    attempts: int = 0
    warning: str | None = None  # one line the auditor should see though the ward ran (a damaged decisions file)
    carried: bool = field(default=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("plan", "attempts")}
        if self.plan is not None:
            out["inputs_sha256"] = self.plan.inputs
            out["reviews_sha256"] = self.plan.reviews
            out["template_sha256"] = self.plan.template
        if not self.phases:
            out.pop("phases")
        if not self.unread:
            out.pop("unread")
        if not self.carried:
            out.pop("carried")
        if self.warning is None:
            out.pop("warning")
        return out



class Progress:
    """A tqdm bar over the wards that run, with done/failed/skipped counts; silent when quiet."""

    def __init__(self, total: int, skipped: int, failed: int, quiet: bool):
        self.done, self.failed, self.skipped = 0, failed, skipped
        self.bar = None
        if not quiet:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="ward", desc="wardaudit", file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1)
            self._postfix()

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"xong/done {self.done} · chạy lỗi/run failed {self.failed} · "
                                     f"bỏ qua/skipped {self.skipped}", refresh=False)

    def update(self, run: WardRun) -> None:
        if run.status == "failed":
            self.failed += 1
        else:
            self.done += 1
        if self.bar is not None:
            self._postfix()
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()



def write_manifest(runs: list[WardRun], paths: Paths, meta: dict[str, Any]) -> Path:
    """reports/batch.json; wards of an earlier run that this one did not touch are carried over."""
    target = paths.reports / "batch.json"
    selected = {r.slug for r in runs}
    carried = []
    try:
        previous = json.loads(target.read_text(encoding="utf-8"))
        for w in previous.get("wards", []):
            if w.get("slug") not in selected and paths.ward_params(w.get("slug", "")).exists():
                carried.append({**w, "carried": True})
    except (OSError, ValueError, AttributeError):
        pass
    wards = sorted([r.to_json() for r in runs] + carried, key=lambda w: w["slug"])
    totals = {s: sum(1 for w in wards if w["status"] == s) for s in ("ok", "failed", "skipped", "no_report")}
    doc = {"schema": MANIFEST_SCHEMA, "wardaudit": __version__, **meta, "totals": totals, "wards": wards}
    return write_text(target, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")



def unread_names(summary: dict[str, Any] | None) -> list[str]:
    """The names of the files a ward's summary lists as not read."""
    return [Path(u["file"]).name for u in (summary or {}).get("unread") or [] if isinstance(u, dict) and u.get("file")]


def unread_text(names: list[str]) -> str:
    """'2 tệp không đọc được: a.pages, b.doc' (the reasons are on the ward's page)."""
    return f"{len(names)} tệp không đọc được / not read: {', '.join(names)}" if names else ""


def _counts_text(counts: dict[str, int] | None) -> str:
    """A ward's findings in words: errors (sai sót) and warnings (cảnh báo) are findings, not runs."""
    if not counts:
        return "-"
    return f"{counts.get('error', 0)} sai sót, {counts.get('warning', 0)} cảnh báo, {counts.get('pass', 0)} đạt"


def summary_table(runs: list[WardRun], max_rows: int = 30) -> str:
    """A table that fits on one screen: failures first, then the slowest wards."""
    order = {"failed": 0, "no_report": 1, "ok": 2, "skipped": 3}
    rows = sorted(runs, key=lambda r: (order.get(r.status, 3), -(r.seconds or 0), r.slug))
    shown = rows[:max_rows]
    width = max([len("ward")] + [len(r.slug) for r in shown])
    lines = [f"{'ward':{width}}  {'lần chạy':9}  {'giây':>7}  {'phát hiện':32}  lý do",
             f"{'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 32}  {'-' * 6}"]
    run_words = {"ok": "xong", "failed": "chạy lỗi", "skipped": "bỏ qua", "no_report": "chưa nộp"}
    for r in shown:
        secs = f"{r.seconds:7.1f}" if r.seconds is not None else f"{'-':>7}"
        lines.append(f"{r.slug:{width}}  {run_words.get(r.status, r.status):9}  {secs}  {_counts_text(r.counts):32}  "
                     f"{one_line(r.reason or r.warning or unread_text(r.unread), 90)}")
    if len(rows) > len(shown):
        lines.append(f"… {len(rows) - len(shown)} phường/xã khác / more wards in reports/batch.json")
    return "\n".join(lines)

