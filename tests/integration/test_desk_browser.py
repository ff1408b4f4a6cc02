"""The desk as an auditor uses it: `wardaudit desk` started in a copy of the project (audited first), Debian's
chromium driven by Playwright. Open a ward by its name, write a note, click "Loại trừ": the decision is in
data/reviews/WARD.yaml at once and, after "Cập nhật trang", the re-rendered page shows it dismissed (no
re-audit). The same for "Đề nghị giải trình" and the letter from "Tạo công văn". The page loads nothing
from outside the desk's own server.

With WARDAUDIT_DOCS_SHOTS=1 the run also writes the README's screenshot, docs/desk.png."""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
import yaml

from conftest import CHROMIUM, REPO, copy_project
from wardaudit.batch.local import run_batch

pytestmark = [pytest.mark.slow]
WARD, NAME, OTHER = "vinh-thong", "Vĩnh Thông", "phu-thinh"
AUDITOR = "Nguyễn Thị Lan"
SLOW = 300_000  # ms: the machine running the tests may be shared and busy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "wardaudit desk stopped"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the desk did not listen on {port}")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A project with two audited wards and `wardaudit desk --no-browser --port N` serving it."""
    paths = copy_project(tmp_path_factory.mktemp("desk") / "project", (WARD, OTHER))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths) == 0
    port = _free_port()
    env = {**os.environ, "WARDAUDIT_ROOT": str(paths.root)}
    log = open(paths.root / "desk.log", "w")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen([str(Path(sys.executable).parent / "wardaudit"), "desk", "--no-browser", "--port",
                             str(port)], cwd=paths.root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, proc)
        yield paths, f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _entries(paths) -> list[dict]:
    return yaml.safe_load(paths.ward_reviews(WARD).read_text(encoding="utf-8")) or []


def _open_ward(browser, url: str, outside: list[str]):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None)
    page.goto(url, timeout=SLOW)
    page.get_by_placeholder("Họ và tên").fill(AUDITOR, timeout=SLOW)
    page.get_by_role("button", name="Bắt đầu").click()
    rows = page.locator(".wa-ward-row")
    rows.first.wait_for(timeout=SLOW)
    assert rows.count() == 2 and "Thái Nguyên" in rows.nth(0).inner_text()
    page.get_by_role("button", name=NAME).click()
    page.locator(".wa-card").first.wait_for(timeout=SLOW)
    return page


def _card(page, finding: str):
    return page.locator(f".wa-card-{finding}")


def test_dismiss_with_a_note_then_update_the_page(desk, browser):
    paths, url = desk
    outside: list[str] = []
    page = _open_ward(browser, url, outside)
    cards = page.locator(".wa-card")
    severities = [re.search(r"wa-sev-(\w+)", cards.nth(i).get_attribute("class")).group(1)
                  for i in range(cards.count())]
    order = {"error": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=order.get)  # worst first
    finding = re.search(r"wa-card-(\S+)", cards.nth(0).get_attribute("class")).group(1)
    card = _card(page, finding)
    assert "dòng" not in card.inner_text()  # where the ward finds it: section and page, never our line
    assert card.locator("blockquote").count() >= 1
    card.locator("textarea").fill("Đã đối chiếu bản giấy: số liệu đúng")
    card.get_by_role("button", name="Loại trừ").click()
    card.locator('[data-state="dismissed"]').wait_for(timeout=SLOW)
    assert "Đã loại trừ" in card.inner_text() and AUDITOR in card.inner_text()
    last = _entries(paths)[-1]  # recorded at the click, in the same file and with the same id as the CLI
    assert (last["id"], last["status"], last["note"], last["by"]) == (finding, "dismissed",
                                                                      "Đã đối chiếu bản giấy: số liệu đúng", AUDITOR)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", last["at"])
    if os.environ.get("WARDAUDIT_DOCS_SHOTS"):
        page.screenshot(path=str(REPO / "docs" / "desk.png"))

    audit = paths.ward_processed(WARD) / "audit.json"
    audited = audit.stat().st_mtime_ns
    page.get_by_role("button", name="Cập nhật trang").click()
    page.get_by_text("Đã cập nhật trang").wait_for(timeout=SLOW)
    assert audit.stat().st_mtime_ns == audited  # decisions changed, the reports did not: no re-audit
    link = page.get_by_role("link", name="Mở trang kiểm tra")
    shown = page.request.get(url.rstrip("/") + link.get_attribute("href")).text()
    dismissed = shown.split('<section class="dismissed">', 1)[1].split("</section>", 1)[0]
    assert f'data-id="{finding}"' in dismissed and 'data-review="dismissed"' in dismissed
    assert "Đã đối chiếu bản giấy: số liệu đúng" in dismissed and AUDITOR in dismissed
    assert outside == []
    page.close()


def test_query_then_write_the_letter(desk, browser):
    paths, url = desk
    outside: list[str] = []
    page = _open_ward(browser, url, outside)
    cards = page.locator(".wa-card:not(.wa-st-dismissed)")
    finding = re.search(r"wa-card-(\S+)", cards.nth(0).get_attribute("class")).group(1)
    card = _card(page, finding)
    quote = card.locator("blockquote").first.inner_text().strip("… ")
    card.get_by_role("button", name="Loại trừ").click()  # no note: refused, nothing written
    card.get_by_text("cần ghi lý do").wait_for(timeout=SLOW)
    before = len(_entries(paths))
    card.locator("textarea").fill("Đề nghị nêu rõ nguồn số liệu")
    card.get_by_role("button", name="Đề nghị giải trình").click()
    card.locator('[data-state="query"]').wait_for(timeout=SLOW)
    entries = _entries(paths)
    assert len(entries) == before + 1 and (entries[-1]["id"], entries[-1]["status"]) == (finding, "query")
    # the re-rendered page shows the finding queried, with the note
    page.get_by_role("button", name="Cập nhật trang").click()
    page.get_by_text("Đã cập nhật trang").wait_for(timeout=SLOW)
    link = page.get_by_role("link", name="Mở trang kiểm tra")
    shown = page.request.get(url.rstrip("/") + link.get_attribute("href")).text()
    queried = shown.split(f'data-id="{finding}"', 1)[1].split('<div class="finding ', 1)[0]
    head = shown.split(f'data-id="{finding}"', 1)[0].rsplit('<div class="finding ', 1)[1]
    assert "queried" in head and 'data-review="query"' in head + queried
    assert "Đề nghị nêu rõ nguồn số liệu" in queried and "Đề nghị giải trình" in queried

    page.get_by_role("button", name="Tạo công văn").click()
    page.get_by_text("Đã tạo công văn").wait_for(timeout=SLOW)
    href = page.get_by_role("link", name="Tải công văn (.docx)").get_attribute("href")
    assert href.endswith(f"{WARD}-giai-trinh.docx")
    letter = docx.Document(io.BytesIO(page.request.get(url.rstrip("/") + href).body()))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Các nội dung đề nghị giải trình" in text and "Đề nghị nêu rõ nguồn số liệu" in text
    assert quote[:40] in text and finding not in text and not re.search(r"dòng \d", text)
    assert "Đã đối chiếu bản giấy" not in text  # the dismissed finding is not asked about

    card.get_by_role("button", name="Mở lại").click()  # undo: the same file, one more entry
    card.locator('[data-state="open"]').wait_for(timeout=SLOW)
    assert _entries(paths)[-1]["status"] == "open"
    assert outside == []
    page.close()


def test_the_desk_refuses_to_start_without_wards(tmp_path):
    (tmp_path / "parameters").mkdir()
    (tmp_path / "data").mkdir()
    done = subprocess.run([str(Path(sys.executable).parent / "wardaudit"), "desk", "--no-browser"], cwd=tmp_path,
                          env={**os.environ, "WARDAUDIT_ROOT": str(tmp_path)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "không có xã/phường nào" in done.stderr and "\n" not in done.stderr.strip()
    assert CHROMIUM.exists()
