"""gongkai-xlsx: Excel templates, verification and consolidation for 政府信息公开工作年度报告.

The Python API in a few names:

- :data:`FORM` — the national format (国办公开办函〔2021〕30号) as data; :func:`evaluate` runs its rules.
- :func:`generate_templates` — write locked templates (one blank, or one per roster agency).
- :func:`read_roster` — read a roster CSV/XLSX into :class:`Agency` objects.
"""

__version__ = "0.1.0"

from .form import CURRENT_FORM as FORM  # noqa: E402
from .form import evaluate  # noqa: E402
from .roster import Agency, read_roster  # noqa: E402
from .generate import GenerationResult, generate_templates  # noqa: E402

__all__ = ["FORM", "Agency", "GenerationResult", "__version__", "evaluate", "generate_templates", "read_roster"]
