"""A ward's intake: every file of data/raw/<ward>/ is read, or named with the reason it is not.

:func:`ward_intake` lists the folder without reading anything: the files a reader is registered
for, grouped into reports and the workbooks attached to them (:class:`Bundle`), and every other
file with its reason (:class:`~wardaudit.model.findings.Unread`): a format no reader handles
("định dạng .pages chưa hỗ trợ"), an empty file, a tool this machine lacks ("cần LibreOffice"), a
hidden or temporary file, a sub-folder, a file the parameters' ``sources`` leave out.
:func:`read_bundles` then reads each report with its appendix files; a file that cannot be read
("tệp hỏng") joins the unread list and the others are read. A ward left with nothing readable is a
failed intake whose one line names every file (:class:`IntakeError`), never "no report".

**Appendix files.** A workbook (.xlsx, .xls, .ods) beside a report is that report's appendix: its
sheets are appended to the report's document (:func:`wardaudit.ingest.appendix.attach`), so its rows
are facts of the report, its totals are footed and its figures tied to the narrative like any
appendix table, and the ward has one report to audit, not two. With several reports in the folder a
workbook goes to the report whose file name shares the longest start with its own
(``bao-cao-quy-3.docx`` ← ``bao-cao-quy-3-phu-luc.xlsx``), the first in name order on a tie. A folder
of workbooks and nothing else: each workbook is audited as a report of its own.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wardaudit.errors import InputError, ParametersError
from wardaudit.ingest.appendix import attach
from wardaudit.ingest.office import needs_reason
from wardaudit.ingest.read import read_document, supported_suffixes, unsupported_reason
from wardaudit.model.document import Document
from wardaudit.model.findings import Unread
from wardaudit.project.config import Paths, WardParams, relative

WORKBOOKS = (".xlsx", ".xls", ".ods")
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}


class IntakeError(InputError):
    """Nothing in the ward's folder could be read; the reason names each file and why."""


@dataclass(frozen=True)
class Bundle:
    """One report to audit and the workbooks attached to it as appendices."""

    report: Path
    appendices: tuple[Path, ...] = ()


@dataclass
class Intake:
    """What a ward's folder holds: the bundles to read and the files that will not be."""

    folder: Path
    bundles: list[Bundle] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    @property
    def sources(self) -> list[Path]:
        """Every file that will be read (reports first, each followed by its appendices)."""
        return [p for b in self.bundles for p in (b.report, *b.appendices)]

    def require_readable(self, shown: str, ward: str | None = None) -> None:
        """Raise :class:`IntakeError` naming every file when there is nothing to read."""
        if not self.bundles:
            raise IntakeError(nothing_readable(shown, self.unread), path=shown, ward=ward)


def nothing_readable(shown: str, unread: list[Unread]) -> str:
    """'<folder>: không có tệp nào đọc được: a.pages (định dạng .pages chưa hỗ trợ); …' in one line; a folder
    of one file gives that file's own line ('<file>: tệp rỗng / the file is empty')."""
    if not unread:
        return f"{shown}: thư mục không có tệp nào / the ward folder is empty"
    if len(unread) == 1:
        return f"{unread[0].file}: {unread[0].reason}"
    listed = "; ".join(f"{Path(u.file).name} ({u.reason})" for u in unread)
    return f"{shown}: không có tệp nào đọc được / no readable file: {listed}"


def _why_not(path: Path, suffixes: set[str]) -> str | None:
    """Why a folder entry is not read, or None when a reader will read it."""
    name = path.name
    if path.is_dir():
        return "thư mục con, không được đọc (đặt các tệp ngay trong thư mục của phường/xã) / a sub-folder is not read"
    if name.startswith((".", "~$", "~")) or name.lower() in _SYSTEM_FILES:
        return "tệp ẩn, tệp tạm hoặc tệp hệ thống, không phải báo cáo / hidden, temporary or system file"
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        return unsupported_reason(suffix)
    if not path.is_file():
        return "không phải tệp thường / not a regular file"
    if path.stat().st_size == 0:
        return "tệp rỗng / the file is empty"
    return needs_reason(suffix)


def _inside(f: Path, folder: Path, ward: str) -> Path:
    if folder.resolve() not in f.resolve().parents:
        raise ParametersError(f"{f}: trỏ ra ngoài thư mục của phường/xã / points outside the ward folder",
                              path=str(f), ward=ward)
    return f


def _common_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.lower(), b.lower(), strict=False):
        if x != y:
            break
        n += 1
    return n


def bundle(readable: list[Path]) -> list[Bundle]:
    """Reports with their workbooks attached (see the module's docstring)."""
    reports = [p for p in readable if p.suffix.lower() not in WORKBOOKS]
    books = [p for p in readable if p.suffix.lower() in WORKBOOKS]
    if not reports:
        return [Bundle(p) for p in books]
    attached: dict[Path, list[Path]] = {r: [] for r in reports}
    for book in books:
        best = max(reports, key=lambda r: (_common_start(r.stem, book.stem), -reports.index(r)))
        attached[best].append(book)
    return [Bundle(r, tuple(attached[r])) for r in reports]


def ward_intake(params: WardParams, paths: Paths) -> Intake:
    """List data/raw/<slug>/ (nothing is read): bundles to read, and every other file with its reason.

    Refuses a folder or a file that resolves outside data/raw/<slug>/, and a file the parameters'
    ``sources`` name that does not exist (:class:`ParametersError`)."""
    folder = paths.ward_raw(params.slug)
    raw_root = paths.raw.resolve()
    if not folder.is_dir():
        raise ParametersError(f"{folder}: thư mục của phường/xã không tồn tại / ward folder missing",
                              path=str(folder), ward=params.ward)
    if raw_root not in folder.resolve().parents:
        raise ParametersError(f"{folder}: nằm ngoài data/raw / escapes data/raw", path=str(folder))
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    chosen = [_inside(folder / s, folder, params.ward) for s in params.sources] if params.sources else None
    suffixes = set(supported_suffixes())
    intake = Intake(folder=folder)
    readable = []
    for f in chosen if chosen is not None else entries:
        if not f.exists():  # the parameters name a file that is not there: the ward's set-up is wrong
            raise ParametersError(f"{relative(f, paths)}: không tìm thấy tệp / file not found", path=str(f),
                                  ward=params.ward)
        why = _why_not(f, suffixes)
        if why is None:
            readable.append(_inside(f, folder, params.ward))
        else:
            intake.unread.append(Unread(relative(f, paths), why))
    if chosen is not None:
        left_out = [e for e in entries if e not in chosen]
        intake.unread += [Unread(relative(e, paths), "không có trong 'sources' của tệp tham số / not listed "
                                                     "in the parameters' sources") for e in left_out]
    intake.bundles = bundle(readable)
    return intake


def reason_of(e: InputError, shown: str) -> str:
    """An input error's reason without the file name it starts with (the unread list names the file)."""
    text = " ".join(e.reason.split())
    return text[len(shown) + 2:] if text.startswith(f"{shown}: ") else text


Reader = Callable[..., Document]


def read_bundle(b: Bundle, shown: Callable[[Path], str], read: Reader = read_document,
                **options: object) -> tuple[Document, list[Unread]]:
    """Read a report and attach its workbooks; a workbook that cannot be read is listed, not fatal.

    ``shown(path)`` is how a file is named to users; ``options`` go to the reader (``max_pages``,
    ``max_inflate_mb``, ``cache_dir``). Raises :class:`InputError` when the report itself is unreadable.
    """
    from wardaudit.ingest.structure import annotate

    doc = read(b.report, display_path=shown(b.report), structure=False, **options)
    unread = []
    for book in b.appendices:
        try:
            sheets = read(book, display_path=shown(book), structure=False, **options)
        except InputError as e:
            unread.append(Unread(shown(book), reason_of(e, shown(book))))
            continue
        attach(doc, sheets)
    annotate(doc)
    return doc, unread


def read_bundles(bundles: list[Bundle], shown: Callable[[Path], str], read: Reader = read_document,
                 unread: Iterable[Unread] = (), **options: object) -> tuple[list[Document], list[Unread]]:
    """Every bundle read: (documents, the files that could not be read, with their reasons).

    A report that cannot be read is listed and its workbooks are read as reports of their own.
    Nothing readable at all raises :class:`IntakeError` naming each file, those of ``unread`` (the
    listing's) first."""
    docs: list[Document] = []
    missed: list[Unread] = []
    queue = list(bundles)
    while queue:
        b = queue.pop(0)
        try:
            doc, failed = read_bundle(b, shown, read, **options)
        except InputError as e:
            missed.append(Unread(shown(b.report), reason_of(e, shown(b.report))))
            queue += [Bundle(book) for book in b.appendices]
            continue
        docs.append(doc)
        missed += failed
    if not docs:
        folder = str(Path(shown(bundles[0].report)).parent) if bundles else "?"
        raise IntakeError(nothing_readable(folder, [*unread, *missed]), path=folder)
    return docs, missed
