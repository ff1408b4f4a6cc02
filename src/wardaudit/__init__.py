"""wardaudit: turn commune/ward progress reports (Resolution 57-NQ/TW, Đề án 06) into checked facts
and shareable audits. The public API is re-exported here; importing it does no work."""
from __future__ import annotations

from wardaudit.version import __version__

__all__ = ["__version__", "audit_file", "audit_document", "read_document"]


def __getattr__(name):  # lazy: keep `import wardaudit` cheap for the notebook kernel and workers
    if name in ("audit_file", "audit_document"):
        from wardaudit import audit
        return getattr(audit, name)
    if name == "read_document":
        from wardaudit.ingest import read_document
        return read_document
    raise AttributeError(name)
