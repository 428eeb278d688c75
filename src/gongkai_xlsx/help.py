"""``--help`` for a Chinese-first command line: arguments named by their placeholder (文件或文件夹…), never by a Python
type (``<list[Path]>``), and columns measured in terminal cells, since a Chinese character takes two.

Click measures and wraps help text in characters, which pushes Chinese placeholders out of line and lets Chinese
help run past the terminal's edge.
"""

from __future__ import annotations

import re

import typer
from rich.cells import cell_len
from typer.core import TyperCommand, TyperGroup

# click's help formatter, reached through typer (which vendors click in recent versions)
HelpFormatter = typer.Context.formatter_class


# no line starts with closing punctuation, none ends with opening punctuation (the rule Chinese typesetting keeps)
NO_LINE_START = set("，。、；：？！）》」』】〕”’…%")
NO_LINE_END = set("（《「『【〔“‘")
UNIT = re.compile(r"\s+|[!-~]+|.")  # spaces; a run of printable ASCII (a word, an option, a path); any other character


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` terminal cells: at spaces and between Chinese characters, never before a
    closing or after an opening punctuation mark."""
    units: list[list] = []  # [text, a space before it]
    space = False
    for match in UNIT.finditer(text):
        piece = match.group()
        if piece.isspace():
            space = True
            continue
        if units and not space and (piece[0] in NO_LINE_START or units[-1][0][-1] in NO_LINE_END):
            units[-1][0] += piece
        else:
            units.append([piece, space])
        space = False
    lines: list[str] = []
    line = ""
    for piece, spaced in units:
        joined = line + (" " if spaced and line else "") + piece
        if line and cell_len(joined) > width:
            lines.append(line)
            line = piece
        else:
            line = joined
    return lines + [line] if line or not lines else lines


class CellHelpFormatter(HelpFormatter):
    """Click's help layout, measured in terminal cells."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 11)
        paragraphs = text.split("\n\n")
        for number, paragraph in enumerate(paragraphs):
            if paragraph.startswith("\b"):  # click's mark for a paragraph kept as typed
                lines = paragraph.splitlines()[1:]
            else:
                lines = wrap_cells(" ".join(line.strip() for line in paragraph.splitlines()), width)
            self.write("".join(f"{indent}{line}\n" for line in lines))
            if number < len(paragraphs) - 1:
                self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((cell_len(term) for term, _ in rows), default=0), col_max)
        lead = self.current_indent + first + col_spacing
        for term, text in rows:
            self.write(" " * self.current_indent + term)
            if not text:
                self.write("\n")
                continue
            if cell_len(term) <= first:
                self.write(" " * (first - cell_len(term) + col_spacing))
            else:  # a long term: its help starts on the next line, in the help column
                self.write("\n" + " " * lead)
            lines = wrap_cells(text, max(self.width - lead, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * lead + line + "\n")


class CellHelpContext(typer.Context):
    formatter_class = CellHelpFormatter


def _argument_name(param) -> str:
    name = param.metavar or (param.name or "").upper()
    return name + "…" if param.nargs != 1 else name


class ChineseHelpCommand(TyperCommand):
    """A subcommand whose usage line and 参数 list name arguments by their metavar, without ``{}`` or a type."""

    context_class = CellHelpContext

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class ChineseHelpGroup(TyperGroup):
    """The top command: its help measured in terminal cells too."""

    context_class = CellHelpContext
