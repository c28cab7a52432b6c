"""The error a bad source file raises: every bad cell, located and explained."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

# A report lists at most this many issues of one rule, then counts the rest: a file with a
# million bad rows gives a readable report, not a million lines.
ISSUES_PER_RULE = 20


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
        shown, rest = self.bounded()
        lines = [f"  - {i}" for i in shown]
        lines += [f"  … and {n} more breaking the rule: {rule}" for rule, n in rest.items()]
        super().__init__(f"{len(self.issues)} problem(s) in source files:\n" + "\n".join(lines))

    def bounded(self, per_rule: int = ISSUES_PER_RULE) -> tuple[list[SourceIssue], Counter]:
        """At most `per_rule` issues of each rule, and how many more each rule has."""
        seen: Counter = Counter()
        shown, rest = [], Counter()
        for issue in self.issues:
            seen[issue.rule] += 1
            if seen[issue.rule] <= per_rule:
                shown.append(issue)
            else:
                rest[issue.rule] += 1
        return shown, rest

    def markdown_table(self) -> str:
        """The issues as a Markdown table (file, line or row, column, value, rule), bounded per rule."""
        shown, rest = self.bounded()
        rows = "".join(
            f"| {i.file} | {i.line or ''} | {i.column} | {_cell(i.value)} | {i.rule} |\n" for i in shown
        )
        rows += "".join(f"| … | | | {n} more | {rule} |\n" for rule, n in rest.items())
        return f"| file | line/row | column | value | rule |\n|---|---|---|---|---|\n{rows}"


def _cell(value: str) -> str:
    """A value as a Markdown cell: pipes escaped, long values cut."""
    value = value.replace("|", "\\|").replace("\n", " ")
    return value if len(value) <= 120 else value[:117] + "…"
