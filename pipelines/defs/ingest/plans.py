"""Plans family: the quantified targets of each plan, and the indicators plans monitor without one.

One CSV per plan under sources/plans/, named after its plan_id in reference/plans.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.defs.ingest import schemas
from pipelines.defs.ingest.reference import ReferenceTables
from pipelines.lib.csv_files import SOURCE_FILE, cast_columns, display_name, read_text_csv, read_text_csvs
from pipelines.lib.errors import SourceError, SourceIssue
from pipelines.lib.validation import rule_issues, schema_issues
from pipelines.plan_table import TARGET_COLUMNS, TARGET_TYPES

MONITORED_FILE = "monitored_indicators.csv"
MONITORED_COLUMNS = ["plan_id", "indicator_id", "region_code", "source_ref"]


@dataclass(frozen=True)
class PlanTables:
    targets: pl.DataFrame
    monitored_indicators: pl.DataFrame

    def as_tables(self) -> dict[str, pl.DataFrame]:
        return {"targets": self.targets, "monitored_indicators": self.monitored_indicators}


def target_files(sources: Path) -> list[Path]:
    """Every plan's target file (all CSVs in sources/plans but the monitored list)."""
    return sorted(p for p in (sources / "plans").glob("*.csv") if p.name != MONITORED_FILE)


def load_plans(sources: Path, reference: ReferenceTables) -> PlanTables:
    """Read and validate the target files and the monitored-indicator list."""
    issues: list[SourceIssue] = []
    files = target_files(sources)
    raw = read_text_csvs(files, TARGET_COLUMNS, sources).with_columns(
        pl.col(SOURCE_FILE).str.extract(r"([^/]+)\.csv$", 1).alias("plan_id")
    )
    # a plan file with a header and no rows is a plan whose targets were lost, unless withdrawn
    withdrawn = set(reference.plans.filter(pl.col("status") == "withdrawn")["plan_id"].to_list())
    present = set(raw[SOURCE_FILE].to_list())
    for path in files:
        name = display_name(path, sources)
        if name not in present and path.stem not in withdrawn:
            issues.append(
                SourceIssue(
                    name,
                    2,
                    "",
                    "",
                    "a plan file with a header and no rows: add the plan's targets, or mark the plan "
                    "withdrawn in reference/plans.csv (status = withdrawn) if it was repealed",
                )
            )
    targets, cast = cast_columns(raw, TARGET_TYPES)
    issues += cast

    # inf and NaN cast as floats; they are no target (1e308 is read exactly and kept)
    for column in ("baseline_value", "target_value", "target_value_high", "population_base"):
        issues += rule_issues(
            targets,
            pl.col(column).is_nan() | pl.col(column).is_infinite(),
            column,
            "must be a finite number (inf and NaN are not targets)",
        )
    targets = targets.with_columns(
        pl.when(pl.col(c).is_nan() | pl.col(c).is_infinite()).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("baseline_value", "target_value", "target_value_high", "population_base")
    )
    region = schemas.known(reference.regions["region_code"], "a region_code in reference/regions.csv")
    indicator = schemas.known(
        reference.indicators["indicator_id"], "an indicator_id in reference/indicators.csv"
    )
    plan = schemas.known(
        reference.plans["plan_id"], "a plan_id in reference/plans.csv (the file is named after its plan)"
    )
    unit = schemas.known(reference.units["unit"], "a unit listed in reference/units.csv")
    issues += schema_issues(
        targets,
        schemas.with_checks(
            schemas.TargetModel,
            {
                "plan_id": [plan],
                "indicator_id": [indicator],
                "region_code": [region],
                "unit": [unit],
            },
        ),
    )

    issues += rule_issues(
        targets,
        pl.col("baseline_year") >= pl.col("target_year"),
        "baseline_year",
        "baseline_year must be before target_year",
    )
    issues += rule_issues(
        targets,
        (pl.col("target_kind") == "range")
        & ~(pl.col("target_value_high") >= pl.col("target_value")).fill_null(False),
        "target_value_high",
        "a range target needs target_value_high >= target_value",
    )

    # Rules across files: the unit must convert to the indicator's unit, and a per-capita
    # target must be set on a per-capita indicator.
    joined = targets.join(
        reference.units.select("unit", pl.col("canonical_unit").alias("unit_canonical")),
        on="unit",
        how="left",
    ).join(
        reference.indicators.select("indicator_id", pl.col("unit").alias("indicator_unit"), "measure_kind"),
        on="indicator_id",
        how="left",
    )
    issues += rule_issues(
        joined,
        pl.col("unit_canonical").is_not_null()
        & pl.col("indicator_unit").is_not_null()
        & (pl.col("unit_canonical") != pl.col("indicator_unit"))
        & (pl.col("target_kind") != "annual_growth"),
        "unit",
        "unit must convert to the indicator's canonical unit (reference/indicators.csv)",
    )
    issues += rule_issues(
        joined,
        (pl.col("target_kind") == "annual_growth") & (pl.col("unit") != "%"),
        "unit",
        "an annual_growth target is a rate in %",
    )
    issues += rule_issues(
        joined,
        (pl.col("target_kind") == "per_capita") & (pl.col("measure_kind") != "per_capita"),
        "indicator_id",
        "a per_capita target needs an indicator whose measure_kind is per_capita",
    )
    issues += rule_issues(
        joined,
        pl.col("population_base").is_not_null()
        & ~pl.col("population_base_unit").is_in(["人", "万人"]).fill_null(False),
        "population_base_unit",
        "a population base is stated in 人 or 万人",
    )

    monitored = read_text_csv(sources / "plans" / MONITORED_FILE, MONITORED_COLUMNS, sources)
    issues += schema_issues(
        monitored,
        schemas.with_checks(
            schemas.MonitoredIndicatorModel,
            {
                "plan_id": [plan],
                "indicator_id": [indicator],
                "region_code": [region],
            },
        ),
    )

    if issues:
        raise SourceError(issues)
    return PlanTables(targets, monitored)
