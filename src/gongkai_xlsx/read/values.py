"""A returned workbook's values, identity and texts: each raw cell normalised once, each change a finding."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from .. import findings as F
from ..findings import FindingCell
from ..form import Form, MetaRole
from ..form.model import ValueKind
from ..normalise import TOO_LARGE, How, as_count, decimal_places, normalise_code, parse_number
from ..ooxml.package import a1
from ..ooxml.sheet import RawCell, Sheet
from ..ooxml.workbook import Workbook, remember
from ..report import Origin, Report, SourceCell


def read_values(workbook: Workbook, report: Report, located: dict[str, tuple[str, int, int]]) -> None:
    form = report.form
    blanks: list[FindingCell] = []
    placeholders: list[FindingCell] = []
    missing = []
    inputs: dict[str, Decimal | int] = {}
    typed_totals: dict[str, tuple[Decimal | int, SourceCell]] = {}
    trust_totals = report.origin in (Origin.IMPORTED, Origin.LABELS, Origin.CONSOLIDATED)
    sources = report.sources
    sheets: dict[str, Sheet | None] = {}
    for item, sheet_name, ref in _value_plan(form, located):
        if sheet_name is None:
            missing.append(item)
            continue
        sheet = sheets[sheet_name] if sheet_name in sheets else sheets.setdefault(sheet_name, workbook.sheet(sheet_name))
        if sheet is not None:
            if trust_totals or not item.computed:
                number = sheet.whole_number(ref)
                if number is not None:  # the common case: nothing to normalise
                    sources[item.id] = SourceCell(sheet_name, ref, number)
                    inputs[item.id] = number
                    continue
            else:
                formula = sheet.formula(ref)
                if formula:  # a live formula: recomputed below from the inputs, its cached value ignored
                    sources[item.id] = SourceCell(sheet_name, ref, None, formula)
                    continue
        raw = sheet.get(ref) if sheet else None
        source = SourceCell(sheet_name, ref, raw.value if raw else None, raw.formula if raw else None)
        sources[item.id] = source
        value = normalise_value(report, item, source, raw, blanks, placeholders, typed=not item.computed,
                                epoch=workbook.epoch)
        if item.computed and not trust_totals:
            typed_totals[item.id] = (value, source)
        else:
            inputs[item.id] = value
    if missing:
        report.findings.append(F.CELLS_NOT_FOUND(count=len(missing), first=missing[0].label,
                                                 first_en=missing[0].id))
    if trust_totals:
        report.values = {item.id: inputs.get(item.id, 0) for item in form.items}
    else:
        # typed-over totals keep their number, and the totals built on them use it (as the workbook does)
        report.values = form.complete_values(inputs, fixed={k: v for k, (v, _) in typed_totals.items()})
        for item_id, (value, source) in typed_totals.items():
            item = form.item(item_id)
            expected = sum(report.values[part] for part in item.sum_of)  # what its formula would give
            report.findings.append(F.TOTAL_TYPED_OVER(
                [FindingCell(source.sheet, source.cell, item_id, value)],
                where=_where(item.label, source), where_en=f"{source.sheet}!{source.cell} ({item_id})",
                value=str(value), expected=str(expected)))
    if blanks:
        report.findings.append(F.BLANK_AS_ZERO(blanks, count=len(blanks), first=_cell_text(blanks[0], form),
                                               ))
    if placeholders:
        report.findings.append(F.PLACEHOLDER_AS_ZERO(placeholders, count=len(placeholders),
                                                     first=_cell_text(placeholders[0], form)))


_PLANS: dict[int, tuple[dict, list]] = {}


def _value_plan(form: Form, located: dict[str, tuple[str, int, int]]) -> list[tuple]:
    """(item, sheet name, A1 address) for every item of the form, (item, None, None) where it was not found.

    Kept for the located maps that a cached :class:`Structure` holds, so that an inbox of returned templates
    works it out once."""
    kept = _PLANS.get(id(located))
    if kept is not None and kept[0] is located:
        return kept[1]
    plan = []
    for item in form.items:
        where = located.get(item.id)
        plan.append((item, None, None) if where is None else (item, where[0], a1(where[1], where[2])))
    return remember(_PLANS, id(located), (located, plan))[1]


def normalise_value(report: Report, item, source: SourceCell, raw: RawCell | None, blanks, placeholders, *,
                    epoch: datetime, typed: bool = True):
    """The cell's value as a number, each change or problem a finding. ``typed``: an input cell, which must hold
    a typed value (a total's formula is recomputed from the inputs instead); ``epoch``: the workbook's day 0, to
    show a date typed in a count cell as the office saw it."""
    if (raw is not None and type(raw.value) is int and 0 <= raw.value < TOO_LARGE and not raw.error
            and raw.formula is None and not raw.date):
        return raw.value  # a whole number typed as a number, nothing to normalise
    cell = FindingCell(source.sheet, source.cell, item.id, None if raw is None else _jsonable(raw.value))
    where = _where(item.label, source)
    where_en = f"{source.sheet}!{source.cell} ({item.id})"
    if raw is not None and typed and raw.formula is not None:
        # never its cached result: stale, forged or fetched (WEBSERVICE, another workbook); even =1+1 is refused,
        # not evaluated (README, FORMULA_IN_INPUT: a second formula engine is not worth saving a retyped number)
        report.findings.append(F.FORMULA_IN_INPUT([cell], where=where, where_en=where_en,
                                                  formula=_short(raw.formula), kind="数字", kind_en="number",
                                                  counted="按 0 计", counted_en="0"))
        return 0
    if raw is not None and raw.date and not raw.error and raw.value != 0:  # 0 is 0 in any format (never typed as a date)
        report.findings.append(F.DATE_IN_NUMBER([cell], where=where, where_en=where_en, shown=_shown_date(raw.value, epoch)))
        return 0
    if raw is not None and raw.error:
        report.findings.append(F.NOT_A_NUMBER([cell], where=where, where_en=where_en, raw=raw.error))
        return 0
    parsed = parse_number(None if raw is None else raw.value)
    if parsed.how is How.INVALID:
        report.findings.append(F.NOT_A_NUMBER([cell], where=where, where_en=where_en, raw=raw.value))
        return 0
    value = parsed.value
    if parsed.how is How.BLANK:
        blanks.append(cell)
    elif parsed.how is How.PLACEHOLDER:
        placeholders.append(cell)
    elif parsed.how is How.TEXT_NUMBER:
        report.findings.append(F.TEXT_NUMBER([cell], where=where, where_en=where_en, raw=raw.value,
                                             value=str(as_count(value))))
    if value < 0:
        report.findings.append(F.NEGATIVE([cell], where=where, where_en=where_en, value=str(as_count(value))))
    if item.kind is ValueKind.COUNT:
        number = as_count(value)
        if isinstance(number, Decimal):
            report.findings.append(F.FRACTIONAL_COUNT([cell], where=where, where_en=where_en, value=str(number)))
        return number
    places = decimal_places(value)
    if places > item.decimals:
        report.findings.append(F.TOO_MANY_DECIMALS([cell], where=where, where_en=where_en, places=places,
                                                   limit=item.decimals))
    return as_count(value)


def _short(formula: str, limit: int = 60) -> str:
    formula = " ".join(formula.split())
    return formula if len(formula) <= limit else formula[:limit - 1] + "…"


def _shown_date(value: object, epoch: datetime) -> str:
    """A date cell's value as a spreadsheet shows it (a serial counted from the workbook's ``epoch`` as an ISO
    date, and time if any)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            moment = epoch + timedelta(days=value)
        except (OverflowError, ValueError):
            return str(value)
        return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat(" ", "minutes")
    return str(value)


def _where(label: str, source: SourceCell) -> str:
    return f"“{source.sheet}”工作表 {source.cell} 单元格（{label}）"


def _cell_text(cell: FindingCell, form: Form) -> str:
    return f"{cell.sheet}!{cell.cell}（{form.item(cell.item).label}）"


def _jsonable(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_meta_and_texts(workbook: Workbook, report: Report, located) -> None:
    form = report.form
    for meta in form.meta:
        where = located.get(meta.id)
        value = _typed_value(workbook, report, where, meta.id, meta.label)
        if where:
            report.sources[meta.id] = SourceCell(where[0], a1(*where[1:]), value)
        text = _meta_text(meta.role, value, workbook.epoch)
        if meta.role is MetaRole.AGENCY:
            report.agency_name = text or report.agency_name
        elif meta.role is MetaRole.CODE:
            report.agency_code = normalise_code(text)
        elif meta.role is MetaRole.YEAR:
            report.year = year_of(value) or report.year
        else:
            report.meta[meta.id] = text
    for section in form.texts:
        where = located.get(section.id)
        value = _typed_value(workbook, report, where, section.id, section.heading)
        if where:
            report.sources[section.id] = SourceCell(where[0], a1(*where[1:]), value)
        report.texts[section.id] = "" if value is None else str(value)
    stamp_year = year_of(report.stamp.get("year"))
    if report.year is None:
        report.year = stamp_year
    elif stamp_year is not None and stamp_year != report.year:
        year_id = form.meta_id(MetaRole.YEAR)
        sheet, cell = report.where(year_id)
        report.findings.append(F.YEAR_MISMATCH([FindingCell(sheet, cell, year_id, report.year)],
                                               found=report.year, expected=stamp_year))
        report.year = stamp_year
    if not report.agency_name and report.stamp.get("agency_name"):
        report.agency_name = report.stamp["agency_name"]
    if not report.agency_code and report.stamp.get("agency_code"):
        report.agency_code = normalise_code(report.stamp["agency_code"])
    for role, value in ((MetaRole.AGENCY, report.agency_name), (MetaRole.CODE, report.agency_code)):
        if role is MetaRole.CODE and report.origin is Origin.IMPORTED:
            continue  # published reports carry no agency code
        if not value:
            field = form.meta_field(role)
            sheet, cell = report.where(field.id)
            report.findings.append(F.MISSING_IDENTITY([FindingCell(sheet, cell, field.id, None)], field=field.label,
                                                      field_en=field.label_en))


def _typed_value(workbook: Workbook, report: Report, where, key: str, label: str) -> object:
    """An identity or text cell's typed value; a formula there is a finding and reads as blank (its cached result,
    a fetched text or a computed year, is not what the office typed)."""
    if not where:
        return None
    sheet = workbook.sheet(where[0])
    raw = sheet.at(*where[1:]) if sheet else None
    if raw is None:
        return None
    if raw.formula is not None:
        source = SourceCell(where[0], a1(*where[1:]), raw.value, raw.formula)
        report.findings.append(F.FORMULA_IN_INPUT(
            [FindingCell(source.sheet, source.cell, key, _jsonable(raw.value))], where=_where(label, source),
            where_en=f"{source.sheet}!{source.cell} ({key})", formula=_short(raw.formula), kind="内容",
            kind_en="value", counted="按空白计", counted_en="blank"))
        return None
    return raw.value


def _meta_text(role: MetaRole, value: object, epoch: datetime) -> str:
    if value is None:
        return ""
    if role is MetaRole.DATE and isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return (epoch + timedelta(days=int(value))).date().isoformat()  # a date serial of this workbook
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def year_of(value: object) -> int | None:
    parsed = parse_number(value)
    if parsed.value is None or parsed.how in (How.BLANK, How.PLACEHOLDER):
        return None
    number = as_count(parsed.value)
    return number if isinstance(number, int) and 1990 < number < 2200 else None
