"""Hostile and broken files, built by the tests: each gets a clear message and exit code, fast, untouched."""

import hashlib
import io
import time
import zipfile

import pytest
from typer.testing import CliRunner

from gongkai_xlsx.cli import app
from gongkai_xlsx.reader import read_bytes
from gongkai_xlsx.template import render_template
from gongkai_xlsx.xlsx_parts import OLE_MAGIC, UnreadableFile

TEMPLATE = render_template(year=2025)
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>')


def replaced(part: str, content: bytes, source: bytes = TEMPLATE) -> bytes:
    """The template with one zip part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, content if info.filename == part else zin.read(info))
    return out.getvalue()


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
