"""The whole template's layout, built from its sheets: 基本信息及文字, 表二, 表三, 表四 and 填表说明."""

from __future__ import annotations

from ..form import Form
from .guide import guide_sheet
from .layout import TemplateLayout
from .main_sheet import main_sheet
from .tables import table2_sheet, table3_sheet, table4_sheet

def build_layout(form: Form) -> TemplateLayout:
    """The template's layout for ``form``; identical for every agency and year (those are cell values)."""
    positions: dict[str, tuple[str, int, int]] = {}
    check_positions: dict[str, tuple[str, int, int]] = {}
    t2 = table2_sheet(form, positions)
    t3 = table3_sheet(form, positions, check_positions)
    t4 = table4_sheet(form, positions, check_positions)
    rule_positions: dict[str, tuple[str, int, int]] = {}
    main = main_sheet(form, positions, check_positions, rule_positions)
    guide = guide_sheet(form)
    layout = TemplateLayout(form, [main, t2, t3, t4, guide], positions, check_positions, rule_positions)
    return layout


_LAYOUTS: dict[str, TemplateLayout] = {}


def layout_for(form: Form) -> TemplateLayout:
    """The (cached) template layout of a form, keyed by its version: hashing a whole form is not cheap."""
    if form.version not in _LAYOUTS:
        _LAYOUTS[form.version] = build_layout(form)
    return _LAYOUTS[form.version]
