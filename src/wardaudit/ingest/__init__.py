"""Readers: one per format, registered by file suffix. :func:`read_document` reads one file;
:func:`ward_intake` lists a ward's folder (what will be read, and why anything else will not)."""
from __future__ import annotations

from pathlib import Path

from wardaudit.ingest.intake import Bundle, Intake, IntakeError, read_bundles, ward_intake
from wardaudit.ingest.read import read_document, supported_suffixes
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, DEFAULT_MAX_PAGES, sha256_file
from wardaudit.project.config import Paths, WardParams

__all__ = ["DEFAULT_MAX_INFLATE_MB", "DEFAULT_MAX_PAGES", "Bundle", "Intake", "IntakeError", "read_bundles",
           "read_document", "sha256_file", "supported_suffixes", "ward_intake", "ward_sources"]


def ward_sources(params: WardParams, paths: Paths) -> list[Path]:
    """The files of a ward that will be read (reports and their appendix workbooks), refusing anything
    that resolves outside data/raw/<slug>/; :func:`ward_intake` also says why the others are not."""
    return ward_intake(params, paths).sources
