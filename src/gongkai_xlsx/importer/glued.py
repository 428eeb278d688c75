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
from collections.abc import Callable, Iterator, Sequence

Piece = str | None  # a run of digits, or None for one known-blank cell (counts as 0)
Split = tuple[int, ...]

MAX_SPLITS = 5000  # per row: far more than any real row has; stops pathological inputs
MAX_COMBINATIONS = 200_000


def _pieces(digits: str, k: int) -> Iterator[Split]:
    """Every way to cut ``digits`` into ``k`` numbers without leading zeros ("0" itself is fine)."""
    if k == 1:
        if len(digits) == 1 or digits[0] != "0":
            yield (int(digits),)
        return
    for n in range(1, len(digits) - k + 2):
        head = digits[:n]
        if n > 1 and head[0] == "0":
            break
        for rest in _pieces(digits[n:], k - 1):
            yield (int(head),) + rest


def splits(pieces: Sequence[Piece], count: int, accept: Callable[[Split], bool] | None = None) -> list[Split]:
    """All splits of ``pieces`` into ``count`` numbers that ``accept`` accepts.

    The boundaries between pieces are kept (a space or a cell border in the source is a real boundary); a
    ``None`` piece is one blank cell.
    """
    results: list[Split] = []
    lengths = [1 if p is None else len(p) for p in pieces]
    if sum(lengths) < count or len(pieces) > count:
        return results

    def distribute(index: int, remaining: int) -> Iterator[tuple[int, ...]]:
        if index == len(pieces):
            if remaining == 0:
                yield ()
            return
        rest_min = len(pieces) - index - 1
        rest_max = sum(lengths[index + 1:])
        for k in range(1, lengths[index] + 1):
            if rest_min <= remaining - k <= rest_max:
                for tail in distribute(index + 1, remaining - k):
                    yield (k,) + tail

    for ks in distribute(0, count):
        parts = [[(0,)] if p is None else list(_pieces(p, k)) for p, k in zip(pieces, ks)]
        for combo in itertools.product(*parts):
            split = tuple(v for part in combo for v in part)
            if accept is None or accept(split):
                results.append(split)
                if len(results) >= MAX_SPLITS:
                    return results
    return results


def row_total_ok(split: Split) -> bool:
    """表三: 总计 (last) = the six applicant columns."""
    return sum(split[:-1]) == split[-1]


def table4_ok(split: Split) -> bool:
    """表四: in each of the three groups of five, 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    return all(sum(split[g:g + 4]) == split[g + 4] for g in (0, 5, 10))


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
