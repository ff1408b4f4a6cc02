"""What a ward notebook calls: :func:`load_ward` gives the ward's audit to present.

In the batch, the worker has already audited the ward and stored the audit (:mod:`wardaudit.store`);
the page template it executes passes the parameters it planned with and the key of the stored audit,
and :func:`load_ward` only reads the store. Opened in JupyterLab, the same call plans the ward itself
and, when the store is missing or was made from other inputs (a report changed, a parameter
overridden in the notebook), audits in the kernel: it shows the ward as it is now without writing
anything the batch owns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit.errors import ParametersError
from wardaudit.model.audit import AuditResult
from wardaudit.project.config import Paths, WardParams, relative
from wardaudit.store import RunRecord, WardStore

__all__ = ["UnknownWardError", "WardAudit", "load_ward"]


@dataclass
class WardAudit:
    """One ward's parameters, the audit of each of its reports (oldest period first) and the auditor's
    decisions on its findings (finding id → latest :class:`~wardaudit.review.decisions.Decision`)."""

    params: WardParams
    results: list[AuditResult]
    paths: Paths
    lang: str = "vi"
    reviews: dict[str, Any] = field(default_factory=dict)
    stored: bool = False  # read from the store (True) or audited in this kernel (False)
    run: RunRecord | None = None

    @property
    def latest(self) -> AuditResult | None:
        return self.results[-1] if self.results else None

    @property
    def chart_cache(self) -> Path | None:
        """The ward's drawn charts (:meth:`wardaudit.store.WardStore.chart_folder`), where the batch's worker
        drew them; None for an audit made in this kernel (its charts are drawn here and kept in memory only:
        nothing the batch owns is written)."""
        return WardStore(self.paths, self.params.slug).chart_folder if self.stored else None

    @property
    def facts(self) -> list[Any]:
        """The facts of the latest report (the charts show one report)."""
        return list(self.latest.facts) if self.latest else []


class UnknownWardError(ParametersError):
    """A ward the project has no parameters file for; in a notebook it shows as its one line."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of the traceback
        return [f"{type(self).__name__}: {self.one_line()}"]


def _check_ward(slug: str, paths: Paths) -> None:
    """One line listing the valid slugs when ``slug`` names no parameters file."""
    if paths.ward_params(slug).is_file():
        return
    valid = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
    raise UnknownWardError(f"không có phường/xã '{slug}' (tệp tham số {relative(paths.ward_params(slug), paths)}); "
                           f"tên hợp lệ: {', '.join(valid) or '(chưa có: chạy wardaudit discover)'}",
                           path=relative(paths.ward_params(slug), paths), ward=slug)


def load_ward(slug: str, *, root: str | Path | None = None, params: dict[str, Any] | None = None,
              key: str | None = None, params_file: str | Path | None = None, lang: str | None = None,
              rules_off: list[str] | None = None, carried_over_in_denominator: bool | None = None,
              outline_profile: str | None = None, paths: Paths | None = None) -> WardAudit:
    """The ward's audit, from the store when it is current, else audited here (see the module docstring).

    Parameters
    ----------
    slug
        The ward (its parameters file's name); an unknown one stops with one line listing the valid ones.
    root
        The project folder; by default the one found from the working directory.
    params, key
        Passed by the batch: the parameters it planned with and the key of the audit it stored.
    params_file, lang, rules_off, carried_over_in_denominator, outline_profile
        Notebook overrides; None keeps the parameters file's value. An override that changes the audit
        (rules, the carried-over convention, the outline profile) audits in the kernel.
    """
    from wardaudit.review.decisions import latest, load_decisions

    paths = paths or Paths(Path(root) if root else None)
    store = WardStore(paths, slug)
    results = None
    if params is not None and key is not None:
        ward_params = WardParams(**params)
        results = store.load_audit(key)
    if results is None:
        # the auditing stack is imported only here: a batch's kernel, which reads the store, never needs it
        from wardaudit.audit import audit_reports
        from wardaudit.run.plan import plan_ward

        if not params_file:
            _check_ward(slug, paths)
        overrides = {k: v for k, v in {"rules_off": list(rules_off) if rules_off is not None else None,
                                       "carried_over_in_denominator": carried_over_in_denominator,
                                       "outline_profile": outline_profile}.items() if v is not None}
        plan = plan_ward(slug, paths, overrides, Path(params_file) if params_file else None)
        ward_params = plan.params
        results = store.load_audit(plan.inputs)
        stored = results is not None
        if results is None:
            results = audit_reports([(s.path, s.shown, s.sha256) for s in plan.sources], ward_params,
                                    paths.ocr_cache, plan.unread)
    else:
        stored = True
    if lang is not None:
        ward_params = ward_params.model_copy(update={"lang": lang})
    state = latest(load_decisions(ward_params.slug, paths))
    return WardAudit(params=ward_params, results=results, paths=paths, lang=ward_params.lang, reviews=state,
                     stored=stored, run=store.last_run())
