"""Render the README's pictures through LibreOffice (the stand-in for the spreadsheet apps offices use).

Run:  python docs/make_images.py      (needs soffice, pdftoppm and pdftotext; see .ci/run for the packages)
Writes docs/images/: the first page of the blank template in templates/, 表三 of a template filled with a
real published report, the 说明, 汇总, 指标, 分类汇总 and 报送情况 pages of the demo's consolidated workbook, and
表三 of the county report that ``publish`` writes from it (its .docx).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from gongkai_xlsx.cli import app
from gongkai_xlsx.files import template_filename
from gongkai_xlsx.publish import publish_paths
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.samples import contact_fields
from gongkai_xlsx.template.render import render_template

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
sys.path.insert(0, str(ROOT / "tests"))


def to_pdf(xlsx: Path, work: Path) -> Path:  # a workbook, or a Word file
    profile = work / "profile"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", "pdf", "--outdir", str(work), str(xlsx)], check=True, capture_output=True)
    return work / (xlsx.stem + ".pdf")


def page_with(pdf: Path, *words: str) -> int:
    """The first page whose text contains every one of ``words`` (spaces ignored)."""
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                              text=True).stdout
        if all(word in "".join(text.split()) for word in words):
            return page
    raise LookupError(words)


def png(pdf: Path, page: int, name: str, resolution: int = 90, crop: tuple[int, int, int, int] | None = None) -> None:
    """One PDF page as a PNG; ``crop`` (x, y, width, height in pixels at that resolution) keeps a readable part."""
    area = ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])] if crop else []
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page), "-singlefile",
                    *area, str(pdf), str(IMAGES / name)], check=True)


def main() -> None:
    from reports import decoded_reports, input_values

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        blank = work / "blank.xlsx"
        blank.write_bytes((ROOT / "templates" / template_filename(2026, None)).read_bytes())
        png(to_pdf(blank, work), 1, "template-page1")
        filled = work / "filled.xlsx"
        huaian = decoded_reports()["06_huaian_2024.txt"]
        filled.write_bytes(render_template(year=2024, agency=Agency("11320800014163245X", "淮安市人民政府"),
                                           values=input_values(huaian), texts={"text_overview": "（总体情况略）"},
                                           meta=contact_fields("市政府办公室", "0517-83600000", "2025-01-20")))
        png(to_pdf(filled, work), 3, "template-table3")
        demo = work / "demo"
        CliRunner().invoke(app, ["demo", "-o", str(demo)], catch_exceptions=False)
        consolidated = next(demo.glob("*汇总_示例县.xlsx"))
        copy = work / "consolidated.xlsx"
        copy.write_bytes(consolidated.read_bytes())
        pdf = to_pdf(copy, work)
        png(pdf, 1, "consolidated-readme")
        png(pdf, page_with(pdf, "年政府信息公开工作年度报告汇总表"), "consolidated-summary")
        png(pdf, page_with(pdf, "年政府信息公开工作指标"), "consolidated-indicators")
        png(pdf, page_with(pdf, "分类汇总表"), "consolidated-by-category", resolution=110, crop=(0, 0, 910, 620))
        png(pdf, page_with(pdf, "序号", "机构代码", "发件人"), "consolidated-status", resolution=200, crop=(0, 0, 2339, 1000))
        report = publish_paths([copy], work / "published", formats="docx").files[0]
        pdf = to_pdf(Path(report.outputs[0]), work)
        png(pdf, page_with(pdf, "本列数据的勾稽关系"), "publish-table3", resolution=80)
        feedback = next((demo / "退回意见").glob("*民政局*"))
        copy = work / "feedback.xlsx"
        copy.write_bytes(feedback.read_bytes())
        png(to_pdf(copy, work), 1, "feedback-findings")
    print("\n".join(str(p) for p in sorted(IMAGES.glob("*.png"))))


if __name__ == "__main__":
    main()
