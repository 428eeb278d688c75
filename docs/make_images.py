"""Render the README's pictures through LibreOffice (the stand-in for the spreadsheet apps offices use).

Run:  python docs/make_images.py      (needs soffice and pdftoppm; see .ci/run for the packages)
Writes docs/images/template-page1.png (first page of the blank 2026 template in templates/) and
docs/images/template-table3.png (表三 of a template filled with a real published report).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template import render_template, template_filename

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
HUAIAN = ROOT.parent / "shared" / "domain" / "reports" / "decoded_tables.json"


def render_pages(xlsx: Path, pages: dict[int, str], work: Path) -> None:
    profile = work / "profile"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", "pdf", "--outdir", str(work), str(xlsx)], check=True, capture_output=True)
    pdf = work / (xlsx.stem + ".pdf")
    for page, name in pages.items():
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                        str(IMAGES / name)], check=True)


def huaian_inputs() -> dict:
    """淮安市人民政府 2024 (a real consolidated report) as template inputs, for a realistic picture."""
    report = json.loads(HUAIAN.read_text(encoding="utf-8"))["reports"]["06_huaian_2024.txt"]
    t3 = FORM_2021.table3
    values: dict = {}
    for row in t3.rows:
        for column, number in zip(t3.columns, report["t3"][row.key]):
            values[t3.item_id(row.key, column.key)] = number
    values["t2_fee"] = Decimal(report["sec2"]["fee"])
    return {item.id: values.get(item.id, 0) for item in FORM_2021.input_items}


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        blank = work / "blank.xlsx"
        shutil.copy(ROOT / "templates" / template_filename(2026, None), blank)
        render_pages(blank, {1: "template-page1"}, work)
        filled = work / "filled.xlsx"
        filled.write_bytes(render_template(year=2024, agency=Agency("11320800014163245X", "淮安市人民政府"),
                                           values=huaian_inputs()))
        render_pages(filled, {3: "template-table3"}, work)
    print("\n".join(str(p) for p in sorted(IMAGES.glob("*.png"))))


if __name__ == "__main__":
    main()
