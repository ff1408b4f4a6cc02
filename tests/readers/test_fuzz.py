"""Fuzzing the readers: random outlines and tables through the text reader and the section-tree
builder (hypothesis), and randomly corrupted copies of the sample renderings through
:func:`wardaudit.ingest.read_document`.

Nothing may escape but the package's own errors (:class:`~wardaudit.errors.AuditError`), and a
corrupted file gives a Document or an :class:`~wardaudit.errors.InputError` naming the file,
within a bounded time. The number of cases run is checked against the plan and reported as a
``UserWarning`` (``fuzz: ...``) in pytest's warnings summary.
"""
from __future__ import annotations

import faulthandler
import io
import logging
import multiprocessing
import random
import time
import warnings
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wardaudit.ingest.docx  # noqa: F401 - see test_importing_one_reader_first_keeps_the_others
import wardaudit.ingest.pdf  # noqa: F401
from wardaudit.errors import AuditError, InputError
from wardaudit.ingest.structure import annotate
from wardaudit.ingest.text import parse_text
from wardaudit.model.document import Document

RENDERINGS = Path(__file__).parents[1] / "fixtures" / "renderings"
FILE = "fuzz.txt"

TREE_EXAMPLES = 500
TABLE_EXAMPLES = 500
VARIANTS_PER_FILE = 40
CASE_SECONDS = 20  # a worker still reading one file after this long is killed: a hang
PDF_PAGE_LIMIT = 6  # most PDF variants read a few pages (fast); every 4th reads the whole file

_counts = {"hypothesis": 0, "hypothesis_planned": 0, "files": 0, "files_planned": 0}


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    """After the module's tests: one line with the number of cases run (pytest -q shows it)."""
    yield
    if _counts["hypothesis"] or _counts["files"]:
        warnings.warn(f"fuzz: {_counts['files']} corrupted files (planned {_counts['files_planned']}), "
                      f"{_counts['hypothesis']} hypothesis cases (planned {_counts['hypothesis_planned']})",
                      UserWarning, stacklevel=1)


# --- random outlines ------------------------------------------------------------------------------

_words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợíìỉĩịúùủũụứừửữự"
                          "ABCĐEGHIKLMNOPQRSTUVXY0123456789 ,.;:%()/-–*_#|<>&\"'\\",
                 min_size=0, max_size=40)
_roman = st.sampled_from(["I", "II", "III", "IV", "V", "IX", "X", "XL", "MM", "IIII", "C", "LXXX"])
_num = st.integers(0, 120).map(str)
_number_prefix = st.one_of(
    _roman.map(lambda r: f"{r}."),
    _num.map(lambda n: f"{n}."),
    st.lists(_num, min_size=2, max_size=5).map(lambda ns: ".".join(ns) + "."),
    st.lists(_num, min_size=2, max_size=3).map(lambda ns: ".".join(ns)),
    st.sampled_from("abcdđeghxyz").map(lambda c: f"{c})"),
    st.one_of(_num, _roman, st.sampled_from(["thứ nhất", "hai", "ba", "bốn", "năm", ""])).map(lambda n: f"Phần {n}"),
    st.one_of(_num, _roman, st.just("")).map(lambda n: f"Phụ lục {n}"),
    st.one_of(_num, _roman).map(lambda n: f"PHỤ LỤC SỐ {n}:"),
    st.sampled_from(["-", "+", "•", "*", "–", "\\*", "1)", "(2)", "#", "##", "###", "**", ">"]),
    st.just(""),
)
_heading_line = st.tuples(st.text(" \t", max_size=3), _number_prefix, st.sampled_from(["", " ", "  "]), _words).map(
    lambda t: "".join(t))
_line = st.one_of(_heading_line, _heading_line, _words, st.just(""), st.just("(Kèm theo Phụ lục I, II và III)"),
                  st.just("Chi tiết tại Phụ lục 1 - 4"), st.just("(05 nhiệm vụ)"))
_outline = st.lists(_line, min_size=0, max_size=60).map("\n".join)


def _check_document(text: str, doc: Document) -> None:
    n_lines = max(1, len(text.splitlines()))
    for b in doc.blocks:
        assert b.location is not None and b.location.file == FILE
        assert b.location.line is not None and 1 <= b.location.line <= n_lines, (b.location, n_lines)
        assert isinstance(b.section, tuple)
        if b.table is not None:
            _check_table(b.table, n_lines)
    for s in doc.walk_sections():
        assert s.path and s.path[-1] == s.number and s.level == len(s.path) - 1
        assert 1 <= s.location.line <= n_lines
        for child in s.children:
            assert child.path[:-1] == s.path
    for a in doc.appendices:
        assert a.id and 1 <= a.location.line <= n_lines
        assert all(0 <= i < len(doc.tables()) for i in a.tables)
    for _, loc in doc.appendix_refs:
        assert 1 <= loc.line <= n_lines


def _check_table(t, n_lines: int) -> None:
    assert t.header, "a table without a header"
    assert all(len(r) == len(t.header) for r in t.rows), (t.header, t.rows)
    assert len(t.row_locations) == len(t.rows)
    assert all(loc.line is not None and 1 <= loc.line <= n_lines for loc in t.row_locations)
    assert 1 <= t.location.line <= n_lines


def _read(text: str) -> Document | None:
    try:
        doc = Document(source=FILE, format="text", sha256="", blocks=parse_text(text, FILE))
        return annotate(doc)
    except AuditError:
        return None


@settings(max_examples=TREE_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_outline)
def _outline_case(text: str) -> None:
    _counts["hypothesis"] += 1
    doc = _read(text)
    if doc is not None:
        _check_document(text, doc)


def test_section_tree_from_random_outlines():
    before = _counts["hypothesis"]
    _counts["hypothesis_planned"] += TREE_EXAMPLES
    _outline_case()
    assert _counts["hypothesis"] - before == TREE_EXAMPLES


# --- random tables --------------------------------------------------------------------------------

_cell = st.one_of(_words.map(str.strip), st.integers(-5, 10**7).map(lambda n: f"{n:,}".replace(",", ".")),
                  st.sampled_from(["", "---", ":--:", "98,70%", "<b>Tổng</b>", "**1**", "a\\|b", "STT", "Nội dung"]))


@st.composite
def _table_text(draw) -> str:
    kind = draw(st.sampled_from(["tsv", "pipe"]))
    width = draw(st.integers(1, 7))
    header = draw(st.lists(_cell, min_size=width, max_size=width))
    lines: list[list[str] | str] = []
    for _ in range(draw(st.integers(0, 3))):  # a title or text before the table
        lines.append(draw(_words))
    lines.append(header)
    if kind == "pipe" and draw(st.booleans()):
        lines.append(["---"] * draw(st.integers(1, width + 1)))
    for _ in range(draw(st.integers(0, 14))):
        action = draw(st.sampled_from(["row", "row", "row", "ragged", "blank", "separator", "header", "text"]))
        if action == "row":
            lines.append(draw(st.lists(_cell, min_size=width, max_size=width)))
        elif action == "ragged":
            lines.append(draw(st.lists(_cell, min_size=0, max_size=width + 4)))
        elif action == "blank":
            lines.append("")
        elif action == "separator":
            marks = st.sampled_from(["---", ":---:", "--", "", "-"])
            lines.append(draw(st.lists(marks, min_size=1, max_size=width + 2)))
        elif action == "header":  # repeated after a page break
            lines.append(list(header))
        else:
            lines.append(draw(_words))
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
        elif kind == "tsv":
            out.append("\t".join(line))
        else:
            edges = draw(st.sampled_from([("|", "|"), ("| ", " |"), ("|", ""), ("", "|")]))
            out.append(edges[0] + "|".join(line) + edges[1])
    return "\n".join(out)


@settings(max_examples=TABLE_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_table_text(), min_size=1, max_size=3).map("\n\n".join))
def _table_case(text: str) -> None:
    _counts["hypothesis"] += 1
    doc = _read(text)
    if doc is not None:
        _check_document(text, doc)


def test_tables_from_random_tsv_and_pipe_text():
    before = _counts["hypothesis"]
    _counts["hypothesis_planned"] += TABLE_EXAMPLES
    _table_case()
    assert _counts["hypothesis"] - before == TABLE_EXAMPLES


@pytest.mark.parametrize("text", [
    "\t\t\t0\n\n\t\t\t\n\t\t\t0\n---\t---\t---\t---\t-",
    "\t\t\t\t\t\t1\n\t\t\t\t\t\t\t0\n\n\t\t\t\t\t\t1\n\t\t\t\t\t\t\n\t\t\t\t\t\t\n\t\t\t\t\t\t0",
])
def test_stitched_table_wider_than_its_header(text):
    # found by _table_case: a table repeated after a break, one part wider than the other
    (t,) = _read(text).tables()
    assert all(len(r) == len(t.header) for r in t.rows), (t.header, t.rows)


def test_importing_one_reader_first_keeps_the_others():
    import subprocess
    import sys

    code = ("import wardaudit.ingest.text\n"
            "from wardaudit.ingest import read_document\n"
            f"read_document({str(RENDERINGS / 'vinh-thong.pdf')!r}, max_pages=1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.strip().splitlines()[-1]


# --- corrupted renderings -------------------------------------------------------------------------

def _flip(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        i = rng.randrange(len(b))
        b[i] ^= rng.randint(1, 255)
    return bytes(b)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _insert(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data))
    junk = rng.choice([bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))), b"\x00" * rng.randint(1, 4096),
                       b"endobj\nxref\n0 1\n", b"<w:p><w:r>", b"%%EOF\n", b"\xff\xfe"])
    return data[:i] + junk + data[i:]


def _zero_run(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data))
    n = rng.randint(1, 2048)
    return data[:i] + b"\x00" * min(n, len(data) - i) + data[i + n:]


def _tail(rng: random.Random, data: bytes) -> bytes:
    # the cross-reference table and trailer (PDF) or the central directory (zip) live at the end
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        i = len(b) - 1 - rng.randrange(min(len(b), 1500))
        b[i] ^= rng.randint(1, 255)
    return bytes(b)


def _zip_member(rng: random.Random, data: bytes) -> bytes:
    """A valid zip whose parts are damaged: the XML flipped, cut short, or a part missing."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    target = rng.choice([n for n in names if n.endswith(".xml") or n.endswith(".rels")])
    if rng.random() < 0.5:
        target = "word/document.xml"
    how = rng.choice(["flip", "truncate", "drop", "insert"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in names:
            part = src.read(n)
            if n == target:
                if how == "drop":
                    continue
                part = {"flip": _flip, "truncate": _truncate, "insert": _insert}[how](rng, part)
            dst.writestr(n, part)
    return out.getvalue()


BYTE_MUTATIONS = (_flip, _truncate, _insert, _zero_run, _tail)


def _variants(src: Path, n: int) -> list[tuple[str, bytes, int]]:
    """``n`` corrupted copies of ``src``: (name, bytes, max_pages), from a seeded generator."""
    rng = random.Random(f"wardaudit-fuzz:{src.name}")
    data = src.read_bytes()
    out = []
    for k in range(n):
        mutations = BYTE_MUTATIONS + ((_zip_member, _zip_member) if src.suffix == ".docx" else ())
        mutate = mutations[k % len(mutations)]
        blob = mutate(rng, data)
        if rng.random() < 0.2:  # now and then two kinds of damage at once
            blob = rng.choice(BYTE_MUTATIONS)(rng, blob) or blob
        max_pages = 200 if src.suffix != ".pdf" or k % 4 == 0 else PDF_PAGE_LIMIT
        out.append((f"{src.stem}-{k:02d}-{mutate.__name__.strip('_')}{src.suffix}", blob, max_pages))
    return out


def _read_one(path: str, max_pages: int) -> tuple[str, str, float]:
    """In a worker process: ("document"|"input-error"|"other", detail, seconds)."""
    from wardaudit.ingest import read_document

    logging.disable(logging.WARNING)  # pypdf's and pdfminer's complaints about the damage
    # a case stuck (even inside C code) past the bound kills the worker: the parent sees it broken
    faulthandler.dump_traceback_later(CASE_SECONDS, exit=True)
    started = time.perf_counter()
    try:
        doc = read_document(path, max_pages=max_pages)
        outcome = ("document", f"{len(doc.blocks)} blocks", )
    except InputError as e:
        outcome = ("input-error", e.one_line())
    except BaseException as e:  # noqa: BLE001 - the very thing this test looks for
        outcome = ("other", f"{type(e).__name__}: {e}")
    finally:
        faulthandler.cancel_dump_traceback_later()
    return (*outcome, time.perf_counter() - started)


def _variant(src: str, k: int) -> tuple[str, bytes, int]:
    return _variants(RENDERINGS / src, VARIANTS_PER_FILE)[k]


@pytest.mark.parametrize("src, k", [("trung-thanh.pdf", 28), ("vinh-thong.pdf", 0)])
def test_pdf_page_that_fails_to_load(tmp_path, src, k):
    from wardaudit.ingest import read_document

    name, blob, max_pages = _variant(src, k)
    (tmp_path / name).write_bytes(blob)
    try:
        read_document(tmp_path / name, max_pages=max_pages)
    except InputError as e:
        assert name in e.one_line()


def test_docx_zip_needing_unsupported_version(tmp_path):
    from wardaudit.ingest import read_document

    name, blob, max_pages = _variant("trung-thanh.docx", 32)
    (tmp_path / name).write_bytes(blob)
    with pytest.raises(InputError, match=name):
        read_document(tmp_path / name, max_pages=max_pages)


def test_corrupted_renderings_give_a_document_or_a_one_line_input_error(tmp_path):
    sources = sorted(RENDERINGS.glob("*.pdf")) + sorted(RENDERINGS.glob("*.docx"))
    assert len(sources) >= 4
    cases = []
    for src in sources:
        for name, blob, max_pages in _variants(src, VARIANTS_PER_FILE):
            if blob == src.read_bytes():
                continue
            path = tmp_path / name
            path.write_bytes(blob)
            cases.append((path, max_pages))
    planned = len(sources) * VARIANTS_PER_FILE
    _counts["files_planned"] += planned
    assert len(cases) == planned  # every variant differs from its source

    results: dict[str, tuple] = {}
    broken: list[str] = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        futures = {pool.submit(_read_one, str(p), mp): p for p, mp in cases}
        for fut, p in futures.items():
            try:
                results[p.name] = fut.result(timeout=CASE_SECONDS * len(cases))
            except BrokenProcessPool:
                broken.append(p.name)
    _counts["files"] += len(results)

    assert not broken, f"a worker died (crash, or a case over {CASE_SECONDS}s): {broken[:5]}"
    others = {n: r for n, r in results.items() if r[0] == "other"}
    assert not others, f"exceptions other than InputError: {others}"
    for name, (kind, detail, seconds) in results.items():
        assert seconds < CASE_SECONDS
        if kind == "input-error":
            assert name in detail and "\n" not in detail, detail
    kinds = [r[0] for r in results.values()]
    # both outcomes occur: the corruption is not all fatal, nor all harmless
    assert kinds.count("document") and kinds.count("input-error"), kinds
    assert len(results) == planned
