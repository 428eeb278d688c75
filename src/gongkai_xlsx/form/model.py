"""The vocabulary of a report form: items, tables, text sections, identity fields.

Pure data. Nothing here knows about Excel; the template writer, the reader, the verifier and the merger
all derive what they need (labels, positions inside a table, totals) from these objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from enum import Enum


class ValueKind(str, Enum):
    """What a numeric item holds."""

    COUNT = "count"  # non-negative whole number (件)
    AMOUNT = "amount"  # non-negative decimal (万元)



def short_label(label: str) -> str:
    """A row label without its parenthetical counting note: （二）部分公开（区分处理的，…） → （二）部分公开."""
    head, _, _ = label.partition("（区分")
    return head

@dataclass(frozen=True)
class Item:
    """One numeric data cell of the form, addressed everywhere by its stable ``id``."""

    id: str
    table: str  # "t2" | "t3" | "t4"
    row_label: str  # the row's label (for 表三 the full label path joined), verbatim
    col_label: str  # the column's label, verbatim ("" where the table has a single value column)
    unit: str  # "件" or "万元"
    kind: ValueKind = ValueKind.COUNT
    decimals: int = 0
    # ids whose sum this item is; the template computes it with a locked formula, offices type the parts
    sum_of: tuple[str, ...] = ()

    @property
    def computed(self) -> bool:
        """True for totals that the template computes."""
        return bool(self.sum_of)

    @property
    def label(self) -> str:
        """The full Chinese label, e.g. ``表三 一、本年新收政府信息公开申请数量｜自然人``."""
        table_name = TABLE_SHORT_NAMES[self.table]
        if self.col_label:
            return f"{table_name} {self.row_label}｜{self.col_label}"
        return f"{table_name} {self.row_label}"

    @property
    def title(self) -> str:
        """How an office names the cell: ``表三（一）予以公开 · 总计`` (table, row, column)."""
        title = f"{TABLE_SHORT_NAMES[self.table]}{self.row_label}"
        return f"{title} · {self.col_label}" if self.col_label else title


TABLE_SHORT_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
TABLE_NAMES_EN = {"t2": "Table 2", "t3": "Table 3", "t4": "Table 4"}


@dataclass(frozen=True)
class HeaderCell:
    """A header cell in table-local grid coordinates (0-based), with its merge span."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    """A data row of 表三: its key and its label path (outermost first, as merged in the Word template)."""

    key: str
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        return " ".join(self.path[1:]) if len(self.path) > 1 else self.path[0]


@dataclass(frozen=True)
class Table2Row:
    key: str
    label: str
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class Table2Block:
    """One block of 表二: a caption row, a header row, then item rows."""

    caption: str
    headers: tuple[str, ...]  # first is 信息内容; one value header spans the 3 value columns
    rows: tuple[Table2Row, ...]


@dataclass(frozen=True)
class Table2:
    heading: str
    grid_columns: int
    blocks: tuple[Table2Block, ...]


@dataclass(frozen=True)
class Table3:
    heading: str
    label_columns: int
    header: tuple[HeaderCell, ...]
    header_rows: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total_row: str  # key of （七）总计
    total_column: str  # key of 总计
    result_rows: tuple[str, ...]  # the 22 rows whose sum is （七）总计
    balance_note: str  # the stated 勾稽关系, verbatim

    def item_id(self, row: str, col: str) -> str:
        return f"t3_{row}_{col}"


@dataclass(frozen=True)
class Table4Group:
    key: str
    label: str


@dataclass(frozen=True)
class Table4:
    heading: str
    header: tuple[HeaderCell, ...]
    header_rows: int
    groups: tuple[Table4Group, ...]
    columns: tuple[Column, ...]
    total_column: str

    def item_id(self, group: str, col: str) -> str:
        return f"t4_{group}_{col}"


@dataclass(frozen=True)
class TextSection:
    id: str  # the defined name in the template, e.g. text_overview
    heading: str  # verbatim section heading, e.g. 一、总体情况
    prompt: str  # the template's parenthetical, verbatim
    role: "TextRole"
    label_en: str  # how English messages name it
    max_chars: int | None = None  # the notice's guideline length, if any
    required: bool = False  # an office must write it (even one with nothing to report)


class TextRole(str, Enum):
    """What a text section is for: code finds one by its role, never by its id. The overview is the section whose
    numbers are checked against the tables; the other section carries the fee report."""

    OVERVIEW = "overview"
    PROBLEMS = "problems"
    OTHER = "other"


class MetaRole(str, Enum):
    """What an identity field is for: code finds an identity field by its role, never by its id."""

    AGENCY = "agency"
    CODE = "code"
    YEAR = "year"
    CONTACT = "contact"
    PHONE = "phone"
    DATE = "date"


@dataclass(frozen=True)
class MetaField:
    id: str  # defined name, e.g. meta_agency
    label: str
    role: MetaRole
    label_en: str  # how English messages name it
    required: bool = True
    from_roster: bool = False  # filled and locked when a roster supplies it
    set_by_template: bool = False  # always filled and locked by the template (the year)


@dataclass(frozen=True)
class RequiredField:
    """Something every office must fill itself: an identity field or a text section."""

    id: str
    label: str
    label_en: str
    is_text: bool  # a text section (else an identity field)


@dataclass(frozen=True)
class Form:
    """A complete report format."""

    version: str  # stable identifier of the format, e.g. "2021"
    title: str
    basis: str  # the notice that defines it
    section_headings: tuple[str, ...]
    meta: tuple[MetaField, ...]
    texts: tuple[TextSection, ...]
    table2: Table2
    table3: Table3
    table4: Table4
    counting_notes: tuple[tuple[str, str], ...]  # (section, verbatim note)
    items: tuple[Item, ...] = field(default=())

    def item(self, item_id: str) -> Item:
        return self.items_by_id[item_id]

    @cached_property
    def required_fields(self) -> tuple[RequiredField, ...]:
        """What every office must fill itself, even with nothing to report: the required identity fields the
        roster and the template do not fill, and the required text sections."""
        return (tuple(RequiredField(m.id, m.label, m.label_en, False) for m in self.meta
                      if m.required and not m.from_roster and not m.set_by_template)
                + tuple(RequiredField(t.id, t.heading, t.label_en, True) for t in self.texts if t.required))

    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def input_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.computed)

    @cached_property
    def computed_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.computed)

    def complete_values(self, inputs: Mapping[str, float | int | Decimal],
                        fixed: Mapping[str, float | int | Decimal] | None = None) -> dict[str, float | int | Decimal]:
        """All item values: the inputs (missing ones as 0) plus every total computed from them.

        Totals are filled in dependency order (a total of totals, such as 表三（七）总计×总计, comes last), the
        same arithmetic the template's formulas do. ``fixed`` holds totals whose formula was replaced by a typed
        number: they keep that number, and the totals built on them use it, as the workbook's own formulas do.
        """
        values: dict = {item.id: inputs.get(item.id, 0) or 0 for item in self.input_items}
        if fixed:
            values.update(fixed)
        for item in self.totals_in_order:
            if item.id not in values:
                values[item.id] = sum([values[part] for part in item.sum_of])
        return values

    @cached_property
    def totals_in_order(self) -> tuple[Item, ...]:
        """The computed items in an order where every total comes after the totals it adds up."""
        ordered: list[Item] = []
        done = {item.id for item in self.input_items}
        pending = list(self.computed_items)
        while pending:
            waiting = [item for item in pending if not all(part in done for part in item.sum_of)]
            if len(waiting) == len(pending):
                raise ValueError(f"circular totals: {[i.id for i in waiting]}")
            for item in pending:
                if item not in waiting:
                    ordered.append(item)
                    done.add(item.id)
            pending = waiting
        return tuple(ordered)

    def meta_field(self, role: MetaRole) -> MetaField:
        """The identity field with this role."""
        return self.meta_by_role[role]

    def meta_id(self, role: MetaRole) -> str:
        """The id (defined name) of the identity field with this role."""
        return self.meta_by_role[role].id

    @cached_property
    def meta_by_role(self) -> dict[MetaRole, MetaField]:
        return {field.role: field for field in self.meta}

    def text(self, text_id: str) -> TextSection:
        return next(t for t in self.texts if t.id == text_id)

    def text_id(self, role: TextRole) -> str:
        """The id (defined name) of the text section with this role."""
        return next(t.id for t in self.texts if t.role is role)
