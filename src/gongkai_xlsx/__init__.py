"""gongkai-xlsx: Excel templates, verification and consolidation for 政府信息公开工作年度报告.

The Python API in a few names:

- :data:`FORM` — the national format (国办公开办函〔2021〕30号) as data; :func:`evaluate` runs its rules.
- :func:`generate_templates` — write locked templates (one blank, or one per roster agency).
- :func:`read_roster` — read a roster CSV/XLSX into :class:`Agency` objects.

Names are imported lazily, so ``import gongkai_xlsx.form`` loads no Excel library.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "FORM": ("gongkai_xlsx.form", "CURRENT_FORM"),
    "evaluate": ("gongkai_xlsx.form", "evaluate"),
    "Agency": ("gongkai_xlsx.roster", "Agency"),
    "read_roster": ("gongkai_xlsx.roster", "read_roster"),
    "GenerationResult": ("gongkai_xlsx.generate", "GenerationResult"),
    "generate_templates": ("gongkai_xlsx.generate", "generate_templates"),
    "render_template": ("gongkai_xlsx.template", "render_template"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'gongkai_xlsx' has no attribute {name!r}")
