"""The fingerprint of a template: a hash of its defined names (name → cell) and of every formula.

Normalised so that a spreadsheet application's harmless rewriting of a formula (``$`` signs, sheet-name quoting,
case, spaces) does not change it; a moved cell or an edited formula does. The template writer computes it from
the layout, the reader from a returned file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from ..form import Form
from .build import layout_for
from .layout import TemplateLayout, absolute_ref

_DOLLARS = re.compile(r"\$")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)  # the same few hundred formulas recur in every returned workbook
def normalise_formula(formula: str) -> str:
    """A formula as compared for the fingerprint: no ``=``, no ``$``, no spaces, no sheet quotes, upper case."""
    text = formula.strip()
    if text.startswith("="):
        text = text[1:]
    text = _DOLLARS.sub("", text)
    text = text.replace("'", "")
    # keep spaces inside string literals (they are data), drop the rest
    parts = text.split('"')
    for i in range(0, len(parts), 2):
        parts[i] = _SPACES.sub("", parts[i]).upper()
    return '"'.join(parts)


def fingerprint(names: Mapping[str, str], formulas: Mapping[str, str]) -> str:
    """sha256 over the defined names (name → ``sheet!A1``) and the formulas (``sheet!A1`` → formula)."""
    canonical = {
        "names": {name: normalise_formula(ref) for name, ref in sorted(names.items())},
        "formulas": {normalise_formula(cell): normalise_formula(f) for cell, f in sorted(formulas.items())},
    }
    blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def layout_fingerprint_of(layout: TemplateLayout, name_ref: Callable[[str], str | None],
                          formula_at: Callable[[str, int, int], str | None]) -> str:
    """The fingerprint of a layout's names and formulas, as found by two lookups.

    The template writer looks them up in the layout itself; the reader in a returned file. A name or formula
    the lookup cannot find is left out, so the hash differs and the change shows.
    """
    own = _own_fingerprint_inputs(layout)
    names = {name: reference for name in own[0] if (reference := name_ref(name))}
    formulas = {}
    for ref, (sheet, row, col) in own[3].items():
        formula = formula_at(sheet, row, col)
        if formula:
            formulas[ref] = formula
    if (names, formulas) == own[:2]:
        return own[2]  # exactly as written: skip normalising hundreds of strings
    return fingerprint(names, formulas)


_OWN: dict[int, tuple[dict, dict, str, dict]] = {}


def layout_own_fingerprint(layout: TemplateLayout) -> str:
    """The fingerprint of the layout's names and formulas exactly as the template writer writes them."""
    return _own_fingerprint_inputs(layout)[2]


def _own_fingerprint_inputs(layout: TemplateLayout) -> tuple[dict, dict, str, dict]:
    """The layout's own names and formulas as the template writes them, their fingerprint, and where each
    formula cell is (reference → (sheet, row, col))."""
    if id(layout) not in _OWN:
        names = {cell.name: absolute_ref(sheet.name, cell.row, cell.col)
                 for sheet in layout.sheets for cell in sheet.cells if cell.name}
        formulas = {absolute_ref(sheet.name, cell.row, cell.col): cell.formula
                    for sheet in layout.sheets for cell in sheet.cells if cell.formula}
        where = {absolute_ref(sheet.name, cell.row, cell.col): (sheet.name, cell.row, cell.col)
                 for sheet in layout.sheets for cell in sheet.cells if cell.formula}
        _OWN[id(layout)] = (names, formulas, fingerprint(names, formulas), where)
    return _OWN[id(layout)]


def layout_fingerprint(form: Form) -> str:
    """The fingerprint of the template layout for ``form``: the same for every agency and year."""
    return layout_own_fingerprint(layout_for(form))
