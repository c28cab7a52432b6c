"""Running a pandera (polars) schema and turning its failure cases into located SourceIssues."""

from __future__ import annotations

import json

import pandera.polars as pa
import polars as pl

from pipelines.lib.csv_files import SOURCE_FILE, SOURCE_LINE
from pipelines.lib.errors import SourceIssue

UNIQUENESS_CHECKS = {"multiple_fields_uniqueness", "field_uniqueness"}


def schema_issues(
    frame: pl.DataFrame, schema: pa.DataFrameSchema, source_columns: dict[str, str] | None = None
) -> list[SourceIssue]:
    """Validate lazily (every row, every column) and locate each failure by file and line.

    `source_columns` names, for a column derived while reading, the file's column it came
    from, so that the error points at what the user has to edit.
    """
    rename = source_columns or {}
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    issues: list[SourceIssue] = []
    for case in failures.iter_rows(named=True):
        index, column, check = case["index"], case["column"], str(case["check"])
        if index is None:
            issues.append(SourceIssue(_files(frame), 0, column or "", str(case["failure_case"]), check))
            continue
        row = frame.row(index, named=True)
        if check in UNIQUENESS_CHECKS or column is None:
            keys = list(schema.unique or [column])
            value = json.dumps({k: row.get(k) for k in keys}, ensure_ascii=False, default=str)
            rule = f"rows must be unique on ({', '.join(keys)})"
            issues.append(SourceIssue(row[SOURCE_FILE], row[SOURCE_LINE], ",".join(keys), value, rule))
            continue
        value = "" if case["failure_case"] is None else str(case["failure_case"])
        rule = "must not be empty" if check == "not_nullable" else check
        issues.append(
            SourceIssue(row[SOURCE_FILE], row[SOURCE_LINE], rename.get(column, column), value, rule)
        )
    return issues


def _files(frame: pl.DataFrame) -> str:
    return ", ".join(sorted(frame[SOURCE_FILE].unique().to_list())) if SOURCE_FILE in frame else ""


def rule_issues(frame: pl.DataFrame, broken: pl.Expr, column: str, rule: str) -> list[SourceIssue]:
    """Issues for the rows where `broken` holds: for rules that span columns or files."""
    bad = frame.filter(broken).select(SOURCE_FILE, SOURCE_LINE, pl.col(column).cast(pl.String))
    return [SourceIssue(f, line, column, value or "", rule) for f, line, value in bad.iter_rows()]
