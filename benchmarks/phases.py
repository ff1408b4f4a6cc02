"""Where one ward's time goes: run every ward of a project one after another on one warm kernel
(what a `--jobs 1` worker does) and add up the seconds of each step the ward's run records
(``run_ward``'s ``phases``: audit, store, summary, page, letter). Prints one JSON line.

    python benchmarks/phases.py PROJECT_ROOT

"page" is the template notebook executed by papermill on the warm kernel plus its nbconvert render;
what is left of the wall time (planning: reading parameters and hashing the reports, the kernel's
start for the first ward) is "plan and kernel start".
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

NAMES = {"audit": "audit (read, facts, relations, rules)", "store": "store (audit.json, findings, facts, tables)",
         "summary": "summary.json", "notebook": "page template executed (papermill, warm kernel)",
         "html": "HTML (nbconvert)", "read": "read the reports", "letter": "letter",
         "charts": "charts (drawn in the worker, or found)"}


def main(root: Path) -> dict:
    os.environ["WARDAUDIT_ROOT"] = str(root)
    from wardaudit.project.config import Paths
    from wardaudit.run.ward import execute_ward, shutdown_warm_kernels

    paths = Paths(root)
    spent: dict[str, float] = {}
    slugs = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
    started = time.perf_counter()
    for slug in slugs:
        result = execute_ward(slug, paths, reuse_kernel=True)
        for name, secs in (result.get("phases") or {}).items():
            spent[NAMES.get(name, name)] = spent.get(NAMES.get(name, name), 0.0) + secs
    wall = time.perf_counter() - started
    shutdown_warm_kernels()
    spent["plan and kernel start"] = wall - sum(spent.values())
    return {"wards": len(slugs), "seconds": {k: round(v, 3) for k, v in spent.items()}}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve()), ensure_ascii=False))
