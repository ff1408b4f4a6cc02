"""``wardaudit discover``: bind each ward folder to its official unit, in parameters/<ward>.yaml.

For a folder with no parameters file it writes one: the unit's code (5 digits, the statistics
office's), official name, level and province, settled from the report itself
(:func:`wardaudit.extract.unit.resolve_unit`: the name and level in its header, the province its
text names, the folder's name as a hint), with Vietnamese comments. What it cannot settle (no
unit of that name, several units sharing it, a unit already bound to another folder) it says in
one line and leaves ``code`` empty for the auditor, the candidates listed in the file. An existing
file is never rewritten; one without a ``code`` gets its code appended when the unit is settled.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wardaudit.errors import AuditError, ParametersError
from wardaudit.extract.unit import Binding, resolve_unit
from wardaudit.project.config import Paths, load_params, relative
from wardaudit.project.iorw import file_mode, write_text

_LEVEL_WORDS = {"phường": "phường", "xã": "xã", "đặc khu": "đặc khu"}


@dataclass(frozen=True)
class Discovered:
    """One folder's outcome: its parameters file, the binding, and what was written."""

    slug: str
    target: Path
    binding: Binding
    action: str  # written | code-added | kept


def _guess_level(text: str) -> str | None:
    """The level named most often in "UBND <level>" / "Ủy ban nhân dân <level>" phrases."""
    norm = unicodedata.normalize("NFC", text[:20000]).lower()
    found: dict[str, int] = {}
    for m in re.finditer(r"(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân|đảng ủy|đảng uỷ)\s+(phường|xã|đặc khu)\b", norm):
        found[m.group(1)] = found.get(m.group(1), 0) + 1
    return _LEVEL_WORDS[max(found, key=found.get)] if found else None


def _name_from_slug(slug: str) -> str:
    return " ".join(w.capitalize() for w in slug.replace("_", "-").split("-") if w)


def _read_reports(folder: Path) -> tuple[str | None, str | None, str]:
    """(name, level, text) from the folder's reports: the first that names its unit."""
    from wardaudit.extract.metadata import extract_metadata
    from wardaudit.ingest import read_document, supported_suffixes

    suffixes = set(supported_suffixes())
    name = level = None
    texts: list[str] = []
    for f in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes):
        try:
            doc = read_document(f)
        except AuditError:
            continue  # unreadable: the batch reports it; the folder name stays the hint
        text = "\n".join(b.text or "" for b in doc.blocks[:200])
        texts.append(text)
        meta = extract_metadata(doc)
        name, level = name or meta.ward_name, level or meta.level or _guess_level(text)
        if name:
            break
    return name, level, "\n".join(texts)


def _bound_codes(paths: Paths) -> dict[str, str]:
    """Codes already in parameters/: code → slug (a file that does not validate is skipped)."""
    out: dict[str, str] = {}
    for p in sorted(paths.parameters.glob("*.yaml")) if paths.parameters.is_dir() else []:
        try:
            code = load_params(p, paths).code
        except AuditError:
            continue
        if code:
            out.setdefault(code, p.stem)
    return out


def _bind(folder: Path) -> Binding:
    name, level, text = _read_reports(folder)
    return resolve_unit(folder.name, name, level, text)


def _unbound(b: Binding, other: str) -> Binding:
    """``b`` left unsettled because its unit belongs to the folder ``other``."""
    why = (f"{b.unit.describe()} đã gán cho thư mục {other}: báo cáo ở đây có thể là bản sao / "
           f"already bound to folder {other}: this report may be a copy")
    return Binding(None, b.name, b.level, b.province, (b.unit,), (*b.notes, why))


def _claims(bindings: dict[str, Binding], bound: dict[str, str]) -> dict[str, Binding]:
    """One folder per unit: a code already in parameters/ stays with its folder; of the new claims
    on one code the folder whose name points at the unit wins, and with none such (two folders
    holding one unit's report) neither is bound."""
    by_code: dict[str, list[str]] = {}
    for slug, b in bindings.items():
        if b.unit:
            by_code.setdefault(b.unit.code, []).append(slug)
    out = dict(bindings)
    for code, slugs in by_code.items():
        if code in bound:
            keep = {bound[code]}
        else:
            named = [s for s in slugs if bindings[s].by_folder]
            keep = set(named) if len(named) == 1 else set(slugs) if len(slugs) == 1 else set()
        for s in slugs:
            if s not in keep:
                others = sorted((keep or set(slugs)) - {s})
                out[s] = _unbound(bindings[s], ", ".join(others))
    return out


def _q(v: str | None) -> str:
    return json.dumps(v, ensure_ascii=False) if v is not None else "null"  # a JSON string is valid YAML


def _unit_comment(b: Binding) -> str:
    if b.unit:
        return (f"# Đơn vị: {b.unit.full_name}, {b.unit.province} — mã {b.unit.code} trong danh mục đơn vị "
                "hành chính (7/2025).\n")
    lines = ["# CHƯA XÁC ĐỊNH ĐƯỢC ĐƠN VỊ: " + "; ".join(b.notes) + "\n"]
    if b.candidates:
        lines.append("# Chọn một mã rồi ghi vào dòng code (5 chữ số, trong ngoặc kép), hoặc giữ trống:\n")
        lines += [f"#   {u.describe()}\n" for u in b.candidates]
    return "".join(lines)


def _params_yaml(slug: str, b: Binding) -> str:
    u = b.unit
    name = u.name if u else (b.name or _name_from_slug(slug))
    level = u.level if u else (b.level if b.level in _LEVEL_WORDS else "xã")
    province = u.province if u else b.province
    return ("# Tham số của đơn vị, ghi bởi `wardaudit discover`: kiểm tra lại rồi giữ tệp này.\n"
            + _unit_comment(b)
            + f"ward: {_q(name)}\ncode: {_q(u.code if u else None)}\nslug: {slug}\nlevel: {level}\n"
              f"province: {_q(province)}\n"
              f"# Các tệp trong data/raw/{slug}/ cần kiểm tra; để trống: mọi tệp đọc được.\n"
              "sources: []\n"
              "# Mẫu số của tỷ lệ giải quyết hồ sơ có tính hồ sơ kỳ trước chuyển sang không?\n"
              "carried_over_in_denominator: true\n"
              "# Đề cương báo cáo (auto: tự nhận ra).\noutline_profile: auto\n"
              "# Ngôn ngữ của trang kết quả: vi | en.\nlang: vi\n"
              "# Các quy tắc tắt cho đơn vị này, ví dụ [META004].\nrules_off: []\n")


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


def _needs_code(target: Path, paths: Paths) -> bool:
    """An existing parameters file that validates and has no code yet."""
    try:
        return not load_params(target, paths).code
    except AuditError:
        return False  # the batch reports the invalid file, with its field


def _write(slug: str, target: Path, b: Binding) -> Discovered | None:
    """Create the parameters file, or append the settled code to an existing one (every byte kept)."""
    if not target.exists():
        return Discovered(slug, target, b, "written") if _create_new(target, _params_yaml(slug, b)) else None
    if not b.unit:
        return Discovered(slug, target, b, "kept")
    text = target.read_text(encoding="utf-8")
    write_text(target, text + ("" if text.endswith("\n") else "\n") + _unit_comment(b) + f"code: {_q(b.unit.code)}\n")
    return Discovered(slug, target, b, "code-added")


def _line(d: Discovered, paths: Paths) -> str:
    where = relative(d.target, paths)
    if d.binding.unit:
        added = " (đã thêm mã / code added)" if d.action == "code-added" else ""
        extra = f" · {d.binding.notes[0]}" if d.binding.notes else ""
        return f"{where}: {d.binding.unit.describe()}{added}{extra}"
    listed = "; ".join(u.describe() for u in d.binding.candidates)
    hint = f": {listed}" if listed else ""
    return f"{where}: chưa xác định được đơn vị / unit not settled: {'; '.join(d.binding.notes)}{hint}"


def discover_units(raw_dir: Path | None = None, paths: Paths | None = None,
                   say: Callable[[str], None] | None = None) -> list[Discovered]:
    """Bind every ward folder under ``raw_dir`` that has no parameters file, or one without a code
    (see the module's docstring); ``say`` gets one line per folder. Returns what was done."""
    paths = paths or Paths()
    raw_dir = Path(raw_dir) if raw_dir else paths.raw
    if not raw_dir.is_dir():
        raise ParametersError(f"{raw_dir}: không phải thư mục / is not a folder", path=str(raw_dir))
    folders = []
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,80}", folder.name):
            print(f"{folder}: tên thư mục không hợp lệ làm slug / folder name is not a valid slug "
                  "(lowercase letters, digits, '-')", file=sys.stderr)
            continue
        target = paths.ward_params(folder.name)
        if not target.exists() or _needs_code(target, paths):
            folders.append(folder)
    bindings = _claims({f.name: _bind(f) for f in folders}, _bound_codes(paths))
    out: list[Discovered] = []
    for folder in folders:
        done = _write(folder.name, paths.ward_params(folder.name), bindings[folder.name])
        if done is not None:
            out.append(done)
            if say:
                say(_line(done, paths))
    return out


def discover(raw_dir: Path | None = None, paths: Paths | None = None,
             say: Callable[[str], None] | None = None) -> list[Path]:
    """The parameters files :func:`discover_units` wrote or completed."""
    return [d.target for d in discover_units(raw_dir, paths, say) if d.action != "kept"]
