"""Moving code changes no output: the seeds' findings, facts and ward pages equal what was recorded
in tests/fixtures/golden by scripts/golden.py (re-recorded only for an intended behaviour change)."""
from __future__ import annotations

import sys

import pytest

from conftest import REPO, SEED_WARDS

sys.path.insert(0, str(REPO / "scripts"))
from golden import GOLDEN, page_digest  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("slug", SEED_WARDS)
@pytest.mark.parametrize("name", ["findings.json", "facts.csv"])
def test_findings_and_facts_equal_the_recorded_ones(seed_pages, slug, name):
    got = (seed_pages.ward_processed(slug) / name).read_bytes()
    want = (GOLDEN / f"{slug}.{name}").read_bytes()
    assert got == want, (f"{slug}/{name} differs from tests/fixtures/golden "
                         "(diff it, then re-record with scripts/golden.py if intended)")


def test_ward_pages_equal_the_recorded_ones(seed_pages):
    want = dict(reversed(line.split("  ")) for line in (GOLDEN / "pages.sha256").read_text().splitlines())
    got = {f"{slug}.html": page_digest(seed_pages.ward_report(slug).read_text(encoding="utf-8")) for slug in SEED_WARDS}
    assert got == want


def test_the_digest_ignores_the_run_stamp_only():
    a = '<p>x</p><footer class="run-stamp">Tạo lúc 01/01/2026 00:00:00</footer>'
    b = '<p>x</p><footer class="run-stamp">Tạo lúc 02/02/2026 11:11:11</footer>'
    assert page_digest(a) == page_digest(b)
    assert page_digest(a) != page_digest(a.replace("<p>x</p>", "<p>y</p>"))
