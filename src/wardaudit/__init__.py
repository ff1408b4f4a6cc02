"""wardaudit: turn commune/ward progress reports (Resolution 57-NQ/TW, Đề án 06) into checked facts
and shareable audits. The public API is re-exported here; importing it does no work."""
from __future__ import annotations

import sys as _sys

from wardaudit.version import __version__

# jsonschema (under nbformat, papermill and the project's own schemas) checks the "iri" format with
# rfc3987_syntax when that is installed (JupyterLab's server installs it), and importing it builds a
# grammar: 1.6 s and 16 MB in every batch worker, notebook kernel and CLI run. No schema of the project
# asks for that format and none is checked with formats, so wardaudit's processes go without it (unless
# something imported it first); jsonschema then leaves "iri" unchecked, as it does when it is not installed.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__all__ = ["__version__", "audit_file", "audit_document", "read_document"]


def __getattr__(name):  # lazy: keep `import wardaudit` cheap for the notebook kernel and workers
    if name in ("audit_file", "audit_document"):
        from wardaudit import audit
        return getattr(audit, name)
    if name == "read_document":
        from wardaudit.ingest import read_document
        return read_document
    raise AttributeError(name)
