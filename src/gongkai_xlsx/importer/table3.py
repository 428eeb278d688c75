"""Table 三 of a published report: its rows found in order (a 2019-style single （六）其他处理 row too), a copy cut
inside the table noticed, run-together rows split only where the form's column relations decide, label variants
reported. A part of :class:`~gongkai_xlsx.importer.tables.TableReader`, which reads tables 二 and 四 and keeps
the reading."""

from __future__ import annotations

from dataclasses import replace

from .. import findings as F
from ..findings import FindingCell
from ..form import FORM_2021
from ..form.model import TABLE_SHORT_NAMES
from ..form.rules import T3_BALANCE, T3_RESULTS_SUM, checks_for
from . import glued
from .document import normalise
from .rows import OTHER_SINGLE, T3_BY_KEY, T3_SPECS, T3_WIDTH, Anchor, Number, RowSpec
from .stream import BLANK, MARK, NUM, Stream, Token

T3 = TABLE_SHORT_NAMES["t3"]


class Table3Reading:
    """The 表三 part of the table reader (it uses the reader's rows, values and findings)."""

    def table3(self, stream: Stream | None) -> None:
        self.stream = stream
        self.reading.rows_expected += len(T3_SPECS)
        found, order = self._t3_anchors(stream) if stream else ({}, [])
        if not found:
            self.add(F.IMPORT_TABLE_NOT_FOUND, T3, None, cells=[FindingCell(T3, None, None, None)])
            return
        specs = {**T3_BY_KEY, "other_single": OTHER_SINGLE}
        rows, used_tokens, candidates, raws = self._t3_rows(stream, found, order, specs)
        cut = self.cut_after(stream, found, order)
        for key in order:
            if key not in rows and key not in found and key not in cut:
                self.add(F.IMPORT_ROW_NOT_FOUND, T3, specs[key], cells=self.cells(specs[key]), count=T3_WIDTH)
        if cut:
            last = max((k for k in found), key=order.index)
            self.add(F.IMPORT_TABLE_TRUNCATED, T3, specs[last],
                     cells=[c for k in cut for c in self.cells(specs[k])], count=len(cut),
                     first=specs[cut[0]].label, last=specs[cut[-1]].label)
        if candidates:  # run-together rows with several splits: the column relations decide
            fixed = {k: tuple(v) for k, v in rows.items() if k not in candidates}
            chosen, valid = glued.resolve_jointly(candidates, fixed, lambda r: _t3_consistent(r, specs))
            for key, split in chosen.items():
                if valid == 1:
                    rows[key] = list(split)
                else:  # no evidence picks one split: the row is refused, not guessed
                    del rows[key]
                    self.ambiguous(T3, specs[key], raws[key], sorted(candidates[key], key=glued.balanced))
        for key in order:
            if key in rows:
                self.store(T3, specs[key], list(rows[key]), used_tokens.get(key), raws.get(key, ""))
                self.reading.rows_read += 1
        if "other_single" in rows:
            for k in ("other_1", "other_2"):
                for target in T3_BY_KEY[k].targets:
                    self.reading.values.setdefault(target, 0)
            self.reading.findings.append(F.IMPORT_OTHER_SINGLE_ROW(
                self.cells(OTHER_SINGLE), values=" ".join(str(v) for v in rows["other_single"])))
            self.reading.rows_read += 2  # the single row stands for the three current ones

    @staticmethod
    def cut_after(stream: Stream, found: dict[str, Anchor], order: list[str]) -> list[str]:
        """The rows after the last one found when the document itself ends inside the table (a truncated copy)."""
        if stream.linear.raw[stream.end:].strip():
            return []
        last = max(order.index(k) for k in found)
        return order[last + 1:]

    def _t3_anchors(self, stream: Stream) -> tuple[dict[str, Anchor], list[str]]:
        """The rows found, by key, and the row order (with one ``other_single`` row for a 2019-style （六）)."""
        found: dict[str, Anchor] = {}
        pos = 0
        for spec in T3_SPECS[:T3_SPECS.index(T3_BY_KEY["other_1"])]:
            anchor = self.find(stream, spec, pos)
            if anchor:
                found[spec.key] = anchor
                pos = anchor.keyword_end
        total = self.find(stream, T3_BY_KEY["total"], pos)
        limit = total.start if total else None
        others_pos = pos
        for key in ("other_1", "other_2", "other_3"):
            anchor = self.find(stream, T3_BY_KEY[key], others_pos, limit)
            if anchor:
                found[key] = anchor
                others_pos = anchor.keyword_end
        order = [spec.key for spec in T3_SPECS]
        if not any(k in found for k in ("other_1", "other_2", "other_3")):
            single = self.find(stream, OTHER_SINGLE, pos, limit)
            if single:
                found["other_single"] = single
                i = order.index("other_1")
                order[i:i + 3] = ["other_single"]
                others_pos = single.keyword_end
        if total is None and found:  # “（七）” missing: the first 总计 after the result rows
            total = self.find(stream, replace(T3_BY_KEY["total"], keyword=r"总计|合计", prefix=None), others_pos)
        if total:
            found["total"] = total
        carry_out = self.find(stream, T3_BY_KEY["carry_out"], total.keyword_end if total else others_pos)
        if carry_out:
            found["carry_out"] = carry_out
        return found, order

    def _t3_rows(self, stream: Stream, found: dict[str, Anchor], order: list[str], specs: dict[str, RowSpec]):
        """Each found row's values. A row whose label was not recognised is not found: its numbers are not given to
        a neighbour by position (they make the row before it too long, which the form's sums may sort out)."""
        rows: dict[str, list[Number]] = {}
        used_tokens: dict[str, list[Token] | None] = {}
        candidates: dict[str, list[glued.Split]] = {}
        raws: dict[str, str] = {}
        segments = self.segments(stream, [found[k] for k in order if k in found])
        if self.total_column_blank([tokens for _, tokens, _ in segments], (T3_WIDTH,)):
            # plain text (PDF layout) of a page that left the 总计 column blank: each row's numbers are its columns
            segments = [(anchor, tokens + [Token(BLANK, "", tokens[-1].end, tokens[-1].end)], start)
                        for anchor, tokens, start in segments]
        pad = self.pad_side([tokens for _, tokens, _ in segments], T3_WIDTH)
        for index, (anchor, tokens, label_start) in enumerate(segments):
            key = anchor.spec.key
            self.label_variant(stream, anchor, tokens, label_start,
                               segments[index + 1][2] if index + 1 < len(segments) else stream.end)
            value_tokens = [t for t in tokens if t.kind in (NUM, BLANK, MARK)]
            values, used, cands = self.row_values(T3, anchor.spec, tokens, groups=(T3_WIDTH,), prefer=glued.balanced,
                                                  at_end=index == len(segments) - 1, pad=pad)
            if values is None:
                continue
            rows[key] = values
            used_tokens[key] = used
            raws[key] = " ".join(t.text for t in value_tokens)
            if len(cands) > 1:
                candidates[key] = cands
        return rows, used_tokens, candidates, raws

    def label_variant(self, stream: Stream, anchor: Anchor, tokens: list[Token], start: int, end: int) -> None:
        expected = normalise(anchor.spec.label)
        segment = stream.compact[anchor.start:]
        stop = next((i for i, off in enumerate(stream.cmap[anchor.start:]) if off >= end), len(segment))
        if _contains_loosely(segment[:stop], expected):
            return
        first_value = next((t.start for t in tokens if t.kind in (NUM, BLANK, MARK)), end)
        found = stream.raw_text(start, max(first_value, start + 1), limit=80)
        if not found or normalise(found) == expected:
            return
        self.add(F.IMPORT_LABEL_VARIANT, T3, anchor.spec, found=found, expected=anchor.spec.label)


def _contains_loosely(text: str, label: str, slack: int = 16) -> bool:
    """``label`` in ``text``, allowing a few foreign characters inside it (vertical headings such as “他处理” that
    ``pdftotext -layout`` interleaves with a wrapped label); a label with characters missing does not match."""
    if label in text:
        return True
    start = text.find(label[0])
    while start >= 0:
        i, j = 0, start
        while i < len(label) and j < len(text) and j - start <= len(label) + slack:
            if text[j] == label[i]:
                i += 1
            j += 1
        if i == len(label):
            return True
        start = text.find(label[0], start + 1)
    return False


# the form's column relations of 表三 that a split of run-together numbers must keep
_T3_JOINT_CHECKS = tuple(check for check in checks_for(FORM_2021) if check.rule in (T3_RESULTS_SUM, T3_BALANCE))


def _t3_consistent(rows: dict[str, tuple[int, ...]], specs: dict[str, RowSpec]) -> bool:
    """Whether rows of 表三 (by row key) keep the form's relations: the results add up to （七）总计, and new plus
    carried in equals that total plus carried over."""
    values = {target: value for key, row in rows.items() for target, value in zip(specs[key].targets, row)}
    return all(check.measure(values) == 0 for check in _T3_JOINT_CHECKS)
