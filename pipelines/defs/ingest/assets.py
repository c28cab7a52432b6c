"""Ingest assets: one per source family, each reading, validating and writing raw tables.

A family that breaks a rule fails its asset with every bad row listed (file, line, column,
value, rule) and writes nothing; downstream assets and the publish step do not run.
"""

from collections.abc import Callable, Iterator

import dagster as dg
import polars as pl

from pipelines import config
from pipelines.defs.ingest.plans import load_plans
from pipelines.defs.ingest.reference import ReferenceTables, load_reference
from pipelines.defs.ingest.releases import load_releases
from pipelines.lib import warehouse
from pipelines.lib.errors import SourceError

GROUP = "ingest"
REFERENCE_TABLES = ["regions", "units", "indicators", "indicator_aliases", "plans"]
PLAN_TABLES = ["targets", "monitored_indicators"]
RELEASE_TABLES = ["releases", "observations"]
VALIDATION_CHECK = "source_rules_hold"

DESCRIPTIONS = {
    "regions": "Regions from sources/reference/regions.csv (GB/T 2260 codes where they exist).",
    "units": "Units and their conversion to canonical units (sources/reference/units.csv).",
    "indicators": "The indicator catalogue (sources/reference/indicators.csv).",
    "indicator_aliases": "Labels under which publishers print catalogue indicators.",
    "plans": "Plan documents (sources/reference/plans.csv).",
    "targets": "Quantified plan targets, one file per plan (sources/plans/<plan_id>.csv).",
    "monitored_indicators": "Indicators plans name without a number (plans/monitored_indicators.csv).",
    "releases": "The release catalogue (sources/releases/releases.csv).",
    "observations": "Figures read from sources/releases/figures/*.csv, cells parsed, flags kept.",
}


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([config.RAW_SCHEMA, table])


def _specs(tables: list[str], deps: list[str] = ()) -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            raw_key(t),
            group_name=GROUP,
            description=DESCRIPTIONS[t],
            kinds={"polars", "duckdb"},
            deps=[raw_key(d) for d in deps],
        )
        for t in tables
    ]


def _checks(tables: list[str]) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            VALIDATION_CHECK,
            asset=raw_key(t),
            blocking=True,
            description="Every row keeps the pandera rules of its source family.",
        )
        for t in tables
    ]


def _load(loader: Callable[[], object], family: str):
    """Run a family loader; turn a SourceError into a Dagster Failure that lists every issue."""
    try:
        return loader()
    except SourceError as error:
        rows = "\n".join(
            f"| {i.file} | {i.line} | {i.column} | {i.value} | {i.rule} |" for i in error.issues[:500]
        )
        raise dg.Failure(
            description=f"The {family} sources break validation rules:\n{error}",
            metadata={
                "issue_count": len(error.issues),
                "issues": dg.MetadataValue.md(
                    f"| file | line | column | value | rule |\n|---|---|---|---|---|\n{rows}"
                ),
            },
        ) from error


def _write(tables: dict[str, pl.DataFrame]) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    warehouse.replace_tables(config.build_db_path(), config.RAW_SCHEMA, tables)
    for name, frame in tables.items():
        files = sorted(frame["source_file"].unique().to_list()) if "source_file" in frame.columns else []
        yield dg.MaterializeResult(
            asset_key=raw_key(name),
            metadata={"dagster/row_count": frame.height, "source_files": ", ".join(files)},
        )
        yield dg.AssetCheckResult(
            asset_key=raw_key(name),
            check_name=VALIDATION_CHECK,
            passed=True,
            metadata={"rows_validated": frame.height},
        )


def _reference_from_warehouse() -> ReferenceTables:
    return ReferenceTables(
        **warehouse.read_tables(config.build_db_path(), config.RAW_SCHEMA, REFERENCE_TABLES)
    )


@dg.multi_asset(
    name="reference_sources", specs=_specs(REFERENCE_TABLES), check_specs=_checks(REFERENCE_TABLES)
)
def reference_sources(context: dg.AssetExecutionContext):
    """Regions, units, indicators, aliases and plans."""
    reference = _load(lambda: load_reference(config.sources_dir()), "reference")
    yield from _write(reference.as_tables())


@dg.multi_asset(
    name="plan_sources", specs=_specs(PLAN_TABLES, REFERENCE_TABLES), check_specs=_checks(PLAN_TABLES)
)
def plan_sources(context: dg.AssetExecutionContext):
    """Plan targets and monitored indicators, checked against the reference tables."""
    plans = _load(lambda: load_plans(config.sources_dir(), _reference_from_warehouse()), "plan")
    yield from _write(plans.as_tables())


@dg.multi_asset(
    name="release_sources",
    specs=_specs(RELEASE_TABLES, REFERENCE_TABLES),
    check_specs=_checks(RELEASE_TABLES),
)
def release_sources(context: dg.AssetExecutionContext):
    """The release catalogue and every figure file, checked against the reference tables."""
    releases = _load(lambda: load_releases(config.sources_dir(), _reference_from_warehouse()), "release")
    yield from _write(releases.as_tables())
