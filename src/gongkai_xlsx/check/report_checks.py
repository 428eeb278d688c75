"""The checks of one report: every finding for it — the reader's, the year's, one per violated rule instance
(each listing all its cells with sheet, A1 address, stable id and value), whether it was filled in at all, and
for a feedback copy sent back, whether it was changed and its questions answered. No files here: reading and
verifying files, many at once, is :mod:`.verify`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from .. import findings as F
from ..findings import Finding, FindingCell
from ..form import MetaRole, TextRole, evaluate
from ..form.rules import CheckKind, Violation
from ..ooxml.package import CELL_LIMIT
from ..report import Origin, Report
from ..template.stamp import CONTENT_DIGEST, StampOrigin, content_digest


# ------------------------------------------------------------------------------------------ rules → findings
def rule_finding(violation: Violation, report: Report, previous: Mapping | None = None) -> Finding:
    """One finding for one violated rule instance, listing every cell it involves."""
    check, rule = violation.check, violation.rule
    cells = []
    for item in check.left + (check.right if rule.kind is not CheckKind.CROSS_YEAR else ()):
        sheet, cell = report.where(item)
        value = report.texts.get(item) if rule.kind is CheckKind.TEXT_LENGTH_AT_MOST else report.values.get(item)
        if isinstance(value, str) and len(value) > 60:
            value = value[:60] + "…"
        cells.append(FindingCell(sheet, cell, item, jsonable(value)))
    if rule.kind is CheckKind.CROSS_YEAR:
        for item in check.right:
            cells.append(FindingCell("上年", None, item, jsonable((previous or {}).get(item))))
    return Finding(
        code=rule.id,
        rule=rule.id,
        severity=rule.severity,
        message=check.message(violation.measure, report.values, previous),
        hint=rule.hint,
        cells=tuple(cells),
        message_en=check.message(violation.measure, report.values, previous, lang="en"),
        hint_en=rule.hint_en,
    )


def jsonable(value):
    """A cell value as JSON holds it: numbers and text as they are, anything else (a Decimal) as text."""
    if value is None or isinstance(value, (int, str, float)):
        return value
    return str(value)


def verify_report(report: Report, *, previous: Report | Mapping | None = None,
                  year: int | None = None) -> list[Finding]:
    """Every finding for one report: the reader's, the year's, and one per violated rule instance."""
    found = list(report.findings)
    for section in report.form.texts:
        length = len(report.texts.get(section.id, "") or "")
        if length > CELL_LIMIT:
            sheet, cell = report.where(section.id)
            where = f"{sheet}!{cell}（{section.heading}）" if sheet else section.heading
            found.append(F.TEXT_TOO_LONG([FindingCell(sheet, cell, section.id, None)], where=where,
                                         where_en=f"{sheet}!{cell}" if sheet else section.id, length=length))
    if year is not None and report.year is not None and report.year != year:
        year_id = report.form.meta_id(MetaRole.YEAR)
        sheet, cell = report.where(year_id)
        found.append(F.WRONG_YEAR([FindingCell(sheet, cell, year_id, report.year)], found=report.year,
                                  expected=year))
    previous_values = previous.values if isinstance(previous, Report) else previous
    # an imported report's cells the source did not give are unset (None): a rule over them would judge numbers
    # nobody published (the import's own error findings say what is missing)
    unread = {k for k, v in report.values.items() if v is None} if report.origin is Origin.IMPORTED else set()
    for violation in evaluate(report.form, report.values, texts=report.texts, previous=previous_values):
        if unread and not unread.isdisjoint(violation.check.items):
            continue
        found.append(rule_finding(violation, report, previous_values))
    if previous_values and same_as_last_year(report.form, report.values, previous_values):
        items = report.form.items
        found.append(F.SAME_AS_LAST_YEAR(count=len(items),
                                         nonzero=sum(1 for item in items if report.values.get(item.id, 0))))
    if report.origin is Origin.IMPORTED and not any(f.code == F.IMPORT_TEXT_TABLE_MISMATCH.code for f in found):
        # a published report: the numbers its overview quotes are checked against its tables
        from .narrative import check_overview

        # only cells the source really had: a table published as an image is not a table of zeros
        read = {key for key in report.sources if key not in unread}
        found += check_overview(report.texts.get(report.form.text_id(TextRole.OVERVIEW), ""), report.values, read)[1]
    found += filling_findings(report) + feedback_findings(report)
    return explained(found, report.notes)


# ------------------------------------------------------------------------------------------ filled or not
def looks_blank(report: Report) -> bool:
    """Whether a returned workbook holds nothing an office typed: every input equal to the blank template's 0 (a
    blank cell counts as 0), the identity fields the office fills (填报人, 联系电话, 填报日期) and every text and
    情况说明 empty.

    This is how "never changed from the blank template" is decided, from the content alone: the template command
    writes 0 in every input and nothing in those fields, so an untouched template reads exactly so; and a file
    that reads so (0 typed over 0, a copy re-saved by another application that dropped our stamp) carries no
    report whatever its history. A stamp or a hash could be lost or forged; the cells cannot say more than this.
    """
    form = report.form
    if any(report.values.get(item.id, 0) for item in form.input_items):
        return False
    office_meta = [m.id for m in form.meta if not m.from_roster and not m.set_by_template]
    if any((report.meta.get(key) or "").strip() for key in office_meta):
        return False
    return not any((text or "").strip() for text in report.texts.values()) and not report.notes


def filling_findings(report: Report) -> list[Finding]:
    """``NOT_FILLED`` for a workbook nothing was typed into, ``REQUIRED_EMPTY`` for each required field left
    empty (填报人, 联系电话, 填报日期, 一、总体情况): an office with nothing to report still fills those."""
    if report.origin not in (Origin.TEMPLATE, Origin.LABELS) or \
            report.stamp.get("origin") in (StampOrigin.IMPORTED, StampOrigin.CONSOLIDATED):
        return []
    found = []
    if looks_blank(report):
        found.append(F.NOT_FILLED())
    for required in report.form.required_fields:
        value = (report.texts if required.is_text else report.meta).get(required.id)
        if not (value or "").strip():
            sheet, cell = report.where(required.id)
            found.append(F.REQUIRED_EMPTY([FindingCell(sheet, cell, required.id, None)], field=required.label,
                                          field_en=required.label_en))
    return found


def same_as_last_year(form, values: Mapping, previous: Mapping) -> bool:
    """表二–表四 identical to last year's, item by item, and not all zero (an empty report is not a copy)."""
    if not any(values.get(item.id, 0) for item in form.items):
        return False
    return all((values.get(item.id, 0) or 0) == (previous.get(item.id, 0) or 0) for item in form.items)


def feedback_findings(report: Report) -> list[Finding]:
    """For a feedback copy sent back: ``FEEDBACK_UNCHANGED`` when nothing was changed, and every question it put
    (a typed-over total) that is still open: the parts still do not add up to the office's figure and the
    office has not answered."""
    stamp = report.stamp
    if stamp.get("origin") != StampOrigin.FEEDBACK or report.origin is not Origin.TEMPLATE:
        return []
    found = []
    if stamp.get(CONTENT_DIGEST) and stamp[CONTENT_DIGEST] == content_digest(
            report.form, report.values, typed_texts(report), report.identity()):
        found.append(F.FEEDBACK_UNCHANGED())
    for question in open_questions(report):
        found.append(question)
    return found


def open_questions(report: Report) -> list[Finding]:
    """The questions of a feedback copy (its stamp) that its cells do not answer."""
    try:
        questions = json.loads(report.stamp.get("questions") or "[]")
    except ValueError:
        return []
    form = report.form
    found = []
    for question in questions if isinstance(questions, list) else []:
        item_id = question.get("item") if isinstance(question, dict) else None
        if item_id not in form.items_by_id:
            continue
        item = form.item(item_id)
        typed, now = str(question.get("typed", "")), report.values.get(item_id, 0)
        kind = question.get("kind", "total")
        if (report.answers.get(item_id) or "").strip():
            continue
        sheet, cell = report.where(item_id)
        if kind == "total" and item.computed and not _same_number(typed, now):
            found.append(F.TOTAL_QUESTION([FindingCell(sheet, cell, item_id, jsonable(now))], label=item.title,
                                          label_en=item_id, typed=typed, parts=now,
                                          part_labels=part_labels(form, item_id)))
        elif kind == "value" and not item.computed and _same_number(typed, now):
            found.append(F.VALUE_QUESTION([FindingCell(sheet, cell, item_id, jsonable(now))], label=item.title,
                                          label_en=item_id, shown=typed))
    return found


def part_labels(form, item_id: str, limit: int = 8) -> str:
    """The parts of a total, named as an office names them (at most ``limit``, then 等 N 项)."""
    parts = form.item(item_id).sum_of
    names = [f"“{form.item(p).title}”" for p in parts[:limit]]
    return "、".join(names) + (f"等 {len(parts)} 项" if len(parts) > limit else "")


def _same_number(text: str, value) -> bool:
    try:
        return Decimal(text) == Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False


def explained(found: list[Finding], notes: Mapping[str, str]) -> list[Finding]:
    """Each finding of a rule the office explained (its ``note_<RULE_ID>`` cell) carries the explanation: it is
    still listed, and marked 已说明."""
    if not notes:
        return found
    return [replace(f, explanation=notes[f.rule]) if f.rule in notes else f for f in found]


def typed_texts(report: Report) -> dict[str, str]:
    """The texts an office can type, as a feedback copy was written with them: the sections, the 情况说明
    (note_<RULE_ID>) and the answers to its questions (answer_<item>): an answered copy is a return."""
    return {**report.texts, **{f"note_{rule}": text for rule, text in report.notes.items()},
            **{f"answer_{item}": text for item, text in report.answers.items()}}

