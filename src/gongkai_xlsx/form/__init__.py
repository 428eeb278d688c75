"""The national report format as data: items, layout, texts, identity fields and rules.

This package must not import any Excel library (a test enforces it): it is the single source of truth that the
template writer, the reader, the verifier and the merger all derive from.
"""

from .model import Form, Item, MetaField, MetaRole, TextRole, ValueKind, short_label
from .national_2021 import FORM_2021
from .rules import RULES, RULES_BY_ID, Check, Rule, Severity, Violation, checks_for, evaluate

FORMS = {FORM_2021.version: FORM_2021}
CURRENT_FORM = FORM_2021
REPORT_TITLE = CURRENT_FORM.title  # 政府信息公开工作年度报告: in file names, sheet titles, mail subjects

__all__ = ["CURRENT_FORM", "FORMS", "FORM_2021", "REPORT_TITLE", "RULES", "RULES_BY_ID", "Check", "Form", "Item", "MetaField",
           "MetaRole", "Rule", "Severity", "TextRole", "ValueKind", "Violation", "checks_for", "evaluate",
           "short_label"]
