"""What a ward's run depends on, as content hashes: a ward whose hash is unchanged is skipped.

The audit's inputs (reports, parameters file, package) are hashed apart from the auditor's
decisions (``reviews.sha256``) and the ward notebook (``notebook.sha256``): when only those
changed, the ward is re-rendered from its stored audit, never re-audited.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from wardaudit.ingest import sha256_file, ward_intake
from wardaudit.project.config import Paths, WardParams
from wardaudit.run.digest import package_digest

MANIFEST_SCHEMA = "wardaudit.batch/1"
DIGEST_FILE = "inputs.sha256"
REVIEWS_DIGEST = "reviews.sha256"
NOTEBOOK_DIGEST = "notebook.sha256"
PORTFOLIO_DIGEST = "portfolio.sha256"
WARD_NOTEBOOK = "ward_audit.ipynb"

__all__ = ["package_digest", "ward_inputs_digest", "notebook_digest", "read_digest", "portfolio_digest"]


def ward_inputs_digest(params: WardParams, paths: Paths, params_file: Path) -> str:
    """One content hash over everything a ward's run depends on.

    The files the ward reads (:func:`wardaudit.ingest.ward_intake`) by content, the files it does not read
    by name and reason (a new file in the folder, or LibreOffice installed for a .doc, is news), its
    parameters file, and the package (:func:`package_digest`): what the audit reads. The ward notebook only renders
    the audit and is hashed apart (:func:`notebook_digest`), so saving it in JupyterLab re-renders
    every ward from its stored audit instead of re-auditing. File names enter relative to the ward
    folder, so a project copied elsewhere keeps its digests.
    """
    h = hashlib.sha256(f"{MANIFEST_SCHEMA}\n".encode())
    folder = paths.ward_raw(params.slug)
    intake = ward_intake(params, paths)
    for src in intake.sources:
        h.update(f"raw\t{src.relative_to(folder).as_posix()}\t{sha256_file(src)}\n".encode())
    for u in intake.unread:
        h.update(f"unread\t{u.file}\t{u.reason}\n".encode())
    h.update(f"params\t{sha256_file(params_file)}\n".encode())
    h.update(f"package\t{package_digest()}\n".encode())
    return h.hexdigest()


def notebook_digest(paths: Paths) -> str:
    """The ward notebook's content hash (what a ward's page is rendered with)."""
    notebook = paths.notebooks / WARD_NOTEBOOK
    return sha256_file(notebook) if notebook.exists() else "-"


def read_digest(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None



def portfolio_digest(failed: Iterable[tuple[str, str | None]], paths: Paths) -> str:
    """A hash of what the portfolio shows: the package, every ward's digests, and the failures
    (slug, reason) of this run; unchanged, the portfolio is not rendered again."""
    h = hashlib.sha256(f"{package_digest()}\n".encode())
    folders = sorted(p for p in paths.processed.iterdir() if p.is_dir()) if paths.processed.is_dir() else []
    names = {p.stem for p in paths.parameters.glob("*.yaml")} if paths.parameters.is_dir() else set()
    h.update(f"wards\t{' '.join(sorted(names))}\n".encode())
    for d in folders:
        inputs, reviews = read_digest(d / DIGEST_FILE) or "-", read_digest(d / REVIEWS_DIGEST) or "-"
        h.update(f"{d.name}\t{inputs}\t{reviews}\n".encode())
    # "ok" and "skipped" both mean the outputs match the digests above; only failures add news
    for slug, reason in sorted(failed):
        h.update(f"{slug}\tfailed\t{reason or ''}\n".encode())
    return h.hexdigest()
