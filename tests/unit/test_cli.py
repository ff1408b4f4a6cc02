"""`wardaudit` commands: exit codes and one-line reasons for unreadable input."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE = [sys.executable, "-m", "wardaudit.cli"]


def run(*args):
    return subprocess.run(EXE + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_extract_json_has_tables_with_appendix_header_rows():
    import json
    out = run("extract", "data/raw/vinh-thong/004_94104b2cdd07920c.md", "--format", "json")
    assert out.returncode == 0
    doc = json.loads(out.stdout)
    t = doc["tables"][0]
    assert t["appendix"] == "1" and t["header"][:2] == ["TT", "Chỉ tiêu"] and len(t["rows"]) == 18


def test_rules_and_metrics_list():
    out = run("rules")
    assert out.returncode == 0 and "FOOT001" in out.stdout and "RATE001" in out.stdout
    out = run("metrics")
    assert out.returncode == 0 and "dossiers.received" in out.stdout


@pytest.mark.parametrize("name,content,needle", [
    ("empty.txt", b"", "rỗng"),
    ("fake.pdf", b"this is not a pdf at all", "fake.pdf"),
    ("report.docx", b"not a zip", "report.docx"),
    ("report.xyz", b"hello", "định dạng .xyz chưa hỗ trợ"),
    ("binary.txt", b"\x00\x01\x02" * 100, "nhị phân"),
])
def test_unreadable_input_exit_2_one_line(tmp_path, name, content, needle):
    p = tmp_path / name
    p.write_bytes(content)
    out = run("check", str(p))
    assert out.returncode == 2
    assert needle in out.stderr and str(p) in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_docx_zip_of_something_else(tmp_path):
    p = tmp_path / "other.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "not a document")
    out = run("check", str(p))
    assert out.returncode == 2 and "other.docx" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters plus combining tone marks."""
    import unicodedata
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base, marks = d[0], list(d[1:])
            for m in list(marks):  # keep a mark precomposed when the code page has that letter (â, ê, ô, ơ, ư, ă)
                cand = unicodedata.normalize("NFC", base + m)
                if len(cand) == 1 and cand.encode("cp1258", errors="ignore"):
                    base = cand
                    marks.remove(m)
                    break
            out += base.encode("cp1258") + "".join(marks).encode("cp1258")
    return out


def test_windows_1258_and_utf16_are_decoded(tmp_path):
    text = "Số: 12/BC-UBND\n\nUBND xã Hòa An báo cáo: tổng số hồ sơ tiếp nhận là 120 hồ sơ.\n"
    p = tmp_path / "utf16.txt"
    p.write_bytes(text.encode("utf-16"))
    out = run("check", str(p), "--format", "json")
    assert out.returncode in (0, 1) and "Hòa An" in out.stdout and "UTF-16" in out.stdout
    p2 = tmp_path / "cp1258.txt"
    p2.write_bytes(_cp1258(text))
    out = run("check", str(p2), "--format", "json")
    assert out.returncode in (0, 1) and "Hòa An" in out.stdout and "Windows-1258" in out.stdout


def test_check_text_output_lists_failures_first():
    out = run("check", "data/raw/trung-thanh/000_faad2a6d99a2e313.txt")
    assert out.returncode == 1
    lines = [ln for ln in out.stdout.splitlines() if ln and ln[0] in "✗✓"]
    first_pass = next(i for i, ln in enumerate(lines) if ln.startswith("✓"))
    assert all(ln.startswith("✗") for ln in lines[:first_pass]) and lines[0].split()[2] == "ERROR"


def test_text_output_names_each_relation_and_what_was_not_checked(capsys):
    """The human form says why two figures were compared (cue, strength) and how many were not."""
    from wardaudit.cli import main

    raw = Path(__file__).resolve().parents[2] / "data" / "raw"
    main(["check", str(next((raw / "trung-thanh").iterdir())), "--format", "text"])
    out = capsys.readouterr().out
    assert "[trong đó · nêu rõ / explicit]" in out  # a tick of an explicit partition
    assert "Cần rà soát" in out and "suy ra / inferred]" in out
    main(["check", str(next((raw / "phu-thinh").iterdir())), "--format", "text"])
    assert "Không kiểm tra được / not checked: 1" in capsys.readouterr().out
