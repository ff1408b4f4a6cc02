"""What a batch worker imports before its first ward: nothing that costs seconds or megabytes for a feature
the project never uses."""
from __future__ import annotations

import json
import subprocess
import sys


def _worker_modules() -> dict:
    code = ("import json, sys\nimport wardaudit.run.ward, wardaudit.store, wardaudit.audit\n"
            "import jsonschema, nbformat\n"
            "print(json.dumps({'loaded': sorted(m for m, v in sys.modules.items() if v is not None),"
            " 'iri': 'iri' in jsonschema.FormatChecker.checkers}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def test_a_worker_does_not_build_the_iri_grammar_jsonschema_would_load():
    """rfc3987_syntax (installed for JupyterLab's server) builds a grammar when imported: 1.6 s and 16 MB a
    process. The project's schemas check no format, so a worker goes without it and jsonschema, still
    loaded and validating notebooks, simply has no 'iri' checker."""
    mods = _worker_modules()
    assert "rfc3987_syntax" not in mods["loaded"]
    assert "jsonschema" in mods["loaded"] and "nbformat" in mods["loaded"]
    assert mods["iri"] is False
