"""Rosters as coordinators keep them: CSV from Excel on Windows (GBK), UTF-8 with BOM, XLSX."""

import pytest
import xlsxwriter

from gongkai_xlsx.errors import InputError
from gongkai_xlsx.roster import read_roster

ROWS = [["机构代码", "机构名称", "类别", "上级", "邮箱"],
        ["11339999100000016N", "示例县人民政府办公室", "部门", "示例县人民政府", "a@example.cn"],
        ["11339999100000235１", " 娲城街道办事处 ", "街道", "", ""]]


def write_csv(path, rows, encoding):
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_the_encodings_excel_writes(tmp_path, encoding):
    agencies = read_roster(write_csv(tmp_path / "名册.csv", ROWS, encoding))
    assert [(a.code, a.name, a.category) for a in agencies] == [
        ("11339999100000016N", "示例县人民政府办公室", "部门"), ("113399991000002351", "娲城街道办事处", "街道")]
    assert agencies[0].parent == "示例县人民政府" and agencies[0].email == "a@example.cn"


def test_xlsx_roster_with_synonym_headers(tmp_path):
    path = tmp_path / "名册.xlsx"
    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet()
        for r, row in enumerate([["统一社会信用代码", "单位名称", "类别"], ["113399991000000X", "示例县水利局", "部门"]]):
            sheet.write_row(r, 0, row)
    assert [(a.code, a.name) for a in read_roster(path)] == [("113399991000000X", "示例县水利局")]


def test_problems_are_listed_with_their_rows(tmp_path):
    rows = ROWS + [["11339999100000016N", "重复单位", "部门"], ["", "无代码单位", "部门"]]
    with pytest.raises(InputError) as caught:
        read_roster(write_csv(tmp_path / "r.csv", rows, "utf-8"))
    assert "第4行：机构代码 11339999100000016N 与第2行重复" in caught.value.message
    assert "第5行：机构代码为空" in caught.value.message


def test_missing_columns_and_wrong_formats_are_explained(tmp_path):
    with pytest.raises(InputError, match="缺少列：类别"):
        read_roster(write_csv(tmp_path / "r.csv", [["机构代码", "机构名称"], ["1", "x"]], "utf-8"))
    legacy = tmp_path / "r.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match="旧版 Excel"):
        read_roster(legacy)
    with pytest.raises(InputError, match="找不到名册文件"):
        read_roster(tmp_path / "none.csv")
