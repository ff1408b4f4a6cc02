"""The package's errors. All derive from :class:`AuditError`, carry structured fields and pickle,
because they cross process and Dask boundaries."""
from __future__ import annotations


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line (whitespace runs become one space), cut at ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AuditError(Exception):
    """Base error. ``reason`` is one line, Vietnamese then English, and names the file."""

    def __init__(self, reason: str, *, path: str | None = None, ward: str | None = None,
                 page: int | None = None, rule: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.ward = ward
        self.page = page
        self.rule = rule

    def __reduce__(self):
        return (_rebuild, (type(self), self.reason, self.path, self.ward, self.page, self.rule))

    def one_line(self) -> str:
        """The reason as one line, prefixed by the file when it is not already named."""
        text = " ".join(self.reason.split())
        if self.path and self.path not in text:
            text = f"{self.path}: {text}"
        return text


def _rebuild(cls, reason, path, ward, page, rule):
    return cls(reason, path=path, ward=ward, page=page, rule=rule)


class InputError(AuditError):
    """The input file could not be read (exit code 2)."""


class UnsupportedFormat(InputError):
    """No reader is registered for this kind of file."""


class ParametersError(AuditError):
    """A parameters/<ward>.yaml file is invalid or points outside data/raw."""


class RegistryError(AuditError):
    """A name was looked up in a registry that does not hold it."""


class NotebookError(AuditError):
    """A ward notebook failed to execute or render."""


class ReviewError(AuditError):
    """A decisions file (data/reviews/<ward>.yaml) is malformed, or a decision is refused."""


class ExportError(AuditError):
    """The findings exports (reports/findings.csv, .xlsx) could not be written."""
