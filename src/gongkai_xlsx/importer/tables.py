"""Tables 二, 三 and 四 of a published report → item values, by row labels and value tokens.

Each row is found by a keyword of its label (typo-tolerant: ``其他法律行政止公开`` still has ``其他法律``), its
anchor moved back to the label's numbering; the value tokens between one row's anchor and the next are that row's
cells. A row with too few tokens whose digits are run together is split with the table's sum relations
(:mod:`.glued`). Totals are kept exactly as published.

The rows themselves, and how the 2019 trial format maps onto the current one, are :mod:`.rows`.
"""

from __future__ import annotations

import bisect
import itertools
from decimal import Decimal

from .. import findings as F
from ..findings import FindingCell
from ..form import FORM_2021
from ..form.model import TABLE_NAMES_EN, TABLE_SHORT_NAMES, ValueKind
from ..report import SourceCell
from . import glued
from .rows import (
    MAPPED_2019,
    MAPPING_2019,
    T2_2019,
    T2_2021,
    T4_GROUPS,
    T4_IDS,
    Anchor,
    Number,
    Reading,
    RowSpec,
    detect_format,
)
from .stream import BLANK, MARK, NUM, Stream, Token, token_value
from .table3 import Table3Reading

T2, T3, T4 = (TABLE_SHORT_NAMES[table] for table in ("t2", "t3", "t4"))
T_EN = {TABLE_SHORT_NAMES[table]: name for table, name in TABLE_NAMES_EN.items()}


# ------------------------------------------------------------------------------------------ reading
class TableReader(Table3Reading):
    """Reads the three tables into one :class:`Reading`; call table2, table3, table4, then finish."""

    def __init__(self, stated: dict[str, set[int]] | None = None) -> None:
        self.reading = Reading()
        self.glued_rows: dict[str, list[tuple[str, str]]] = {}
        self.stated = stated or {}  # numbers the overview states, by item id: evidence for a run-together split
        self.stream: Stream | None = None

    # -------------------------------------------------------------- anchors and segments
    @staticmethod
    def find(stream: Stream, spec: RowSpec, pos: int, end: int | None = None) -> Anchor | None:
        match = stream.search(spec.keyword, pos, end)
        if not match:
            return None
        start = match.start()
        if spec.prefix:
            j = stream.compact.rfind(spec.prefix, max(pos, start - 30), start)
            if j >= 0:
                start = j
        return Anchor(spec, start, match.end())

    def segments(self, stream: Stream, anchors: list[Anchor]) -> list[tuple[Anchor, list[Token], int]]:
        """Each anchor's value tokens (up to the next anchor) and the raw offset where its label starts."""
        out = []
        for i, anchor in enumerate(anchors):
            start = stream.raw_offset(anchor.start)
            end = stream.raw_offset(anchors[i + 1].start) if i + 1 < len(anchors) else stream.end
            out.append((anchor, stream.tokens_between(start, end), start))
        return out

    # -------------------------------------------------------------- one row
    def read_row(self, table: str, spec: RowSpec, tokens: list[Token], **options) -> None:
        """Read one row's numbers and store them; an ambiguous split of run-together digits is refused."""
        values, used, candidates = self.row_values(table, spec, tokens, **options)
        if values is None:
            return
        raw = " ".join(t.text for t in tokens if t.kind == NUM)
        if len(candidates) > 1:
            agreeing = self.by_text(spec, candidates)
            if len(agreeing) == 1:
                values = list(agreeing[0])
                self.add(F.IMPORT_GLUED_BY_TEXT, table, spec, cells=self.cells(spec), raw=raw.replace(" ", ""),
                         chosen="|".join(str(v) for v in values))
            else:  # only the cells every remaining split agrees on are read
                values = [column[0] if len(set(column)) == 1 else None for column in zip(*agreeing)]
                self.ambiguous(table, spec, raw, agreeing, values)
                if all(v is None for v in values):
                    return
        self.store(table, spec, values, used, raw)
        self.reading.rows_read += 1

    def by_text(self, spec: RowSpec, candidates: list[glued.Split]) -> list[glued.Split]:
        """The splits that agree with the numbers the overview states for the row's cells. A stated number that no
        split has is no evidence (the text disagrees with the table, which is reported as such)."""
        for index, target in enumerate(spec.targets):
            stated = self.stated.get(target) if target else None
            if stated:
                agreeing = [c for c in candidates if c[index] in stated]
                if agreeing:
                    candidates = agreeing
        return candidates

    def row_values(self, table: str, spec: RowSpec, tokens: list[Token], groups=None, prefer=None,
                   at_end: bool = False, pad: str = "trail") -> tuple[list[Number | None] | None, list[Token | None] | None,
                                                  list[glued.Split]]:
        """(values, the tokens they came from or None when split from run-together digits, the split candidates).

        A value is None when the source ends before its cell (``at_end``: the row runs to the end of its table).
        A row that cannot be read exactly is a finding and (None, None, []).
        """
        values = [t for t in tokens if t.kind in (NUM, BLANK, MARK)]
        count = spec.count
        if table != T4 and values and values[0].in_cell:
            # a table row's cells are on its own line: cells of later lines (a rowspan's empty cells, a row whose
            # label was not recognised) belong to other rows
            line = self.stream.line_of(values[0].start)
            values = [t for t in values if not t.in_cell or self.stream.line_of(t.start) == line]
        # empty cells beyond the row's own: the parts of a merged label cell (before the values, "lead") or padding
        # after them ("trail"); which side the table uses is voted by its rows (see pad_side)
        ends = (-1, 0) if pad == "trail" else (0, -1)
        for end in ends:
            while len(values) > count and values[end].kind == BLANK:
                values.pop(end)
        raw = " ".join(t.text or "□" for t in values) or "—"
        if len(values) > count:
            window = self.window_by_sums(values, count, groups)
            if window is None:
                self.add(F.IMPORT_EXTRA_NUMBERS, table, spec, cells=self.cells(spec), expected=count,
                         found=len(values), raw=raw)
                return None, None, []
            self.add(F.IMPORT_EXTRA_BY_SUMS, table, spec, expected=count, found=len(values), raw=raw,
                     first=window + 1, last=window + count)
            values = values[window:window + count]
        amounts = [target is not None and FORM_2021.item(target).kind is ValueKind.AMOUNT for target in spec.targets]
        if len(values) == count:
            used: list[Token | None] = list(values)
            return self.with_totals(table, spec, [token_value(t, amount=a) for t, a in zip(values, amounts)],
                                    used, groups), used, []
        pieces = [t.glued_piece for t in values]
        if values and self.separated(values) and (not groups or any(t.in_cell or t.kind != NUM for t in values)):
            # the source separates its cells: a missing one is missing, not digits to split (in plain text, pieces
            # apart by a space may still hold run-together digits where the form's sums check the split)
            if at_end:
                return self.truncated(table, spec, values, amounts, groups, raw)
            self.add(F.IMPORT_CELL_MISSING, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        if any(p is not None and not p.isdigit() for p in pieces) or sum(len(p or "0") for p in pieces) < count:
            if at_end and values:
                return self.truncated(table, spec, values, amounts, groups, raw)
            self.add(F.IMPORT_ROW_INCOMPLETE, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        candidates = glued.splits(pieces, count, groups)
        if prefer:
            candidates.sort(key=prefer)
        if not candidates:
            self.add(F.IMPORT_GLUED_UNDECODABLE, table, spec, cells=self.cells(spec), raw=raw.replace(" ", ""),
                     expected=count)
            return None, None, []
        self.glued_rows.setdefault(table, []).append((spec.label, raw))
        return list(candidates[0]), None, candidates

    def separated(self, values: list[Token]) -> bool:
        """Whether the row's cells are separated in the source: in cells of their own (table cells, ``|``), or
        apart from the label by a space in plain text. Run-together digits (web crawls) follow the label directly
        ("规范性文件693665"); a row of a single run of digits may always be split."""
        if len(values) == 1:
            return False
        if any(t.in_cell or t.kind != NUM for t in values):
            return True
        before = self.stream.linear.raw[values[0].start - 1] if values[0].start > 0 else " "
        return before.isspace()

    def total_column_blank(self, rows: list[list[Token]], groups: tuple[int, ...]) -> bool:
        """Whether rows of plain text (no cells: PDF layout, copied text) leave their total cells blank: every row
        has exactly one number fewer per group than the form's columns, each apart from the others, and the numbers
        cannot be the row with another cell blank instead (that reading needs each group's last number to be the
        sum of the others, which some row contradicts — or every number is 0, when both readings agree)."""
        rows = [[t for t in row if t.kind in (NUM, BLANK, MARK)] for row in rows]
        rows = [row for row in rows if row]
        width = sum(groups) - len(groups)
        if not rows or any(len(row) != width or any(t.kind != NUM or t.in_cell for t in row) for row in rows):
            return False
        if not all(self.separated(row) for row in rows):
            return False
        numbers = [[token_value(t) for t in row] for row in rows]
        if all(v == 0 for row in numbers for v in row):
            return True
        return not all(_totals_present(row, groups) for row in numbers)

    def pad_side(self, rows: list[list[Token]], count: int) -> str:
        """Where a table's rows have the empty cells that are not theirs: "lead" when the rows that tell (more empty
        cells on one side than the other can hold) mostly have them before the values (a converted grid with the
        merged label's columns), else "trail" (padding after the row)."""
        lead = trail = 0
        for row in rows:
            values = [t for t in row if t.kind in (NUM, BLANK, MARK)]
            if values:  # a row's own cells: the empty cells of the next line (rowspans) are not its padding
                line = self.stream.line_of(values[0].start)
                values = [t for t in values if self.stream.line_of(t.start) == line]
            extra = len(values) - count
            if extra <= 0:
                continue
            leading = next((i for i, t in enumerate(values) if t.kind != BLANK), len(values))
            trailing = next((i for i, t in enumerate(reversed(values)) if t.kind != BLANK), len(values))
            if trailing < extra <= leading:
                lead += 1
            elif leading < extra <= trailing:
                trail += 1
        return "lead" if lead > trail else "trail"

    @staticmethod
    def window_by_sums(values: list[Token], count: int, groups) -> int | None:
        """Where the row's ``count`` numbers start among too many, when the form's sums tell: the windows whose
        group totals add up must all hold the same numbers (the last such window is taken). None otherwise."""
        if not groups:
            return None
        numbers = [token_value(t) for t in values]
        fitting = []
        for start in range(len(values) - count + 1):
            window = numbers[start:start + count]
            offset, ok = 0, True
            for size in groups:
                group = window[offset:offset + size]
                ok = ok and sum(group[:-1]) == group[-1]
                offset += size
            if ok:
                fitting.append(start)
        if not fitting or len({tuple(numbers[i:i + count]) for i in fitting}) != 1:
            return None
        return fitting[-1]

    def with_totals(self, table: str, spec: RowSpec, values: list[Number | None], tokens: list[Token | None],
                    groups) -> list[Number | None]:
        """A blank (or missing) total cell is not a published total: the sum of its group's cells is entered."""
        if not groups:
            return values
        offset = 0
        for size in groups:
            last = offset + size - 1
            token = tokens[last]
            if (token is None or token.kind == BLANK) and spec.targets[last] is not None \
                    and all(v is not None for v in values[offset:last]):
                values[last] = sum(values[offset:last])
                tokens[last] = Token(NUM, "", token.start if token else 0, token.start if token else 0)
                self.reading.blank_totals.append(FindingCell(table, None, spec.targets[last], values[last]))
            offset += size
        return values

    def truncated(self, table: str, spec: RowSpec, values: list[Token], amounts: list[bool], groups, raw: str):
        """A row cut off by the end of its table: the cells it has are read, the others are left unset (a missing
        total is the sum of its columns)."""
        count = spec.count
        used: list[Token | None] = list(values) + [None] * (count - len(values))
        numbers: list[Number | None] = [token_value(t, amount=a) for t, a in zip(values, amounts)]
        numbers += [None] * (count - len(values))
        if groups and not any(t.in_cell or t.kind != NUM for t in values) and any(numbers[:len(values)]) \
                and _totals_present(numbers[:len(values)], groups):
            # plain text: the numbers could as well be the row with another cell blank and its total present
            self.add(F.IMPORT_CELL_MISSING, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        numbers = self.with_totals(table, spec, numbers, used, groups)
        missing = sum(1 for v in numbers if v is None)
        if missing and self.stream.linear.raw[self.stream.end:].strip():
            # the document goes on after this table: a cell is missing, not cut off, and which one is not known
            self.add(F.IMPORT_CELL_MISSING, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        if missing:
            self.add(F.IMPORT_ROW_TRUNCATED, table, spec,
                     cells=[FindingCell(None, None, t, None) for t, v in zip(spec.targets, numbers)
                            if t and v is None], found=len(values), raw=raw, missing=missing)
        return numbers, used, []

    def store(self, table: str, spec: RowSpec, values: list[Number | None], tokens: list[Token | None] | None,
              raw: str) -> None:
        for index, (target, value) in enumerate(zip(spec.targets, values)):
            token = tokens[index] if tokens else None
            if value is None:  # not in the source: left unset
                continue
            if target is None:
                header = spec.headers[index] if index < len(spec.headers) else ""
                self.reading.unmapped.append((spec.label, header, value))
                continue
            self.reading.values[target] = value
            self.reading.sources[target] = SourceCell(table, None, token.text if token else raw)
            if value < 0:  # a sign belongs only to the 2019 format's 本年增/减, which is no item of the form
                where = f"“{FORM_2021.item(target).label}”"  # the label names its table
                self.reading.findings.append(F.NEGATIVE([FindingCell(table, None, target, _plain(value))],
                                                        where=where, where_en=target, value=_plain(value)))
            if token is not None and token.kind == BLANK:
                self.reading.blanks.append(FindingCell(table, None, target, ""))
            elif token is not None and token.kind == MARK:
                self.reading.marks.append(FindingCell(table, None, target, token.text))

    def add(self, code: F.Code, table: str, spec: RowSpec | None, cells=(), **fields) -> None:
        label = spec.label if spec else ""
        self.reading.findings.append(code(cells, table=table, table_en=T_EN[table], label=label, **fields))

    @staticmethod
    def cells(spec: RowSpec) -> list[FindingCell]:
        return [FindingCell(None, None, t, None) for t in spec.targets if t]

    def ambiguous(self, table: str, spec: RowSpec, raw: str, candidates: list[glued.Split],
                  values: list[Number | None] | None = None) -> None:
        """An error for a run-together row that no evidence splits one way; ``values`` holds the cells all the
        splits agree on (those are read), None for the others (left unset)."""
        options = "；".join("|".join(str(v) for v in c) for c in candidates[:4])
        if len(candidates) > 4:
            options += f"；等 {len(candidates)} 种"
        values = values or [None] * spec.count
        cells = [FindingCell(None, None, t, None) for t, v in zip(spec.targets, values) if t and v is None]
        self.add(F.IMPORT_GLUED_AMBIGUOUS, table, spec, cells=cells, raw=raw.replace(" ", ""), options=options,
                 unset="、".join(FORM_2021.item(c.item).col_label for c in cells))

    # -------------------------------------------------------------- 表二
    def table2(self, stream: Stream | None, before: Stream | None = None) -> None:
        """表二 from its part of the document; ``before`` is the text ahead of its heading, where a table row of
        表二 may stand when the page puts the heading below the table's first rows."""
        self.stream = stream
        version = detect_format(stream)
        self.reading.format_version = version
        specs = T2_2019 if version == "2019" else T2_2021
        self.reading.rows_expected += len(specs)
        anchors, missing, pos = [], [], 0
        for spec in specs if stream else ():
            anchor = self.find(stream, spec, pos)
            if anchor:
                anchors.append(anchor)
                pos = anchor.keyword_end
            elif any(spec.targets):
                missing.append(spec)
        early = self.rows_in_cells(before, missing) if before is not None and anchors else []
        if not anchors:
            self.add(F.IMPORT_TABLE_NOT_FOUND, T2, None, cells=[FindingCell(T2, None, None, None)])
            return
        for spec in missing:
            if not any(anchor.spec is spec for anchor in early):
                self.add(F.IMPORT_ROW_NOT_FOUND, T2, spec, cells=self.cells(spec), count=spec.count)
        for part, found in ((before, early), (stream, anchors)):
            self.stream = part
            segments = self.segments(part, found) if found else []
            for index, (anchor, tokens, _) in enumerate(segments):
                prefer = _prefer_in_force if anchor.spec.key in ("rule", "norm") else glued.balanced
                self.read_row(T2, anchor.spec, tokens, prefer=prefer, at_end=index == len(segments) - 1)
        self.stream = stream

    def rows_in_cells(self, stream: Stream, specs: list[RowSpec]) -> list[Anchor]:
        """Rows of ``specs`` found in ``stream`` only as table rows: the label in a table cell, and the numbers up
        to the next line in cells of their own (a sentence that names 行政许可 is not a row)."""
        anchors = []
        for spec in specs:
            pos = 0
            while (anchor := self.find(stream, spec, pos)) is not None:
                pos = anchor.keyword_end
                offset = stream.raw_offset(anchor.start)
                line_end = stream.linear.raw.find("\n", offset)
                tokens = stream.tokens_between(offset, line_end if line_end >= 0 else stream.end)
                if _in_a_cell(stream, offset) and tokens and all(t.in_cell for t in tokens):
                    anchors.append(anchor)
                    break
        anchors.sort(key=lambda a: a.start)
        return anchors

    # -------------------------------------------------------------- 表三
    # -------------------------------------------------------------- 表四
    def table4(self, stream: Stream | None) -> None:
        self.stream = stream
        self.reading.rows_expected += 1
        spec = RowSpec("t4", "行政复议、行政诉讼数据行", "", None, T4_IDS)
        tokens = [t for t in stream.tokens if t.kind in (NUM, BLANK, MARK)] if stream else []
        lines_with_values = {stream.line_of(t.start) for t in tokens if t.kind != BLANK}
        if lines_with_values:  # blank cells of header rows are not data
            tokens = [t for t in tokens if t.kind != BLANK or stream.line_of(t.start) in lines_with_values]
        if not tokens:
            self.add(F.IMPORT_TABLE_NOT_FOUND, T4, None, cells=[FindingCell(T4, None, None, None)])
            return
        if self.total_column_blank([tokens], T4_GROUPS):
            out = []
            for size in T4_GROUPS:
                part = [tokens.pop(0) for _ in range(size - 1)]
                out += part + [Token(BLANK, "", part[-1].end, part[-1].end)]
            tokens = out
        self.read_row(T4, spec, tokens, groups=T4_GROUPS, prefer=glued.balanced, at_end=True)

    # -------------------------------------------------------------- after all tables
    def finish(self) -> Reading:
        reading = self.reading
        for table, rows in self.glued_rows.items():
            cells = [FindingCell(table, None, None, raw) for _, raw in rows]
            example = rows[0][1].replace(" ", "")
            reading.findings.append(F.IMPORT_GLUED_DECODED(cells, table=table, table_en=T_EN[table],
                                                          count=len(rows), example=example))
        for table in (T3, T4):
            totals = [c for c in reading.blank_totals if c.sheet == table]
            if totals:
                reading.findings.append(F.IMPORT_TOTAL_BLANK(totals, table=table, table_en=T_EN[table],
                                                             count=len(totals),
                                                             first=FORM_2021.item(totals[0].item).label))
        if reading.blanks:
            first = FORM_2021.item(reading.blanks[0].item).label
            reading.findings.append(F.BLANK_AS_ZERO(reading.blanks, count=len(reading.blanks), first=first))
        if reading.marks:
            first = FORM_2021.item(reading.marks[0].item).label
            reading.findings.append(F.PLACEHOLDER_AS_ZERO(reading.marks, count=len(reading.marks), first=first))
        if reading.format_version == "2019":
            reading.findings.append(F.IMPORT_FORMAT_2019(mapping=MAPPING_2019[0], mapping_en=MAPPING_2019[1]))
            absent = [item_id for spec in T2_2021 for item_id in spec.targets if item_id not in MAPPED_2019]
            reading.absent.update(absent)
            reading.findings.append(F.IMPORT_NOT_IN_SOURCE(
                [FindingCell(T2, None, i, None) for i in absent], version="2019", count=len(absent),
                list="、".join(_short_label(i) for i in absent), list_en=", ".join(absent)))
        if reading.unmapped:
            listed = "；".join(f"{row}“{col}” {_plain(v)}" for row, col, v in reading.unmapped)
            reading.findings.append(F.IMPORT_UNMAPPED(
                [FindingCell(T2, None, None, f"{row}｜{col}={_plain(v)}") for row, col, v in reading.unmapped],
                count=len(reading.unmapped), list=listed, list_en=listed))
        return reading


def _totals_present(numbers: list[Number], groups: tuple[int, ...]) -> bool:
    """Whether ``numbers`` (one per non-total cell count) can be the row with its totals present and some other
    cells blank (0): for each way to put the blanks, every group's last number is the sum of its others."""
    count = sum(groups)
    lasts, start = set(), 0
    for size in groups:
        lasts.add(start + size - 1)
        start += size
    others = [i for i in range(count) if i not in lasts]
    for blanks in itertools.combinations(others, count - len(numbers)):
        it = iter(numbers)
        row = [0 if i in blanks else next(it) for i in range(count)]
        start, ok = 0, True
        for size in groups:
            ok = ok and sum(row[start:start + size - 1]) == row[start + size - 1]
            start += size
        if ok:
            return True
    return False


def _in_a_cell(stream: Stream, offset: int) -> bool:
    cells = stream.linear.cells
    i = bisect.bisect_right([c.start for c in cells], offset) - 1
    return i >= 0 and cells[i].start <= offset < max(cells[i].end, cells[i].start + 1)


def _prefer_in_force(split: glued.Split) -> tuple:
    """表二（一）: prefer 现行有效 ≥ 本年制发 (documents issued this year are normally still in force), then balance."""
    return (split[-1] < split[0],) + glued.balanced(split)


def _short_label(item_id: str) -> str:
    item = FORM_2021.item(item_id)
    return f"{item.row_label.split(' ')[-1]}“{item.col_label}”"


def _plain(value: Number) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)
