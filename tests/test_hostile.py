"""Hostile and broken files, built by the tests: each gets a clear message and exit code, fast, untouched."""

import hashlib
import re
import io
import time
import zipfile

import pytest
from typer.testing import CliRunner

from forms import FILLED
from gongkai_xlsx.cli import app
from gongkai_xlsx.ooxml.package import OLE_MAGIC, UnreadableFile
from gongkai_xlsx.read.returned import read_bytes
from gongkai_xlsx.template.render import render_template

TEMPLATE = render_template(year=2025, **FILLED)  # filled in (a template with nothing typed is NOT_FILLED)
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>')


def replaced(part: str, content: bytes | None, source: bytes = TEMPLATE) -> bytes:
    """The template with one zip part replaced (left out when ``content`` is None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == part and content is None:
                continue
            zout.writestr(info.filename, content if info.filename == part else zin.read(info))
    return out.getvalue()


T3_PART = "xl/worksheets/sheet3.xml"  # 表三 in the template


def t3_edited(change) -> bytes:
    """The template with 表三's worksheet XML changed by ``change`` (bytes → bytes)."""
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as archive:
        return replaced(T3_PART, change(archive.read(T3_PART)))


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"<" + b" " * (200 * 1024 * 1024) + b"/>")
    return out.getvalue()


def huge_dimension() -> bytes:
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
             '</sheetData></worksheet>').encode()
    return replaced("xl/worksheets/sheet3.xml", sheet)


HOSTILE = {
    "encrypted_ooxml.xlsx": (OLE_MAGIC + b"\0" * 200 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 300
                             + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
    "legacy.xls": (OLE_MAGIC + b"\0" * 200 + "Workbook".encode("utf-16-le") + b"\0" * 300, "legacy_xls"),
    "wps.et": (OLE_MAGIC + b"\0" * 200 + "Workbook".encode("utf-16-le") + b"\0" * 300, "legacy_xls"),
    "truncated.xlsx": (TEMPLATE[: len(TEMPLATE) // 2], "damaged"),
    "not_a_zip.xlsx": (b"\x00\x01garbage" * 100, "not_a_workbook"),
    "report.pdf.xlsx": (b"%PDF-1.7\n%..." + b"0" * 100, "not_a_workbook"),
    "page.xlsx": (b"<!DOCTYPE html><html><body>hi</body></html>", "not_a_workbook"),
    "empty.xlsx": (b"", "empty"),
    "bomb.xlsx": (zip_bomb(), "zip_bomb"),
    "laughs_workbook.xlsx": (replaced("xl/workbook.xml", BILLION_LAUGHS), "xml_attack"),
    "laughs_sheet.xlsx": (replaced("xl/worksheets/sheet3.xml", BILLION_LAUGHS), "xml_attack"),
    "missing_sheet.xlsx": (replaced("xl/worksheets/sheet3.xml", None), "damaged"),  # named in the index, not there
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_get_a_clear_reason_quickly(name):
    data, reason = HOSTILE[name]
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as caught:
        read_bytes(data, name)
    assert time.perf_counter() - started < 2
    assert caught.value.reason == reason
    assert caught.value.message and caught.value.hint  # what is wrong, and what to do


def test_a_huge_dimension_does_not_allocate_or_hang():
    started = time.perf_counter()
    report = read_bytes(huge_dimension(), "huge.xlsx")
    assert time.perf_counter() - started < 2
    # 表三's cells are gone: they read as blank, the missing formulas and the changed layout are said
    assert {"BLANK_AS_ZERO", "LAYOUT_CHANGED", "TOTAL_TYPED_OVER"} <= {f.code for f in report.findings}
    assert report.values["t3_new_natural"] == 0


def test_the_cli_answers_every_hostile_file_and_touches_none(tmp_path):
    for name, (data, _) in HOSTILE.items():
        (tmp_path / name).write_bytes(data)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    result = CliRunner().invoke(app, ["verify", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    import json

    document = json.loads(result.stdout)
    assert {f["status"] for f in document["files"]} == {"unreadable"}
    assert len(document["files"]) == len(HOSTILE)
    for entry in document["files"]:
        assert entry["findings"][0]["code"] == "UNREADABLE" and entry["findings"][0]["hint"]
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert after == before


@pytest.mark.parametrize("typed", [b"1E999", b"-1E999", b"9" * 20, b"1E16"])
def test_numbers_beyond_a_spreadsheets_range_are_not_numbers(typed):
    """Such a cell would overflow every float downstream (the rules, XlsxWriter): it is reported, counted as 0."""
    report = read_bytes(t3_edited(lambda xml: re.sub(rb'(<c r="D7" s="\d+"><v>)0(</v>)',
                                                     lambda m: m.group(1) + typed + m.group(2), xml)), "big.xlsx")
    bad = [f for f in report.findings if f.code == "NOT_A_NUMBER"]
    assert [c.cell for f in bad for c in f.cells] == ["D7"] and report.values["t3_new_natural"] == 0


def test_a_damaged_shared_formula_is_read_as_a_cell_without_formula():
    def damage(xml: bytes) -> bytes:  # J8 shares J7's formula, and J7's is not a formula at all
        xml = xml.replace(b"<f>SUM(D7:I7)</f>", b'<f t="shared" ref="J7:J8" si="0">"abc</f>')
        return xml.replace(b"<f>SUM(D8:I8)</f>", b'<f t="shared" si="0"/>')

    report = read_bytes(t3_edited(damage), "shared.xlsx")
    codes = {f.code for f in report.findings}
    typed_over = {c.cell for f in report.findings if f.code == "TOTAL_TYPED_OVER" for c in f.cells}
    assert typed_over == {"J8"} and "LAYOUT_CHANGED" in codes  # J7's own text is still a (changed) formula


def test_sheet_protection_written_with_spaces_around_its_equals_sign_is_protection():
    spaced = t3_edited(lambda xml: xml.replace(b'scenarios="1" formatColumns', b'scenarios="1" formatColumns')
                       .replace(b'sheet="1" objects', b'sheet = "1" objects'))
    assert b'sheet = "1"' in zipfile.ZipFile(io.BytesIO(spaced)).read(T3_PART)
    assert "PROTECTION_REMOVED" not in {f.code for f in read_bytes(spaced, "spaced.xlsx").findings}


def test_one_file_the_reader_cannot_handle_is_reported_and_the_others_are_verified(tmp_path, monkeypatch):
    from gongkai_xlsx.check import verify
    from gongkai_xlsx.read.intake import collect

    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        (tmp_path / name).write_bytes(TEMPLATE)
    real = verify.read_bytes

    def read(data, name):
        if name == "b.xlsx":
            raise RuntimeError("something nobody foresaw")
        return real(data, name)

    monkeypatch.setattr(verify, "read_bytes", read)
    results = verify.verify_submissions(collect([tmp_path]), year=2025, workers=1)
    assert [r.status for r in results] == ["ok", "unreadable", "ok"]
    finding = results[1].findings[0]
    assert finding.code == "UNREADABLE" and "something nobody foresaw" in finding.message and finding.hint
    assert results[1].sha256 == hashlib.sha256(TEMPLATE).hexdigest()


def test_an_archive_that_cannot_be_read_is_accounted_for(tmp_path, monkeypatch):
    from pathlib import Path

    from gongkai_xlsx.read.intake import collect

    (tmp_path / "a.xlsx").write_bytes(TEMPLATE)
    (tmp_path / "locked.zip").write_bytes(b"PK")
    real = Path.read_bytes

    def read_bytes_(path):
        if path.name == "locked.zip":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes_)
    found = {s.name: s for s in collect([tmp_path])}
    assert set(found) == {"a.xlsx", "locked.zip"}
    assert found["locked.zip"].load() is None and "无法读取文件" in found["locked.zip"].note
