"""The template's first sheet, 基本信息及文字: identity, the texts, 情况说明 and the summary of the live checks."""

from __future__ import annotations

from ..form import Form, MetaRole
from ..form.rules import Severity, checks_for
from .layout import (
    CHECK_FAILURES,
    FEEDBACK_OPEN,
    INFO_BOX,
    REQUIRED_MISSING,
    SHEET_MAIN,
    SHEET_T2,
    SHEET_T3,
    SHEET_T4,
    Cell,
    SheetLayout,
    Validation,
    add_banner,
    blank_formula,
    failing,
    checks_for_template,
    error_failures,
    group_by_rule,
    measure_check,
    note_name,
    quote_sheet,
    required_missing,
    sum_arguments,
    validation_text,
    wrapped_lines,
)

# ------------------------------------------------------------------------------------------ 基本信息及文字
def main_sheet(form: Form, positions, check_positions, rule_positions) -> SheetLayout:
    width = 8
    sheet = SheetLayout(SHEET_MAIN, widths={0: 22, **{c: 11.5 for c in range(1, width)}})
    agency, year = form.meta_id(MetaRole.AGENCY), form.meta_id(MetaRole.YEAR)
    sheet.add(Cell(0, 0, "title", colspan=width,
                   formula=f'{agency}&{year}&"年{form.title}"', cached=lambda ctx: f"{ctx.meta.get(agency) or ''}"
                   f"{ctx.meta.get(year) or ''}年{form.title}"))
    sheet.heights[0] = 30
    sheet.add(Cell(1, 0, "subtitle", colspan=width,
                   text=f"（按《中华人民共和国{form.title}格式》（{form.basis}）填报）"))
    add_banner(sheet, form, 2, width - 1)
    sheet.add(Cell(3, 0, "infobox", info=INFO_BOX, colspan=width))
    sheet.heights[3] = 36
    row = 5
    for meta in form.meta:
        sheet.add(Cell(row, 0, "meta_label", text=meta.label))
        sheet.add(Cell(row, 1, "meta_input", meta=meta.id, name=meta.id, colspan=width - 1, locked=False))
        positions[meta.id] = (sheet.name, row, 1)
        row += 1
    row += 1
    pointers = {form.section_headings[1]: SHEET_T2, form.section_headings[2]: SHEET_T3,
                form.section_headings[3]: SHEET_T4}
    for heading in form.section_headings:
        if heading in pointers:
            target = pointers[heading]
            sheet.add(Cell(row, 0, "heading", text=heading, colspan=4))
            sheet.add(Cell(row, 4, "link", text=f"见工作表“{target}” →", colspan=width - 4,
                           link=f"{quote_sheet(target)}!A1"))
            row += 1
            continue
        section = next(t for t in form.texts if t.heading == heading)
        sheet.add(Cell(row, 0, "heading", text=f"{heading}{section.prompt}", colspan=width))
        row += 1
        sheet.add(Cell(row, 0, "text_input", text_id=section.id, name=section.id, colspan=width, locked=False))
        sheet.heights[row] = 300 if section.max_chars else 160
        sheet.validations.append(Validation(row, 0, row, 0, "any", heading[:30],
                                            validation_text(f"请在此填写{heading}{section.prompt}" +
                                                   (f"篇幅原则上不超过{section.max_chars}字。" if section.max_chars else ""))))
        positions[section.id] = (sheet.name, row, 0)
        row += 1
    # 情况说明: a place for the office to say why a warning or notice is right (a corrected last-year figure …)
    row += 1
    sheet.add(Cell(row, 0, "caption", colspan=width,
                   text="情况说明（校验给出警告或提示、但数据属实无需改正时，请在对应行说明原因；没有可不填）"))
    row += 1
    for rule in _explainable_rules(form):
        sheet.add(Cell(row, 0, "label", text=f"{rule.title}（{rule.severity.label}）"))
        name = note_name(rule.id)
        sheet.add(Cell(row, 1, "text_input", name=name, colspan=width - 1, locked=False, text_id=name))
        sheet.validations.append(Validation(row, 1, row, 1, "any", "情况说明",
                                            validation_text(f"{rule.title}：{rule.requirement}。如数据属实，请在此说明原因（可不填）。")))
        positions[name] = (sheet.name, row, 1)
        sheet.heights[row] = 45
        row += 1
    print_last = row - 1
    # summary of the live checks
    row += 1
    sheet.add(Cell(row, 0, "caption", text="自动校验汇总（填写时实时计算；不打印）", colspan=width))
    row += 1
    sheet.add(Cell(row, 0, "header", text="校验项目及要求", colspan=5))
    sheet.add(Cell(row, 5, "header", text="级别"))
    sheet.add(Cell(row, 6, "header", text="未通过项数", colspan=2))
    row += 1
    rule_count_cells: list[tuple[int, int]] = []
    for rule_id, checks in group_by_rule(checks_for_template(form)).items():
        rule = checks[0].rule
        text = f"{rule.title}：{rule.requirement}" + ("。" + rule.hint if rule.severity is not Severity.ERROR else "")
        sheet.add(Cell(row, 0, "label", text=text, colspan=5))
        sheet.add(Cell(row, 5, "label_center", text=rule.severity.label))
        # a check with a cell of its own is counted from it; the others (notices, and the row totals, which
        # have no column: they cannot fail while the sheet is protected) are computed here from the inputs
        terms = []
        for c in checks:
            if c.id in check_positions:
                terms.append(failing(check_positions[c.id]))
            else:
                comparison = "<>0" if rule.severity is Severity.ERROR else ">0"
                terms.append(f"IF({c.excel_value(lambda ids: ','.join(ids))}{comparison},1,0)")
        sheet.add(Cell(row, 6, "check", colspan=2, formula="+".join(terms),
                       cached=lambda ctx, cs=checks: sum(1 for c in cs if not c.passes(measure_check(c, ctx)))))
        sheet.check_cells.append((row, 6))
        rule_positions[rule_id] = (sheet.name, row, 6)
        if rule.severity is Severity.ERROR:
            rule_count_cells.append((row, 6))
        sheet.heights[row] = 15 * wrapped_lines(text, 26) + 4
        row += 1
    required = "+".join(f"IF({blank_formula(field.id)},1,0)" for field in form.required_fields)
    labels = "、".join(field.label for field in form.required_fields)
    sheet.add(Cell(row, 0, "meta_label", text=f"未填写的必填项（{labels}）", colspan=6))
    sheet.add(Cell(row, 6, "check", colspan=2, name=REQUIRED_MISSING, formula=required, cached=required_missing))
    sheet.check_cells.append((row, 6))
    positions[REQUIRED_MISSING] = (sheet.name, row, 6)
    row += 1
    # a constant 0 in a template; a feedback copy writes here the count of its questions still unanswered
    sheet.add(Cell(row, 0, "meta_label", text="待答复的问题（校验意见）", colspan=6))
    sheet.add(Cell(row, 6, "check", colspan=2, name=FEEDBACK_OPEN, cached=lambda ctx: ctx.open_questions))
    sheet.check_cells.append((row, 6))
    positions[FEEDBACK_OPEN] = (sheet.name, row, 6)
    row += 1
    sheet.add(Cell(row, 0, "meta_label", text="未通过的校验项数（错误）", colspan=6))
    sheet.add(Cell(row, 6, "check", colspan=2, name=CHECK_FAILURES,
                   formula=f"SUM({sum_arguments(rule_count_cells)})", cached=error_failures))
    sheet.check_cells.append((row, 6))
    positions[CHECK_FAILURES] = (sheet.name, row, 6)
    sheet.heights = {k: v for k, v in sheet.heights.items() if v}
    sheet.print_area = (0, 0, print_last, width - 1)
    return sheet


def _explainable_rules(form: Form):
    """The warning and notice rules, in their order: each gets a 情况说明 cell ``note_<RULE_ID>``."""
    return [checks[0].rule for checks in group_by_rule(checks_for(form)).values() if checks[0].rule.explainable]
