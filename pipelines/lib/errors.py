"""The error a bad source file raises: every bad cell, located and explained."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SourceIssue:
    """One rule one cell broke: where it is, what it holds, and which rule it broke."""

    file: str
    line: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        unit = "row" if self.file.lower().endswith(".xlsx") else "line"
        where = f"{self.file}, {unit} {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: value {self.value!r} breaks rule: {self.rule}"


class SourceError(Exception):
    """Raised when source files break validation rules; lists every issue, not just the first."""

    def __init__(self, issues: list[SourceIssue]):
        self.issues = sorted(set(issues))
        shown = "\n".join(f"  - {i}" for i in self.issues[:200])
        more = f"\n  … and {len(self.issues) - 200} more" if len(self.issues) > 200 else ""
        super().__init__(f"{len(self.issues)} problem(s) in source files:\n{shown}{more}")

    def markdown_table(self, limit: int | None = None) -> str:
        """The issues as a Markdown table (file, line or row, column, value, rule)."""
        rows = "".join(
            f"| {i.file} | {i.line or ''} | {i.column} | {i.value} | {i.rule} |\n"
            for i in self.issues[:limit]
        )
        return f"| file | line/row | column | value | rule |\n|---|---|---|---|---|\n{rows}"
