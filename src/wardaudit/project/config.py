"""Every path the project uses, and the per-ward parameters (validated).

Notebooks and the CLI ask this module for paths; nothing else holds a path literal. The project
root is ``$WARDAUDIT_ROOT`` when set, else the nearest folder upwards from the working directory
that has both ``parameters/`` and ``data/`` (so a notebook run from notebooks/ finds it).
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wardaudit.errors import ParametersError

M = TypeVar("M", bound=BaseModel)


def project_root(start: Path | None = None) -> Path:
    env = os.environ.get("WARDAUDIT_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if (p / "parameters").is_dir() and (p / "data").is_dir():
            return p
    return here


class Paths:
    """The project's folders, from one root."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else project_root()

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def ocr_cache(self) -> Path:
        """data/processed/ocr/: OCR results by file hash (a run does no OCR twice for one file)."""
        return self.processed / "ocr"

    @property
    def reviews(self) -> Path:
        """data/reviews/: the auditors' decisions, one append-only file per ward (never deleted)."""
        return self.root / "data" / "reviews"

    def ward_reviews(self, slug: str) -> Path:
        return self.reviews / f"{slug}.yaml"

    @property
    def parameters(self) -> Path:
        return self.root / "parameters"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def ward_raw(self, slug: str) -> Path:
        return self.raw / slug

    def ward_processed(self, slug: str) -> Path:
        return self.processed / slug

    @property
    def project_file(self) -> Path:
        """project.yaml: the provinces in scope and the reporting calendar (:mod:`wardaudit.project.settings`)."""
        return self.root / "project.yaml"

    def ward_params(self, slug: str) -> Path:
        return self.parameters / f"{slug}.yaml"

    def ward_report(self, slug: str) -> Path:
        return self.reports / f"{slug}.html"

    def ward_letter(self, slug: str) -> Path:
        """reports/<slug>-giai-trinh.docx: the request for explanation of the queried findings."""
        return self.reports / f"{slug}-giai-trinh.docx"


SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,80}$"  # a ward's folder and parameters file name


def composed(value: Any) -> Any:
    """Every string in ``value`` (nested lists and mappings) in NFC: a name typed with decomposed
    accents (some Mac and web tools) is the same name."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [composed(v) for v in value]
    if isinstance(value, dict):
        return {k: composed(v) for k, v in value.items()}
    return value


class WardParams(BaseModel):
    """parameters/<ward>.yaml. Unknown keys are refused so that a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    ward: str = Field(min_length=1, max_length=120, description="The ward's name as it should be spelt")
    code: str | None = Field(default=None, pattern=r"^\d{5}$",
                             description="The unit's 5-digit code in the official list (statistics office)")
    slug: str = Field(pattern=SLUG_PATTERN, description="Folder name under data/raw/")
    level: Literal["xã", "phường", "đặc khu"] = "xã"
    province: str | None = None
    sources: list[str] = Field(default_factory=list, description="Files under data/raw/<slug>/; empty: all")
    carried_over_in_denominator: bool = True
    outline_profile: str = "auto"
    lang: Literal["vi", "en"] = "vi"
    rules_off: list[str] = Field(default_factory=list)
    # strict: YAML's `true` is not a page count
    max_pages: int = Field(default=200, ge=1, le=5000, strict=True)
    # decompression bombs: what one report may inflate to (.docx parts; scanned pages' pixels x 4 bytes)
    max_inflate_mb: int = Field(default=256, ge=1, le=16384, strict=True)
    # a ward still running after this many seconds fails (one line) and the batch goes on
    max_seconds: int = Field(default=600, ge=1, le=86400, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _composed(cls, data: Any) -> Any:
        # a name typed on a tool that writes decomposed accents (NFD) is the same name: compare composed;
        # `sources` are file names, matched byte for byte on disk, and stay as written
        if isinstance(data, dict):
            return {k: v if k == "sources" else composed(v) for k, v in data.items()}
        return data

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, v):
        # YAML reads an unquoted 01234 as the octal number 668 and 05899 as text: only a number of
        # five digits is unambiguous; anything shorter must be written in quotes
        if isinstance(v, bool):
            raise ValueError("the code is 5 digits in quotes, e.g. \"05899\"")
        if isinstance(v, int):
            if 10000 <= v <= 99999:
                return str(v)
            raise ValueError("write the code in quotes, e.g. \"05899\" (YAML drops a leading zero)")
        return v

    @field_validator("sources")
    @classmethod
    def _relative_sources(cls, v: list[str]) -> list[str]:
        for s in v:
            p = Path(s)
            if (not s.strip() or "\0" in s or p.is_absolute() or ".." in p.parts or s.startswith("~")
                    or p == Path(".")):
                raise ValueError(f"source {s!r} must be a file inside the ward's data/raw folder")
        return v


def read_mapping(path: Path) -> dict:
    """The YAML mapping in ``path``; a missing file, bad YAML or another shape is one line naming it."""
    shown = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParametersError(f"{shown}: không tìm thấy tệp tham số / parameters file not found", path=shown) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        first = " ".join(str(e).split())[:160]
        raise ParametersError(f"{shown}: YAML không hợp lệ / invalid YAML: {first}", path=shown) from None
    if not isinstance(data, dict):
        raise ParametersError(f"{shown}: cần một bảng khóa: giá trị / expected a mapping of keys", path=shown)
    return data


def validated(model: type[M], data: dict, path: Path) -> M:
    """``model`` from ``data``; the first invalid field is one line naming the file and the field."""
    shown = str(path)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or repr(err["loc"][0] if err["loc"] else "")
        raise ParametersError(f"{shown}: trường '{field}' không hợp lệ / invalid field '{field}': {err['msg']}",
                              path=shown) from None


def load_params(path: str | Path, paths: Paths | None = None) -> WardParams:
    """Read and validate one parameters file; errors name the file and the field."""
    path = Path(path)
    data = read_mapping(path)
    data.setdefault("slug", path.stem)
    return validated(WardParams, data, path)


def relative(path: Path, paths: Paths) -> str:
    """A path as shown to users: relative to the project root when inside it (as written, so that a
    symbolic link is named where it sits, not where it points; else once resolved)."""
    lexical = Path(os.path.normpath(Path(path).absolute()))
    for root, target in ((Path(os.path.normpath(paths.root.absolute())), lexical),
                         (paths.root.resolve(), Path(path).resolve())):
        try:
            return str(target.relative_to(root))
        except ValueError:
            continue
    return str(path)


def nearest_slugs(slug: str, paths: Paths, n: int = 5) -> list[str]:
    """The wards of parameters/ whose slug is closest to ``slug`` (a mistyped name), closest first."""
    import difflib

    known = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
    return difflib.get_close_matches(slug, known, n=n, cutoff=0.6)
