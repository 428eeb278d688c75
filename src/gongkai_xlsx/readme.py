"""The generated parts of README.md: the rules table for offices and the CLI reference.

``python docs/update_readme.py`` rewrites them between their markers; a test fails when they are stale, so the
README can never describe a rule or an option the code does not have.
"""

from __future__ import annotations

import re

from typer.main import get_command

from .form import CURRENT_FORM
from .form.rules import checks_for



def rules_table() -> str:
    """Markdown table of every rule: id, severity, what must hold, how many instances, what to do."""
    lines = ["| 规则 | 级别 | 要求 | 实例数 | 怎么改 |", "|---|---|---|---|---|"]
    counts: dict[str, int] = {}
    rules = {}
    for check in checks_for(CURRENT_FORM):
        counts[check.rule.id] = counts.get(check.rule.id, 0) + 1
        rules[check.rule.id] = check.rule
    for rule_id, rule in rules.items():
        relation = rule.requirement
        where = "模板实时校验" if rule.in_template else "有上年数据时校验"
        lines.append(f"| `{rule_id}` {rule.title} | {rule.severity.label} | {relation} | "
                     f"{counts[rule_id]}（{where}） | {rule.hint} |")
    return "\n".join(lines)


def cli_reference() -> str:
    """``--help`` of the command and every subcommand, as the terminal shows it."""
    from typer.testing import CliRunner

    from .cli import app

    command = get_command(app)
    runner = CliRunner()
    parts = []
    for args in [[]] + [[name] for name in sorted(command.commands)]:
        result = runner.invoke(app, [*args, "--help"], prog_name="gongkai-xlsx", terminal_width=100,
                               env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
        parts.append(f"```text\n$ gongkai-xlsx {' '.join(args + ['--help'])}\n{result.output.rstrip()}\n```")
    return "\n\n".join(parts)


SECTIONS = {"RULES": rules_table, "CLI": cli_reference}


def render(readme: str) -> str:
    """``readme`` with every generated section brought up to date."""
    for marker, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {marker} -->\n).*?(<!-- END {marker} -->)", re.S)
        if not pattern.search(readme):
            raise ValueError(f"README.md has no <!-- BEGIN {marker} --> … <!-- END {marker} --> section")
        readme = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), readme)
    return readme
