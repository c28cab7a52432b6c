"""Running a pandera (polars) schema and turning its failure cases into located SourceIssues."""

from __future__ import annotations

import json

import pandera.polars as pa
import polars as pl

from pipelines import config
from pipelines.lib.csv_files import SOURCE_FILE, SOURCE_LINE
from pipelines.lib.errors import SourceIssue

UNIQUENESS_CHECKS = {"multiple_fields_uniqueness", "field_uniqueness"}
# A frame column "<column>__header" holds, per row, the header the cell had in the user's file
# (wide tables spread one logical column over many): errors then name that header.
HEADER_SUFFIX = "__header"


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
        reported = rename.get(column, column)
        issues.append(SourceIssue(row[SOURCE_FILE], row[SOURCE_LINE], _header(row, reported), value, rule))
    return issues


def _header(row: dict, column: str) -> str:
    """The header the cell had in the user's file, where the frame records one."""
    return row.get(f"{column}{HEADER_SUFFIX}") or column


def _files(frame: pl.DataFrame) -> str:
    return ", ".join(sorted(frame[SOURCE_FILE].unique().to_list())) if SOURCE_FILE in frame else ""


def rule_issues(frame: pl.DataFrame, broken: pl.Expr, column: str, rule: str) -> list[SourceIssue]:
    """Issues for the rows where `broken` holds: for rules that span columns or files."""
    header = f"{column}{HEADER_SUFFIX}"
    headers = pl.col(header) if header in frame.columns else pl.lit(None, pl.String)
    bad = frame.filter(broken).select(
        SOURCE_FILE, SOURCE_LINE, pl.col(column).cast(pl.String), headers.alias("h")
    )
    return [SourceIssue(f, line, h or column, value or "", rule) for f, line, value, h in bad.iter_rows()]


def not_after_build_date(frame: pl.DataFrame, what: str) -> list[SourceIssue]:
    """published_on after the build date: the rule for releases and plans alike."""
    return rule_issues(frame, pl.col("published_on") > config.build_date(), "published_on", future_rule(what))


def future_rule(what: str) -> str:
    return f"must not be after the build date ({config.build_date()}): {what}"
