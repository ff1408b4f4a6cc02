"""A ward's run, planned once: its parameters, its report files with their hashes, and the digests
that say what the run depends on.

:func:`plan_ward` is the first step of a ward's run (``plan → audit → store → summarise → present →
render → letter``, :mod:`wardaudit.run.ward`). The batch plans every ward in its main process to
decide what to run, and hands the :class:`WardPlan` to the worker (it pickles, for a process pool
and for Dask): the parameters are read and validated once, each report is hashed once, and no later
step reads either again.

Three digests, kept apart so that each change costs only what it must:

- ``inputs`` — the report files (name and content), the files of the folder that are not read (name
  and reason: a new file, or LibreOffice installed for a .doc, is news), the parameters (their
  validated values, so a comment changes nothing) and the package: what the audit reads. Changed: the
  ward is audited again.
- ``reviews`` — the auditor's decisions file: the page, letter and index are rendered again from the
  stored audit.
- ``template`` — the page template (the notebook the batch executes): every page is rendered again,
  nothing is audited again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardaudit.errors import ParametersError
from wardaudit.ingest import sha256_file, ward_intake
from wardaudit.model.findings import Unread
from wardaudit.project.config import Paths, WardParams, load_params, relative
from wardaudit.run.digest import package_digest, template_digest

PLAN_SCHEMA = "wardaudit.plan/1"


@dataclass(frozen=True)
class Source:
    """One report file of the ward: where it is, how it is shown, its content hash and size."""

    path: Path
    shown: str
    sha256: str
    size: int


@dataclass(frozen=True)
class WardPlan:
    """What one ward's run reads and depends on (see the module's docstring)."""

    slug: str
    params: WardParams
    params_file: Source
    sources: tuple[Source, ...]
    inputs: str
    reviews: str
    template: str
    unread: tuple[Unread, ...] = ()  # the folder's files that will not be read, with their reasons

    @property
    def size(self) -> int:
        """Bytes of report to read: the batch starts the largest wards first."""
        return sum(s.size for s in self.sources)


def params_digest(params: WardParams) -> str:
    """A hash of the parameters' validated values (a comment or a key's order changes nothing)."""
    return hashlib.sha256(json.dumps(params.model_dump(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def inputs_digest(params: WardParams, sources: tuple[Source, ...], folder: Path,
                  unread: tuple[Unread, ...] = ()) -> str:
    """One hash over what the audit reads: each report's name (within the ward folder) and content,
    each unread file's name and reason, the parameters, the package. A project copied elsewhere keeps
    its digests."""
    h = hashlib.sha256(f"{PLAN_SCHEMA}\n".encode())
    for s in sources:
        h.update(f"raw\t{s.path.relative_to(folder).as_posix()}\t{s.sha256}\n".encode())
    for u in unread:
        h.update(f"unread\t{Path(u.file).name}\t{u.reason}\n".encode())
    h.update(f"params\t{params_digest(params)}\n".encode())
    h.update(f"package\t{package_digest()}\n".encode())
    return h.hexdigest()


def plan_ward(slug: str, paths: Paths, overrides: dict[str, Any] | None = None,
              params_file: Path | None = None) -> WardPlan:
    """Read and validate the ward's parameters (with ``overrides`` applied), list and hash its reports.

    Raises :class:`~wardaudit.errors.ParametersError` (one line naming the file) when the parameters
    are invalid or name another ward, :class:`~wardaudit.ingest.IntakeError` when the folder holds
    nothing readable (the line names each file and why).
    """
    from wardaudit.review.decisions import decisions_digest

    file = params_file or paths.ward_params(slug)
    params = load_params(file, paths)
    if params_file is None and params.slug != slug:
        raise ParametersError(f"{relative(file, paths)}: slug '{params.slug}' khác tên tệp / "
                              f"differs from the file name '{slug}'", path=str(file))
    if overrides:
        params = WardParams(**{**params.model_dump(), **overrides})
    intake = ward_intake(params, paths)
    intake.require_readable(relative(paths.ward_raw(params.slug), paths), params.ward)
    files = intake.sources
    sources = tuple(Source(f, relative(f, paths), sha256_file(f), f.stat().st_size) for f in files)
    params_source = Source(file, relative(file, paths), sha256_file(file), file.stat().st_size)
    return WardPlan(slug=params.slug, params=params, params_file=params_source, sources=sources,
                    inputs=inputs_digest(params, sources, paths.ward_raw(params.slug), tuple(intake.unread)),
                    reviews=decisions_digest(params.slug, paths), template=template_digest(),
                    unread=tuple(intake.unread))
