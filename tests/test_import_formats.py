"""The same publications through every reader: HTML, Word .docx, PDF (ruled tables, and layout text only), a
tab-separated copy and a crawl with run-together cells. Every cell must come back exactly as published."""

from __future__ import annotations

import pytest
from test_import_inputs import (
    AGENCIES,
    FORM_2021,
    Published,
    publication_text,
    published,
    seed_sections,
    to_docx,
    to_glued_text,
    to_html,
    to_pdf,
    to_tab_text,
    write,
)

from gongkai_xlsx.form import Severity
from gongkai_xlsx.importer import import_report

NAMES = [*AGENCIES, "seed"]
# what each publication's own findings are, whatever the format (the rendered labels are the form's)
EXPECTED_CODES = {
    "01_pingtan_2021.txt": set(),
    "03_pingtan_2023.txt": {"IMPORT_TEXT_TABLE_MISMATCH"},
    "06_huaian_2024.txt": set(),
    "08_hongze_2024.txt": {"IMPORT_OTHER_SINGLE_ROW", "IMPORT_TEXT_TABLE_MISMATCH"},
    "seed": set(),
}


@pytest.fixture(scope="module")
def pubs(tmp_path_factory) -> dict[str, Published]:
    tmp = tmp_path_factory.mktemp("sources")
    out = {}
    for name in AGENCIES:
        texts = import_report(write(tmp, name, publication_text(name))).report.texts
        out[name] = published(name, texts)
    out["seed"] = Published("娲城街道办事处", 2025, {i.id: 0 for i in FORM_2021.items}, seed_sections())
    return out


RENDERERS = {
    "html": lambda pub: to_html(pub),
    "gbk.html": lambda pub: to_html(pub, encoding="gb18030"),
    "docx": to_docx,
    "pdf": to_pdf,
    "unruled.pdf": lambda pub: to_pdf(pub, ruled=False),
    "tab.txt": to_tab_text,
}
KINDS = {"html": "html", "gbk.html": "html", "docx": "docx", "pdf": "pdf", "unruled.pdf": "pdf", "tab.txt": "text"}


@pytest.fixture(scope="module")
def rendered(pubs):
    """Each publication rendered once per format (bytes), shared by the tests of this module."""
    cache: dict[tuple[str, str], bytes | str] = {}

    def get(name: str, fmt: str) -> bytes | str:
        if (name, fmt) not in cache:
            cache[name, fmt] = RENDERERS[fmt](pubs[name])
        return cache[name, fmt]

    return get


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize("name", NAMES)
def test_every_reader_gives_the_published_cells(pubs, rendered, tmp_path, name, fmt):
    pub = pubs[name]
    path = write(tmp_path, f"report.{fmt}", rendered(name, fmt))
    result = import_report(path)
    report = result.report
    assert report.values == pub.values
    assert (report.agency_name, report.year, result.format_version) == (pub.agency, pub.year, "2021")
    assert report.provenance.kind == KINDS[fmt] and report.origin == "imported"
    assert {f.code for f in result.findings} == EXPECTED_CODES[name]
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    for text_id, text in pub.texts.items():
        if fmt.endswith("pdf"):  # a PDF wraps lines: paragraphs are rebuilt, compare without whitespace
            assert squash(report.texts[text_id]) == squash(text)
        else:
            assert report.texts[text_id] == text
    if fmt == "pdf":
        assert result.variant == "pdf-tables"
    if fmt == "unruled.pdf":
        assert result.variant == "pdf-layout"


@pytest.mark.parametrize("name", ["01_pingtan_2021.txt", "03_pingtan_2023.txt", "08_hongze_2024.txt", "seed"])
def test_run_together_crawl_decodes_to_the_published_cells(pubs, tmp_path, name):
    pub = pubs[name]
    result = import_report(write(tmp_path, "crawl.txt", to_glued_text(pub)))
    refused = {c.item for f in result.findings if f.code == "IMPORT_GLUED_AMBIGUOUS" for c in f.cells}
    assert refused == {k for k, v in result.report.values.items() if v is None}  # unset only where refused
    assert refused <= {"t2_norm_issued", "t2_norm_repealed", "t2_norm_valid"}  # 平潭's 表二 rows, see test_import
    assert {k: v for k, v in result.report.values.items() if k not in refused} == \
        {k: v for k, v in pub.values.items() if k not in refused}
    assert "IMPORT_GLUED_DECODED" in {f.code for f in result.findings}
    assert squash(result.report.texts["text_overview"]) == squash(pub.texts["text_overview"])


def test_run_together_crawl_says_when_the_sums_cannot_decide(pubs, tmp_path):
    # 淮安 2024 表四 “7264178373511348126121162 0…” splits three ways that all add up: said, not guessed silently
    result = import_report(write(tmp_path, "crawl.txt", to_glued_text(pubs["06_huaian_2024.txt"])))
    ambiguous = [f for f in result.findings if f.code == "IMPORT_GLUED_AMBIGUOUS" and "表四" in f.message]
    assert len(ambiguous) == 1 and "12|1|1|6|20" in ambiguous[0].message
    assert ambiguous[0].severity is Severity.ERROR  # refused: the cells the splits disagree on are unset
    assert all(result.report.values[c.item] is None for c in ambiguous[0].cells)
    assert {k: v for k, v in result.report.values.items() if k.startswith("t4_") and v is not None} == \
        {k: v for k, v in pubs["06_huaian_2024.txt"].values.items() if k.startswith("t4_")
         and result.report.values[k] is not None}
    t3 = {k: v for k, v in result.report.values.items() if k.startswith("t3_")}
    assert t3 == {k: v for k, v in pubs["06_huaian_2024.txt"].values.items() if k.startswith("t3_")}
