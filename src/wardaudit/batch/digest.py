"""What the portfolio shows, as a content hash: unchanged, the index is not rendered again.

A ward's own digests (what its audit read, the auditor's decisions, the page template) are planned by
:mod:`wardaudit.run.plan` and kept in its store (:mod:`wardaudit.store`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from wardaudit.ingest import sha256_file
from wardaudit.project.config import Paths
from wardaudit.run.digest import package_digest
from wardaudit.store import WardStore, stored_wards

MANIFEST_SCHEMA = "wardaudit.batch/1"
PORTFOLIO_DIGEST = "portfolio.sha256"

__all__ = ["MANIFEST_SCHEMA", "PORTFOLIO_DIGEST", "portfolio_digest", "read_digest"]


def read_digest(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None


def portfolio_digest(failed: Iterable[tuple[str, str | None]], paths: Paths) -> str:
    """A hash of what the portfolio shows: the package, project.yaml, every ward's digests, and the
    failures and wards with no report (slug, reason) of this run; unchanged, the portfolio is not
    rendered again."""
    h = hashlib.sha256(f"{package_digest()}\n".encode())
    names = {p.stem for p in paths.parameters.glob("*.yaml")} if paths.parameters.is_dir() else set()
    h.update(f"wards\t{' '.join(sorted(names))}\n".encode())
    # the provinces in scope and the calendar decide who "has not reported"
    h.update(f"project\t{sha256_file(paths.project_file) if paths.project_file.exists() else '-'}\n".encode())
    for slug in stored_wards(paths):
        store = WardStore(paths, slug)
        h.update(f"{slug}\t{store.digest('inputs') or '-'}\t{store.digest('reviews') or '-'}\n".encode())
    # "ok" and "skipped" both mean the outputs match the digests above; only failures add news
    for slug, reason in sorted(failed):
        h.update(f"{slug}\tfailed\t{reason or ''}\n".encode())
    return h.hexdigest()
