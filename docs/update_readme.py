"""Rewrite the generated sections of README.md (rules table, CLI reference). Run after changing either."""

from pathlib import Path

from gongkai_xlsx.readme import render

README = Path(__file__).resolve().parents[1] / "README.md"

if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")
