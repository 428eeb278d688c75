"""填表说明: how to fill in and return the template, its checks and the form's counting notes."""

from __future__ import annotations

from ..form import Form
from ..form.rules import checks_for
from .layout import INCOMPLETE_TEXT, SHEET_GUIDE, SHEET_MAIN, Cell, SheetLayout, group_by_rule, wrapped_lines

# ------------------------------------------------------------------------------------------ 填表说明
def guide_sheet(form: Form) -> SheetLayout:
    sheet = SheetLayout(SHEET_GUIDE, widths={0: 24, 1: 90})
    sheet.add(Cell(0, 0, "title", text="填表说明", colspan=2))
    rows: list[tuple[str, str, str]] = [
        ("caption", "怎样填写和报送", ""),
        ("label", "1. 填写", "只能在浅黄色单元格中输入。机关名称、机构代码和报告年度已由政务公开办预先填好并锁定；"
                             "灰色的“总计”和“（七）总计”由公式自动计算，无需填写。数字单元格只能输入不小于0的整数"
                             "（行政事业性收费为万元，可含小数）；没有的请填 0，不要填“无”“/”或文字。"),
        ("label", "2. 校验", "每张表的顶部横幅实时显示校验结果；表格下方的校验单元格显示差额，不为 0 时标红。"
                             f"填报人、联系电话、填报日期和{form.texts[0].heading}未填时横幅显示“{INCOMPLETE_TEXT}”。"
                             "请在横幅显示“全部校验通过”（变绿）后再报送。"),
        ("label", "3. 文字部分", f"在“{SHEET_MAIN}”工作表中填写{form.texts[0].heading}、{form.texts[1].heading}、"
                                 f"{form.texts[2].heading}。确实没有数据的单位，也请填写{form.texts[0].heading}和填报人等信息，"
                                 "数字填 0。"),
        ("label", "4. 复制粘贴", "从 Word、网页或其他表格复制数字时，请先选中要粘贴的第一个浅黄色单元格，再用"
                                 "“选择性粘贴”→“数值”（Excel、WPS）或“选择性粘贴”→“无格式文本”（LibreOffice，Ctrl+Alt+Shift+V）；"
                                 "不要直接粘贴（会带入原表格的格式和锁定，之后无法再修改）。复制时不要包含灰色的“总计”列和"
                                 "“（七）总计”行：表三请分两次复制粘贴——“一”至“（六）”各行的六列数字，以及“四、结转下年度继续办理”一行。"),
        ("label", "5. 情况说明", f"校验给出警告或提示、但数据属实无需改正时（如上年数据更正后结转数不一致），请在“{SHEET_MAIN}”"
                                 "工作表的“情况说明”中写明原因，政务公开办可以看到。"),
        ("label", "6. 报送", "保存为 .xlsx 格式（不要另存为 .xls 或 .et），不要修改工作表名称、不要插入或删除行列，"
                             "不要撤销工作表保护；以邮件附件方式报送本级政务公开办（报送地址、截止日期和联系人见第一张工作表）。"),
        ("caption", "自动校验规则", ""),
    ]
    for check_rule in group_by_rule(checks_for(form)).values():
        rule = check_rule[0].rule
        rows.append(("label", rule.title, f"【{rule.severity.meaning}】{rule.requirement}。{rule.hint}"))
    rows.append(("caption", f"通知中的统计口径（摘自{form.basis}）", ""))
    for heading, note in form.counting_notes:
        rows.append(("label", heading, note))
    row = 2
    for style, left, right in rows:
        if style == "caption":
            sheet.add(Cell(row, 0, "caption", text=left, colspan=2))
        else:
            sheet.add(Cell(row, 0, "label", text=left))
            sheet.add(Cell(row, 1, "label", text=right))
            sheet.heights[row] = 4 + 15 * max(wrapped_lines(left, 11), wrapped_lines(right, 42))
        row += 1
    sheet.print_area = (0, 0, row - 1, 1)
    return sheet
