"""The identity stamped into every template, and the fingerprint of its layout and formulas.

A returned workbook proves what it is by this stamp: custom document properties, a very hidden ``_stamp``
sheet and ``stamp_*`` defined names carry the same fields. The fingerprint is a hash of the defined names
(name → cell) and of every formula, normalised so that a spreadsheet application's harmless rewriting of a
formula (``$`` signs, sheet-name quoting, case, spaces) does not change it; a moved cell or an edited
formula does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache

STAMP_FIELDS = ("form_version", "form_basis", "year", "template_id", "generator", "generator_version",
                "agency_code", "agency_name", "fingerprint", "origin")
PROPERTY_PREFIX = "gongkai_"
NAME_PREFIX = "stamp_"
GENERATOR = "gongkai-xlsx"


@dataclass(frozen=True)
class Stamp:
    form_version: str
    form_basis: str
    year: int
    template_id: str
    generator: str
    generator_version: str
    agency_code: str
    agency_name: str
    fingerprint: str
    origin: str = "template"  # "template" | "feedback" | "imported" | "sample"

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


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
