"""What a ward's whole run costs against the audit of its reports alone, in one process, one job.

    python benchmarks/ward_cost.py [--repeat 5] [--root DIR]

For each seed ward, in a throw-away copy of the project (or ``--root``): the audit alone
(``wardaudit.audit.audit_file`` on each report, warm: after one untimed call) and the ward's run as a
batch worker does it (``wardaudit.run.ward.run_ward`` on the worker's warm kernel, ``force`` so the
audit is made again, after one untimed run), each the median of ``--repeat`` runs. The run is measured
twice: as a weekly re-run finds it (the charts of unchanged facts are found, not drawn:
:mod:`wardaudit.render.chart_cache`) and cold (the ward's drawn charts removed before each run, so every
chart is drawn). Prints one JSON line: per ward the medians, their ratios to the audit and the seconds of
each step of the run (medians); ``median_ratio`` and ``median_ratio_cold`` over the wards.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = ("nam-thanh-mien", "phu-thinh", "trung-thanh", "vinh-thong")


def _project(dest: Path) -> Path:
    for slug in SEEDS:
        shutil.copytree(REPO / "data" / "raw" / slug, dest / "data" / "raw" / slug)
        (dest / "parameters").mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "parameters" / f"{slug}.yaml", dest / "parameters")
    shutil.copytree(REPO / "notebooks", dest / "notebooks")
    if (REPO / "project.yaml").exists():
        shutil.copy2(REPO / "project.yaml", dest / "project.yaml")
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (dest / "reports").mkdir(exist_ok=True)
    return dest


def _median_seconds(fn, repeat: int) -> tuple[float, list]:
    fn()  # warm: imports, catalogues, the kernel's first cells
    times, outs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        outs.append(fn())
        times.append(time.perf_counter() - started)
    return statistics.median(times), outs


def measure(root: Path, repeat: int) -> dict:
    from wardaudit.audit import audit_file
    from wardaudit.project.config import Paths
    from wardaudit.render.chart_cache import shared_cache
    from wardaudit.run.plan import plan_ward
    from wardaudit.run.ward import run_ward, shutdown_warm_kernels, warm_kernel
    from wardaudit.store import WardStore

    paths = Paths(root)
    kernel = warm_kernel(paths)
    wards = {}
    try:
        for slug in SEEDS:
            plan = plan_ward(slug, paths)
            audit, _ = _median_seconds(lambda plan=plan: [audit_file(s.path, plan.params) for s in plan.sources],
                                       repeat)
            run, results = _median_seconds(lambda plan=plan: run_ward(plan, paths, kernel=kernel, force=True), repeat)

            def cold(plan=plan) -> dict:  # the same run with no chart drawn before: every chart drawn again
                shutil.rmtree(WardStore(paths, plan.slug).chart_folder, ignore_errors=True)
                shared_cache().clear()
                return run_ward(plan, paths, kernel=kernel, force=True)

            run_cold, cold_results = _median_seconds(cold, repeat)
            assert all(r["status"] == "ok" for r in results + cold_results), [r.get("reason") for r in results]
            wards[slug] = {"audit_s": round(audit, 4), "run_s": round(run, 4), "ratio": round(run / audit, 2),
                           "run_cold_s": round(run_cold, 4), "ratio_cold": round(run_cold / audit, 2),
                           "steps_s": _steps(results), "steps_cold_s": _steps(cold_results)}
    finally:
        shutdown_warm_kernels()
    return {"repeat": repeat, "wards": wards,
            "median_ratio": round(statistics.median(w["ratio"] for w in wards.values()), 2),
            "median_ratio_cold": round(statistics.median(w["ratio_cold"] for w in wards.values()), 2)}


def _steps(results: list[dict]) -> dict[str, float]:
    """The median seconds of each step of the runs."""
    steps = sorted({k for r in results for k in r["phases"]})
    return {k: round(statistics.median(r["phases"].get(k, 0.0) for r in results), 4) for k in steps}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--root", type=Path)
    args = ap.parse_args()
    if args.root:
        out = measure(args.root.resolve(), args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="wardaudit-cost-") as tmp:
            out = measure(_project(Path(tmp) / "project"), args.repeat)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
