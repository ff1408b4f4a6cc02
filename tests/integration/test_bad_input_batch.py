"""Bad input in a batch: the ward fails with its one-line reason, shown in the CLI summary, in
reports/batch.json, in the ward's HTML report and on the portfolio (reports/index.html), while the
other wards are audited; a report for another ward than its folder gets a META005 warning."""
from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from conftest import REPO, copy_project
from wardaudit.batch.local import run_batch
from wardaudit.project.config import Paths

GOOD = ("nam-thanh-mien", "phu-thinh")
# bad ward -> (file name, bytes, a part of the one-line reason the ward must show)
BAD = {
    "empty-report": ("bao-cao.txt", b"", "tệp rỗng / the file is empty"),
    "not-a-zip": ("bao-cao.docx", b"This is plain text saved with a .docx name.\n",
                  "không phải tệp .docx hợp lệ / not a valid .docx"),
}
WRONG = "wrong-ward"  # its folder holds another ward's report
WRONG_NAME = "Hòa An Thử"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    paths = copy_project(tmp_path_factory.mktemp("bad-input") / "project", GOOD)
    for slug, (name, data, _) in BAD.items():
        folder = paths.ward_raw(slug)
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
        paths.ward_params(slug).write_text(f"ward: Xã {slug}\nslug: {slug}\n", encoding="utf-8")
    shutil.copytree(REPO / "data" / "raw" / GOOD[0], paths.ward_raw(WRONG))
    paths.ward_params(WRONG).write_text(f"ward: {WRONG_NAME}\nslug: {WRONG}\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        import io
        from contextlib import redirect_stdout
        out = io.StringIO()
        with redirect_stdout(out):
            code = run_batch(all_wards=True, jobs=2, quiet=False, paths=paths)
    return paths, code, out.getvalue()


def _manifest(paths: Paths) -> dict:
    return {w["slug"]: w for w in json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))["wards"]}


def test_exit_code_says_a_ward_failed(batch):
    _, code, _ = batch
    assert code == 1


def test_good_wards_are_audited(batch):
    paths, _, _ = batch
    wards = _manifest(paths)
    for slug in (*GOOD, WRONG):
        assert wards[slug]["status"] == "ok", wards[slug]
        assert paths.ward_report(slug).read_text(encoding="utf-8").rstrip().endswith("</html>")
        assert (paths.ward_processed(slug) / "findings.json").exists()


@pytest.mark.parametrize("slug", sorted(BAD))
def test_reason_in_manifest(batch, slug):
    paths, _, _ = batch
    name, _, reason = BAD[slug]
    entry = _manifest(paths)[slug]
    assert entry["status"] == "failed"
    assert reason in entry["reason"] and name in entry["reason"]
    assert "\n" not in entry["reason"]


@pytest.mark.parametrize("slug", sorted(BAD))
def test_reason_in_cli_summary(batch, slug):
    _, _, out = batch
    line = next(ln for ln in out.splitlines() if ln.startswith(slug + " "))
    # the run failed ('chạy lỗi'), which the summary keeps apart from error findings ('sai sót')
    assert "chạy lỗi" in line and "sai sót" not in line and BAD[slug][2][:40] in line


@pytest.mark.parametrize("slug", sorted(BAD))
def test_reason_in_ward_report(batch, slug):
    paths, _, _ = batch
    page = paths.ward_report(slug).read_text(encoding="utf-8")
    # in the banner at the top of the page, not only in the failing cell's traceback
    banner = re.search(r'<div class="banner-fail"[^>]*>(.*?)</div>', page, re.S)
    assert banner, "no failure banner"
    text = html.unescape(banner.group(1))
    assert BAD[slug][2] in text and BAD[slug][0] in text


@pytest.mark.parametrize("slug", sorted(BAD))
def test_reason_on_portfolio(batch, slug):
    paths, _, _ = batch
    page = html.unescape((paths.reports / "index.html").read_text(encoding="utf-8"))
    # the ward's row in the wards table carries the reason
    row = re.search(rf'<tr class="st-(\w+)" id="ward-{slug}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None, f"no row for {slug}"
    assert row.group(1) == "failed"
    row = row.group(2)
    assert BAD[slug][2] in row and BAD[slug][0] in row


def test_wrong_ward_gets_meta005_warning(batch):
    paths, _, _ = batch
    findings = json.loads((paths.ward_processed(WRONG) / "findings.json").read_text(encoding="utf-8"))
    meta005 = [c for c in findings["checks"] if c["rule"] == "META005"]
    assert meta005 and meta005[0]["status"] == "fail" and meta005[0]["severity"] == "warning"
    assert meta005[0]["values"]["expected"] == WRONG_NAME
    # the ward itself ran: a warning, not a failure
    assert _manifest(paths)[WRONG]["status"] == "ok"
