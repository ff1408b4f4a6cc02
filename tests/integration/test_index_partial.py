"""The index while only some wards have been run: the others are listed without a page, and the
index is written (a NaN page path once failed the whole index with a TypeError)."""
from __future__ import annotations

import json


def test_index_with_one_ward_run_of_four(project):
    from wardaudit.batch.local import run_batch

    code = run_batch(["vinh-thong"], paths=project, jobs=1, quiet=True)
    index = project.reports / "index.html"
    assert code == 0 and index.exists()
    html = index.read_text(encoding="utf-8")
    assert "vinh-thong.html" in html
    batch = json.loads((project.reports / "batch.json").read_text(encoding="utf-8"))
    assert "TypeError" not in json.dumps(batch, ensure_ascii=False)
