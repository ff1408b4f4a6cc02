"""Office formats LibreOffice opens: legacy Word (.doc), OpenDocument text (.odt), rich text (.rtf),
legacy Excel (.xls) and OpenDocument spreadsheets (.ods).

Each is converted by LibreOffice headless (``soffice --convert-to docx|xlsx``) and then read by the
.docx or .xlsx reader, so a .doc gives the same blocks, tables and facts as the .docx it would be
saved as. Every conversion runs on a copy of the input in a temporary folder (LibreOffice writes a
lock file beside what it opens, and data/raw/ is never written), with a private user profile
(``-env:UserInstallation``: no shared settings, conversions may run side by side) and a time limit
(:data:`TIMEOUT_S`); its whole process group is killed when the limit is reached.

The result is cached under data/processed/office/ by the input's SHA-256: ``<hash>.docx`` and
``<hash>.docx.json``, which carries the hash of its source; an entry whose record does not name the
same source is converted again. LibreOffice is needed at run time for these formats only: when it
is missing, the file is named with the command that installs it (:data:`INSTALL_HINT`).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from wardaudit.errors import InputError
from wardaudit.ingest.docx import read_docx
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, cache_folder, reader, sha256_file
from wardaudit.ingest.xlsx import read_xlsx
from wardaudit.model.document import Document

INSTALL_HINT = "make system-deps (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"
TIMEOUT_S = 180  # a long report converts in a few seconds; a file that takes minutes is stuck or hostile
#: suffix → (what LibreOffice converts it to, the component it needs)
CONVERSIONS = {".doc": ("docx", "writer"), ".odt": ("docx", "writer"), ".rtf": ("docx", "writer"),
               ".xls": ("xlsx", "calc"), ".ods": ("xlsx", "calc")}
# the component's core library, beside soffice's own program files (Debian: /usr/lib/libreoffice/program)
_COMPONENT_LIB = {"writer": "libswlo.so", "calc": "libsclo.so"}
conversions = 0  # LibreOffice runs in this process (a cached conversion leaves it unchanged)


def soffice() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_component(suffix: str) -> str | None:
    """What this machine lacks to convert ``suffix`` ("LibreOffice", "LibreOffice Calc"), or None."""
    exe = soffice()
    if exe is None:
        return "LibreOffice"
    component = CONVERSIONS[suffix][1]
    program = Path(os.path.realpath(exe)).parent
    known = any((program / lib).exists() for lib in _COMPONENT_LIB.values())  # a layout we know ...
    if known and not (program / _COMPONENT_LIB[component]).exists():
        return f"LibreOffice {component.title()}"  # ... without this component (Debian: libreoffice-calc-nogui)
    return None


def needs_reason(suffix: str) -> str | None:
    """The one-line reason a file of ``suffix`` cannot be read on this machine, or None."""
    missing = missing_component(suffix) if suffix in CONVERSIONS else None
    if missing is None:
        return None
    return (f"cần {missing} để đọc tệp {suffix}; cài bằng / needs {missing} to read {suffix} files; "
            f"install with: {INSTALL_HINT}")


def _cached(out: Path, sha: str) -> bool:
    try:
        record = json.loads(out.with_name(out.name + ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("source_sha256") == sha and out.is_file()


def _run(cmd: list[str], shown: str) -> subprocess.CompletedProcess:
    """Run LibreOffice in its own process group, killed whole at the time limit (soffice is a
    script that starts soffice.bin: killing the script alone would leave the converter running)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise InputError(f"{shown}: LibreOffice không chuyển xong trong {TIMEOUT_S} giây / LibreOffice did not "
                         f"finish converting in {TIMEOUT_S} s", path=shown) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(path: Path, shown: str, *, cache_dir: Path | None = None, refresh: bool = False) -> Path:
    """``path`` converted by LibreOffice to the format its reader reads (.docx or .xlsx), cached by hash
    (``refresh``: converted again, the cached entry replaced)."""
    global conversions
    suffix = path.suffix.lower()
    target = CONVERSIONS[suffix][0]
    sha = sha256_file(path)
    folder = cache_folder(cache_dir, "office")
    out = folder / f"{sha[:32]}.{target}"
    if not refresh and _cached(out, sha):
        return out
    reason = needs_reason(suffix)
    if reason:
        raise InputError(f"{shown}: {reason}", path=shown)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wardaudit-lo-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"  # a plain name: LibreOffice reads some names as options
        shutil.copyfile(path, source)
        profile = (work / "profile").as_uri()
        proc = _run([soffice() or "soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                     "--nolockcheck", "--convert-to", target, "--outdir", str(work / "out"), str(source)], shown)
        conversions += 1
        result = work / "out" / f"input.{target}"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            last = ((proc.stderr or "").strip().splitlines() or ["không có tệp kết quả / no output"])[-1][:160]
            raise InputError(f"{shown}: tệp hỏng, LibreOffice không chuyển được / damaged file, LibreOffice could "
                             f"not convert it ({last})", path=shown)
        partial = folder / f".{out.name}.{os.getpid()}.part"
        shutil.copyfile(result, partial)
        partial.replace(out)
    record = {"source_sha256": sha, "source_suffix": suffix, "converted_to": target}
    out.with_name(out.name + ".json").write_text(json.dumps(record), encoding="utf-8")  # last: complete entry
    return out


@reader(*CONVERSIONS)
def read_office(path: Path, *, display_path: str, max_pages: int | None = None,
                max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, cache_dir: Path | None = None,
                refresh_cache: bool = False, **_: object) -> Document:
    """Read a .doc/.odt/.rtf (through .docx) or .xls/.ods (through .xlsx) converted by LibreOffice.

    A file larger than ``max_inflate_mb`` is refused before LibreOffice opens it; the conversion then
    passes the .docx/.xlsx reader's own limits (its inflated size)."""
    shown = display_path
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > max_inflate_mb << 20:
        raise InputError(f"{shown}: tệp {suffix} lớn {size >> 20} MB, vượt giới hạn {max_inflate_mb} MB "
                         f"(max_inflate_mb) / the {suffix} file is {size >> 20} MB, over the limit", path=shown)
    converted = convert(path, shown, cache_dir=cache_dir, refresh=refresh_cache)
    read = read_docx if converted.suffix == ".docx" else read_xlsx
    doc = read(converted, display_path=shown, max_pages=max_pages, max_inflate_mb=max_inflate_mb)
    doc.format = suffix.lstrip(".")
    doc.notes.insert(0, f"Tệp {suffix} được LibreOffice chuyển sang .{converted.suffix.lstrip('.')} để đọc / "
                        f"the {suffix} file was converted to {converted.suffix} by LibreOffice")
    return doc
