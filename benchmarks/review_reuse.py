"""What a change of decisions alone costs: ``load_ward`` auditing vs reusing the stored audit.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/review_reuse.py``. For each seed ward (a copy in
a temporary folder) it prints the median of 5 calls of each kind. Both read the report from the
document cache, so the difference is facts, relations and rules; the notebook's rendering (the
larger part of a ward's run) is paid either way.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import SEED_WARDS, copy_project  # noqa: E402
from wardaudit.run.ward import load_ward  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = copy_project(Path(tmp) / "project")
        for slug in SEED_WARDS:
            load_ward(slug, paths=paths)  # fills the document cache and stores the audit
            full, reuse = [], []
            for _ in range(5):
                t = time.perf_counter()
                load_ward(slug, paths=paths)
                full.append(time.perf_counter() - t)
                t = time.perf_counter()
                load_ward(slug, paths=paths, reuse_audit=True)
                reuse.append(time.perf_counter() - t)
            print(f"{slug:16} audit {statistics.median(full):.3f}s  reuse {statistics.median(reuse):.3f}s")


if __name__ == "__main__":
    main()
