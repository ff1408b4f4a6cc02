"""Where one ward's time goes: run every ward of a project one after another on one warm kernel
(what a `--jobs 1` worker does) and time each phase. Prints one JSON line.

    python benchmarks/phases.py PROJECT_ROOT

Phases: the kernel start and reset, each notebook cell as papermill timed it (read from the
executed notebook before its timings are stripped), papermill's own work around the cells, the
HTML render, and the rest of execute_ward (hashing inputs, writing the notebook).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

CELLS = {"load_ward": "audit (load_ward: read, check, write data/processed)",
         "charts_section": "charts (matplotlib PNGs)"}


def main(root: Path) -> dict:
    os.environ["WARDAUDIT_ROOT"] = str(root)
    from wardaudit.project.config import Paths
    from wardaudit.run import ward as notebook

    paths = Paths(root)
    spent: dict[str, float] = {}

    def add(name: str, secs: float) -> None:
        spent[name] = spent.get(name, 0.0) + secs

    def timed(obj, attr: str, name: str) -> None:
        inner = getattr(obj, attr)

        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                add(name, time.perf_counter() - started)
        setattr(obj, attr, wrapper)

    cells_seen: list[float] = []
    clean = notebook.clean_notebook

    def clean_and_time(nb):
        if nb.metadata.get("papermill", {}).get("duration") is not None:  # the executed notebook
            for c in nb.cells:
                d = (c.metadata.get("papermill") or {}).get("duration")
                if c.cell_type != "code" or d is None:
                    continue
                key = next((k for k in CELLS if k in c.source), None)
                add(CELLS[key] if key else "display cells (header, findings, source view, tables…)", d)
                cells_seen.append(d)
        return clean(nb)

    notebook.clean_notebook = clean_and_time
    timed(notebook.WarmKernel, "reset", "kernel start (first ward) and reset")
    timed(notebook, "_render_page", "HTML render (nbconvert)")
    import papermill
    timed(papermill, "execute_notebook", "_papermill")

    slugs = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
    started = time.perf_counter()
    for slug in slugs:
        notebook.execute_ward(slug, paths, reuse_kernel=True)
    wall = time.perf_counter() - started
    notebook.shutdown_warm_kernels()
    # papermill's own work: its run minus the cells' time
    add("papermill around the cells (parameters, kernel client, saving)", spent.pop("_papermill") - sum(cells_seen))
    add("rest of execute_ward (hashing inputs, writing the notebook)", wall - sum(spent.values()))
    order = [*CELLS.values(), "display cells (header, findings, source view, tables…)",
             "kernel start (first ward) and reset", "papermill around the cells (parameters, kernel client, saving)",
             "HTML render (nbconvert)", "rest of execute_ward (hashing inputs, writing the notebook)"]
    return {"wards": len(slugs), "seconds": {k: round(spent[k], 3) for k in order if k in spent}}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve()), ensure_ascii=False))
