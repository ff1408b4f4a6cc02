"""``wardaudit discover``: parameters files for ward folders that have none."""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from wardaudit.errors import AuditError, ParametersError
from wardaudit.project.config import Paths
from wardaudit.project.iorw import file_mode

_LEVEL_WORDS = {"phường": "phường", "xã": "xã", "đặc khu": "đặc khu"}


def _guess_level(text: str) -> str | None:
    """The level named most often in "UBND <level>" / "Ủy ban nhân dân <level>" phrases."""
    norm = unicodedata.normalize("NFC", text[:20000]).lower()
    found: dict[str, int] = {}
    for m in re.finditer(r"(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân|đảng ủy|đảng uỷ)\s+(phường|xã|đặc khu)\b", norm):
        found[m.group(1)] = found.get(m.group(1), 0) + 1
    return _LEVEL_WORDS[max(found, key=found.get)] if found else None


def _name_from_slug(slug: str) -> str:
    return " ".join(w.capitalize() for w in slug.replace("_", "-").split("-") if w)


def _guess_ward(folder: Path) -> tuple[str, str]:
    """(name, level) for a ward folder, from the report text when it can be read."""
    from wardaudit.ingest import read_document, supported_suffixes

    name, level = None, None
    suffixes = set(supported_suffixes())
    for f in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes):
        try:
            doc = read_document(f)
        except AuditError:
            continue
        try:
            from wardaudit.extract.metadata import extract_metadata
        except ModuleNotFoundError:
            extract_metadata = None
        if extract_metadata is not None:
            try:
                meta = extract_metadata(doc)
                name = name or meta.ward_name
                level = level or meta.level
            except Exception:  # noqa: BLE001 - a guess; the folder name is the fallback
                pass
        if level is None:
            text = "\n".join(getattr(b, "text", "") or "" for b in getattr(doc, "blocks", [])[:80])
            level = _guess_level(text)
        if name:
            break
    if level not in ("xã", "phường", "đặc khu"):
        level = "xã"
    return name or _name_from_slug(folder.name), level


def _params_yaml(name: str, slug: str, level: str) -> str:
    q = json.dumps(name, ensure_ascii=False)  # a JSON string is a valid YAML scalar
    return (f"# Written by `wardaudit discover`: check the ward's name and level, then keep this file.\n"
            f"ward: {q}\nslug: {slug}\nlevel: {level}\n"
            f"# Files under data/raw/{slug}/ to audit; empty means every readable file there.\n"
            f"sources: []\n"
            f"# Does a rate's denominator include dossiers carried over from the previous period?\n"
            f"carried_over_in_denominator: true\noutline_profile: auto\nlang: vi\nrules_off: []\n")


def _create_new(target: Path, text: str) -> bool:
    """Write a complete file at ``target`` unless one exists there; False when it did."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode())  # mkstemp's 0600 would hide the file from other users
        # a hard link is atomic and, unlike a rename, refuses to replace a file created meanwhile
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def discover(raw_dir: Path | None = None, paths: Paths | None = None) -> list[Path]:
    """Write ``parameters/<slug>.yaml`` for every ward folder under ``raw_dir`` that has none.

    The ward's name and level are guessed from its report (:func:`wardaudit.extract.metadata.extract_metadata`
    when available, else the folder name and the "UBND xã/phường" phrases). An existing file is
    never overwritten. Returns the written paths.
    """
    paths = paths or Paths()
    raw_dir = Path(raw_dir) if raw_dir else paths.raw
    if not raw_dir.is_dir():
        raise ParametersError(f"{raw_dir}: không phải thư mục / is not a folder", path=str(raw_dir))
    written = []
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        slug = folder.name
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,80}", slug):
            print(f"{folder}: tên thư mục không hợp lệ làm slug / folder name is not a valid slug "
                  "(lowercase letters, digits, '-')", file=sys.stderr)
            continue
        target = paths.ward_params(slug)
        if target.exists():
            continue
        name, level = _guess_ward(folder)
        if _create_new(target, _params_yaml(name, slug, level)):
            written.append(target)
    return written
