"""gongkai-xlsx: Excel templates, verification and consolidation for 政府信息公开工作年度报告.

The Python API in a few names:

- :data:`FORM` — the national format (国办公开办函〔2021〕30号) as data; :func:`evaluate` runs its rules.
- :func:`generate_templates` — write locked templates (one blank, or one per roster agency).
- :func:`read_roster` — read a roster CSV/XLSX into :class:`Agency` objects.
- :func:`verify_paths` — verify returned files, folders, zips and e-mails.
- :func:`merge_inbox` — merge an inbox against the roster; :func:`render_consolidated` writes the consolidated
  workbook and :func:`consolidated_frame` reads one back as a pandas DataFrame.
- :func:`import_report` — read a published report (PDF, Word, HTML, text) into a :class:`Report`.

Names are imported lazily, so ``import gongkai_xlsx.form`` loads no Excel library.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "FORM": ("gongkai_xlsx.form", "CURRENT_FORM"),
    "evaluate": ("gongkai_xlsx.form", "evaluate"),
    "Agency": ("gongkai_xlsx.roster", "Agency"),
    "read_roster": ("gongkai_xlsx.roster", "read_roster"),
    "GenerationResult": ("gongkai_xlsx.template.generate", "GenerationResult"),
    "generate_templates": ("gongkai_xlsx.template.generate", "generate_templates"),
    "render_template": ("gongkai_xlsx.template.render", "render_template"),
    "Report": ("gongkai_xlsx.report", "Report"),
    "read_file": ("gongkai_xlsx.read.returned", "read_file"),
    "verify_paths": ("gongkai_xlsx.consolidate.run", "verify_paths"),  # as the command: a replaced version marked
    "merge_inbox": ("gongkai_xlsx.consolidate.merge", "merge_inbox"),
    "render_consolidated": ("gongkai_xlsx.consolidate.workbook", "render_consolidated"),
    "consolidated_frame": ("gongkai_xlsx.consolidate.export", "consolidated_frame"),
    "import_report": ("gongkai_xlsx.importer", "import_report"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'gongkai_xlsx' has no attribute {name!r}")
