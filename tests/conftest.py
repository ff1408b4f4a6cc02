"""Shared fixtures: a throw-away copy of the project (the seed wards' raw data, parameters and the
notebooks) so that tests write their data/processed/ and reports/ outside the repository."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wardaudit.project.config import Paths

REPO = Path(__file__).resolve().parents[1]
SEED_WARDS = ("nam-thanh-mien", "phu-thinh", "trung-thanh", "vinh-thong")
CHROMIUM = Path("/usr/bin/chromium")


# Slow by folder: tests/integration runs notebooks, browsers, clusters and the OCR engine. Slow by
# design: these modules measure (fault planting, the labelled corpus) or fuzz thousands of inputs.
# `make test-fast` leaves both out; `make test` runs everything.
SLOW_FOLDERS = ("integration",)
SLOW_MODULES = ("test_fuzz.py", "test_mutation.py", "test_eval.py", "test_bombs.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if path.parent.name in SLOW_FOLDERS or path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def copy_project(dest: Path, slugs: tuple[str, ...] = SEED_WARDS) -> Paths:
    """Copy data/raw/<slug>/, parameters/<slug>.yaml, notebooks/ and project.yaml of the repo under ``dest``."""
    for slug in slugs:
        shutil.copytree(REPO / "data" / "raw" / slug, dest / "data" / "raw" / slug)
        (dest / "parameters").mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "parameters" / f"{slug}.yaml", dest / "parameters" / f"{slug}.yaml")
    shutil.copytree(REPO / "notebooks", dest / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(REPO / "project.yaml", dest / "project.yaml")
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (dest / "reports").mkdir(exist_ok=True)
    return Paths(dest)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A copy of the four seed wards' inputs in tmp_path, with WARDAUDIT_ROOT pointing at it."""
    paths = copy_project(tmp_path / "project")
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    return paths


def audit_seed(paths: Paths, slug: str) -> list:
    """A ward planned and audited as a batch worker does (steps audit → store → summarise, no page):
    its reports' AuditResults, oldest period first; data/processed/<slug>/ written."""
    from wardaudit.run.plan import plan_ward
    from wardaudit.run.ward import audit_ward

    return audit_ward(plan_ward(slug, paths), paths).results


@pytest.fixture(scope="session")
def rendered_ward(tmp_path_factory: pytest.TempPathFactory):
    """One seed ward run through the ward notebook once per session: (paths, execute_ward's dict)."""
    from wardaudit.run.ward import execute_ward

    paths = copy_project(tmp_path_factory.mktemp("rendered") / "project", ("vinh-thong",))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        result = execute_ward("vinh-thong", paths)
    return paths, result


def norm_cell(cell: str) -> str:
    return " ".join(cell.split())


def cell_agreement(expected, got) -> tuple[int, int]:
    """(equal cells, cells) over header and rows of tables paired in order (readers' tests)."""
    equal = total = 0
    for a, b in zip(expected, got, strict=False):
        for ra, rb in zip([a.header] + a.rows, [b.header] + b.rows, strict=False):
            width = max(len(ra), len(rb))
            ra, rb = ra + [""] * (width - len(ra)), rb + [""] * (width - len(rb))
            total += width
            equal += sum(norm_cell(x) == norm_cell(y) for x, y in zip(ra, rb, strict=False))
    return equal, total


@pytest.fixture(scope="session")
def seed_pages(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The four seed wards and the index run once per session by `wardaudit run --all` (real
    notebooks, real kernel); the pages are under ``paths.reports``."""
    from wardaudit.batch.local import run_batch

    paths = copy_project(tmp_path_factory.mktemp("seed-pages") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        assert run_batch(all_wards=True, jobs=2, paths=paths, quiet=True) == 0
    return paths


# Debian's chromium, headless, with nothing that reaches the network (no browser download: the
# machines have no internet but the package registries)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, driven by Playwright."""
    import playwright.sync_api as playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make system-deps`"
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield b
        b.close()
