"""Text normalised at the edge: a report saved in decomposed Unicode (NFD, as some Mac and web tools
write it) reads as its composed form (NFC) in every reader, and a ward name typed in NFD in
parameters/ is the same name."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from conftest import REPO, SEED_WARDS
from wardaudit.audit import audit_file
from wardaudit.ingest import read_document
from wardaudit.ingest.text import NFC_NOTE
from wardaudit.project.config import WardParams, load_params


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _seed(slug: str) -> Path:
    return next(p for p in sorted((REPO / "data/raw" / slug).iterdir()) if p.suffix in (".txt", ".md"))


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_the_nfd_form_of_a_seed_gives_the_same_facts_and_findings(tmp_path, slug):
    source = _seed(slug)
    text = source.read_text(encoding="utf-8")
    decomposed = tmp_path / source.name
    decomposed.write_text(nfd(text), encoding="utf-8")
    assert decomposed.read_bytes() != source.read_bytes()  # the seed has accents to decompose
    params = load_params(REPO / "parameters" / f"{slug}.yaml")
    composed, read = audit_file(source, params), audit_file(decomposed, params)
    facts = [(f.metric, f.value) for f in composed.facts]
    assert facts and len(composed.checks) > 15  # something to compare
    assert [(f.metric, f.value) for f in read.facts] == facts
    assert [(c.id, c.status) for c in read.checks] == [(c.id, c.status) for c in composed.checks]
    assert read.meta.ward_name == composed.meta.ward_name and read.meta.ward_name
    assert NFC_NOTE in read.document.notes and NFC_NOTE not in composed.document.notes


def test_a_ward_name_typed_in_nfd_gives_no_false_name_finding(tmp_path):
    params = load_params(REPO / "parameters" / "phu-thinh.yaml")
    spelt = (tmp_path / "phu-thinh.yaml")
    spelt.write_text((REPO / "parameters" / "phu-thinh.yaml").read_text(encoding="utf-8")
                     .replace(params.ward, nfd(params.ward)).replace(params.province, nfd(params.province)),
                     encoding="utf-8")
    typed = load_params(spelt)
    assert (typed.ward, typed.province) == (params.ward, params.province)
    assert WardParams(ward=nfd("Phú Thịnh"), slug="x", level=nfd("phường")).level == "phường"
    checks = {c.rule: c.status for c in audit_file(_seed("phu-thinh"), typed).checks}
    assert checks["META003"] == "pass" and checks.get("META005") != "fail"


def test_docx_paragraphs_and_cells_in_nfd_read_composed(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph(nfd("Tổng số hồ sơ tiếp nhận trong kỳ là 1.234 hồ sơ, đã giải quyết 1.200 hồ sơ."))
    table = d.add_table(rows=2, cols=2)
    for i, text in enumerate(["Chỉ tiêu", "Kết quả", "Số thủ tục trực tuyến", "98 thủ tục"]):
        table.cell(i // 2, i % 2).text = nfd(text)
    path = tmp_path / "r.docx"
    d.save(path)
    doc = read_document(path)
    texts = [b.text for b in doc.blocks] + [c for t in doc.tables() for r in [t.header, *t.rows] for c in r]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert "Tổng số hồ sơ tiếp nhận trong kỳ là 1.234 hồ sơ, đã giải quyết 1.200 hồ sơ." in texts
    assert "Số thủ tục trực tuyến" in texts


def test_province_names_in_project_yaml_typed_in_nfd_are_the_same():
    from wardaudit.project.settings import ProjectSettings

    assert ProjectSettings.model_validate({"provinces": [nfd("Thái Nguyên")]}).provinces == ["Thái Nguyên"]
