"""A hash of the package itself: what every ward's audit depends on besides its own inputs.

The ward's plan (:mod:`wardaudit.run.plan`) puts it in the key of the stored audit, so a ward whose
inputs and package are unchanged is not audited again.
"""
from __future__ import annotations

from pathlib import Path

from wardaudit.ingest import sha256_file
from wardaudit.version import package_files_digest

#: the page template the batch executes (package data; edit it on purpose to change every page)
TEMPLATE = Path(__file__).resolve().parent / "templates" / "ward_audit.ipynb"

_package_digest: str | None = None


def template_digest() -> str:
    """The page template's content hash: changed, every ward's page is rendered again, none audited."""
    return sha256_file(TEMPLATE)


def package_digest() -> str:
    """A hash of the package's version and of every source and data file it ships.

    Any edit to the code, a catalogue or a Jinja2 template changes it, so every ward is audited again;
    the page template is left out (:func:`template_digest`): changing it renders the pages again only.
    """
    global _package_digest
    if _package_digest is None:  # once per process, like the package it describes
        package, template = Path(__file__).resolve().parents[1], TEMPLATE.resolve()
        leave_out = (template.relative_to(package).as_posix(),) if template.is_relative_to(package) else ()
        _package_digest = package_files_digest(leave_out)
    return _package_digest
