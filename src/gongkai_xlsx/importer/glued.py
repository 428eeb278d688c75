"""Split digit strings whose table cells were run together ("640020470" = 64|0|0|2|0|4|70).

Web crawls of published reports often flatten a table row into one run of digits. A run can be split back only
with the table's own sum relations: a 表三 row's 总计 is the sum of its six applicant columns, each 表四 group's
总计 is the sum of its four results, and the columns of 表三 satisfy the results total and the 勾稽关系. This module
enumerates the splits that satisfy a row's relation; :func:`resolve_jointly` then picks, among the rows that
still have several splits, the combination that satisfies the column relations.

Pure functions, no knowledge of where the digits came from.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

Piece = str | None  # a run of digits, or None for one known-blank cell (counts as 0)
Split = tuple[int, ...]

MAX_SPLITS = 5000  # per row: far more than any real row has; stops pathological inputs
MAX_COMBINATIONS = 200_000


def splits(pieces: Sequence[Piece], count: int, groups: Sequence[int] | None = None) -> list[Split]:
    """All splits of ``pieces`` into ``count`` numbers (no leading zeros; "0" itself is fine).

    The boundaries between pieces are kept (a space or a cell border in the source is a real boundary); a
    ``None`` piece is one blank cell (0). With ``groups`` (sizes adding up to ``count``), the last number of
    each group must be the sum of the group's other numbers — the row total of 表三, the group totals of 表四 —
    which is checked while splitting, so long runs stay fast.
    """
    runs = list(pieces)
    results: list[Split] = []
    if len(runs) > count or sum(1 if r is None else len(r) for r in runs) < count:
        return results
    lasts: dict[int, int] = {}  # index of a group's total → index where the group starts
    if groups:
        start = 0
        for size in groups:
            lasts[start + size - 1] = start
            start += size
    suffix = [0] * (len(runs) + 1)
    for i in range(len(runs) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + (1 if runs[i] is None else len(runs[i]))
    values: list[int] = []

    def step(ri: int, off: int) -> None:
        if len(results) >= MAX_SPLITS:
            return
        n = len(values)
        if n == count:
            if ri == len(runs):
                results.append(tuple(values))
            return
        if ri == len(runs):
            return
        remaining = count - n
        run = runs[ri]
        chars_left = suffix[ri] - off
        if chars_left < remaining or len(runs) - ri > remaining:
            return
        target = sum(values[lasts[n]:n]) if n in lasts else None
        if run is None:
            if target is None or target == 0:
                values.append(0)
                step(ri + 1, 0)
                values.pop()
            return
        for length in range(1, len(run) - off + 1):
            if length > 1 and run[off] == "0":
                break
            number = int(run[off:off + length])
            if target is not None:
                if number < target:
                    continue
                if number > target:
                    break
            values.append(number)
            if off + length == len(run):
                step(ri + 1, 0)
            else:
                step(ri, off + length)
            values.pop()

    step(0, 0)
    return results


def balanced(split: Split) -> tuple:
    """Preference among splits that no relation can tell apart: the smallest sum (most even digit lengths)."""
    return (sum(split), split)


def resolve_jointly(
    candidates: dict[str, list[Split]],
    fixed: dict[str, Split],
    constraint: Callable[[dict[str, Split]], bool],
) -> tuple[dict[str, Split], int]:
    """Choose one split per ambiguous row so that ``constraint`` holds for the whole table.

    ``candidates`` holds the rows with more than one split, ``fixed`` the rows already known. Returns the
    chosen splits and how many combinations satisfied the constraint (0: none did, the balanced choice is
    returned; more than 1: still ambiguous, the balanced choice among the valid ones is returned).
    """
    keys = list(candidates)
    if not keys:
        return {}, 1 if constraint(dict(fixed)) else 0
    size = 1
    for key in keys:
        size *= len(candidates[key])
    if size > MAX_COMBINATIONS:
        return {key: min(candidates[key], key=balanced) for key in keys}, 0
    valid: list[dict[str, Split]] = []
    for combo in itertools.product(*(candidates[key] for key in keys)):
        chosen = dict(zip(keys, combo))
        if constraint({**fixed, **chosen}):
            valid.append(chosen)
    if not valid:
        return {key: min(candidates[key], key=balanced) for key in keys}, 0
    best = min(valid, key=lambda c: sum(sum(s) for s in c.values()))
    return best, len(valid)
