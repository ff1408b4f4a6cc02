"""Record what the seeds produce today (findings.json, facts.csv, and a digest of each ward page),
so that tests/test_golden.py can show that moving code changed none of it.

Run it only when a behaviour change is intended (a bug fix, a rule change), and say which in the
commit: ``.venv/bin/python scripts/golden.py``. It runs the four seed wards through the real
notebooks in a throw-away copy of the project and writes tests/fixtures/golden/.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "fixtures" / "golden"
STAMP = re.compile(r'<footer class="run-stamp">[^<]*</footer>')


def page_digest(html: str) -> str:
    """sha256 of a ward page with its run stamp (the time it was made) blanked out."""
    return hashlib.sha256(STAMP.sub('<footer class="run-stamp"></footer>', html).encode()).hexdigest()


def record(paths, slugs, dest: Path = GOLDEN) -> None:
    """Copy each ward's findings.json and facts.csv under ``dest`` and write pages.sha256."""
    dest.mkdir(parents=True, exist_ok=True)
    lines = []
    for slug in slugs:
        for name in ("findings.json", "facts.csv"):
            shutil.copy2(paths.ward_processed(slug) / name, dest / f"{slug}.{name}")
        lines.append(f"{page_digest(paths.ward_report(slug).read_text(encoding='utf-8'))}  {slug}.html")
    (dest / "pages.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import SEED_WARDS, copy_project
    from wardaudit.batch.local import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        paths = copy_project(Path(tmp) / "project")
        import os
        os.environ["WARDAUDIT_ROOT"] = str(paths.root)
        if run_batch(all_wards=True, jobs=2, paths=paths, quiet=True) != 0:
            print("golden: the seed run failed", file=sys.stderr)
            return 1
        record(paths, SEED_WARDS)
    print(f"golden: wrote {GOLDEN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
