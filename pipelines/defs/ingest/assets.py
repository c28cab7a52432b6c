"""Ingest assets: one per source family, each reading, validating and writing raw tables.

- reference_sources and plan_sources: the whole family at once; a rule broken anywhere fails
  the asset with every bad row listed (file, line, column, value, rule) and writes nothing.
- release_catalogue: releases/releases.csv, checked against the compiled figure files.
- plan_documents: each plan's document (sources/documents/) read and passed through the target
  extractor; an unreadable document is recorded with its cause and fails a warning check, the
  rest of the run goes on.
- release_figures: one dynamic partition per release. A release that breaks a rule is
  quarantined (a report in warehouse/quarantine/) and fails its partition; its previous rows
  and every other release's rows stay as they were, and nothing is published.
"""

import dagster as dg
import polars as pl

from pipelines import config
from pipelines.defs.ingest.documents import load_documents
from pipelines.defs.ingest.partitions import release_partitions
from pipelines.defs.ingest.plans import load_plans
from pipelines.defs.ingest.reference import ReferenceTables, load_reference
from pipelines.defs.ingest.releases import (
    ensure_release_tables,
    load_catalogue,
    read_compiled_figures,
    take_releases,
)
from pipelines.extract.catalogue import Catalogue
from pipelines.lib import quarantine, warehouse
from pipelines.lib.errors import SourceError

GROUP = "ingest"
# Each release is written in its own transaction (write_release): a changed release after deleting
# the rows it had, a new one inserted, one the file holds exactly left as it is. DuckDB
# checkpoints whenever its write-ahead log passes 16 MB (its default), so after nearly every
# county release, and a checkpoint after a delete is dear. Here it checkpoints once per this much
# log, and when the step closes the file; each commit is durable in the log all the same.
# benchmarks/release_checkpoints.py, the step's loop on SYNTHETIC packages at scale 1 (38M
# figures; one run each, before releases the file holds exactly were left as they are): every
# release taken again into a file that holds them 232.5 s with 16 MB, 162.2 s with 1 GB; into an
# empty file 178.0 s and 189.3 s.
RELEASES_CHECKPOINT_THRESHOLD = "1GB"
REFERENCE_TABLES = ["regions", "units", "indicators", "indicator_aliases", "plans"]
PLAN_TABLES = ["targets", "monitored_indicators"]
RELEASE_FIGURE_TABLES = ["package_releases", "observations"]
DOCUMENT_TABLES = ["documents", "extracted_targets", "extracted_figures"]
VALIDATION_CHECK = "source_rules_hold"
DOCUMENTS_CHECK = "documents_readable"

DESCRIPTIONS = {
    "regions": "Regions from sources/reference/regions.csv (GB/T 2260 codes where they exist).",
    "units": "Units and their conversion to canonical units (sources/reference/units.csv).",
    "indicators": "The indicator catalogue (sources/reference/indicators.csv).",
    "indicator_aliases": "Labels under which publishers print catalogue indicators.",
    "plans": "Plan documents (sources/reference/plans.csv).",
    "targets": "Quantified plan targets, one file per plan (sources/plans/<plan_id>.csv).",
    "monitored_indicators": "Indicators plans name without a number (plans/monitored_indicators.csv).",
    "releases": "The release catalogue (sources/releases/releases.csv).",
    "package_releases": "Catalogue rows of release packages, from their manifests (a partition per release).",
    "observations": "Figures of each release, cells parsed, flags kept (one partition per release).",
    "documents": "Plan documents (sources/documents/<plan_id>.<ext>): format, digest, read or why not.",
    "extracted_targets": "Targets the extractor found in each plan document (the plan's and a past plan's).",
    "extracted_figures": "Values a document's review table reports for a past plan, as printed.",
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


def _issues_table(error: SourceError) -> dg.MetadataValue:
    return dg.MetadataValue.md(error.markdown_table())


def _failed_checks(tables: list[str], error: SourceError):
    """source_rules_hold, evaluated and failed, on every table an asset would have written."""
    for table in tables:
        yield dg.AssetCheckResult(
            asset_key=raw_key(table),
            check_name=VALIDATION_CHECK,
            passed=False,
            metadata={"issue_count": len(error.issues), "issues": _issues_table(error)},
        )


def _load(loader, family: str, tables: list[str]):
    """Run a family loader (use as `result = yield from _load(...)`). When its rules fail, the
    check source_rules_hold is emitted as failed, then the asset stops listing every issue."""
    try:
        return loader()
    except SourceError as error:
        yield from _failed_checks(tables, error)
        raise dg.Failure(
            description=f"The {family} sources break validation rules:\n{error}",
            metadata={"issue_count": len(error.issues), "issues": _issues_table(error)},
        ) from error


def _write(tables: dict[str, pl.DataFrame]):
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
    reference = yield from _load(lambda: load_reference(config.sources_dir()), "reference", REFERENCE_TABLES)
    yield from _write(reference.as_tables())


@dg.multi_asset(
    name="plan_sources", specs=_specs(PLAN_TABLES, REFERENCE_TABLES), check_specs=_checks(PLAN_TABLES)
)
def plan_sources(context: dg.AssetExecutionContext):
    """Plan targets and monitored indicators, checked against the reference tables."""
    plans = yield from _load(
        lambda: load_plans(config.sources_dir(), _reference_from_warehouse()), "plan", PLAN_TABLES
    )
    yield from _write(plans.as_tables())


@dg.multi_asset(
    name="plan_documents",
    specs=_specs(DOCUMENT_TABLES, REFERENCE_TABLES),
    check_specs=[
        dg.AssetCheckSpec(
            DOCUMENTS_CHECK,
            asset=raw_key("documents"),
            blocking=False,
            description="Every document under sources/documents/ could be read (a warning, not a stop).",
        )
    ],
)
def plan_documents(context: dg.AssetExecutionContext):
    """Each plan's document, read and passed through the target extractor (pipelines/extract)."""
    reference = _reference_from_warehouse()
    catalogue = Catalogue(
        reference.indicators, reference.indicator_aliases, reference.units, reference.regions, reference.plans
    )
    tables = load_documents(config.sources_dir(), catalogue)
    warehouse.replace_tables(config.build_db_path(), config.RAW_SCHEMA, tables.as_tables())
    unreadable = tables.documents.filter(pl.col("status") != "read")
    for row in unreadable.iter_rows(named=True):
        context.log.warning(f"{row['source_file']}: {row['error_cause']}. {row['what_to_do']}")
    for name, frame in tables.as_tables().items():
        yield dg.MaterializeResult(asset_key=raw_key(name), metadata={"dagster/row_count": frame.height})
    yield dg.AssetCheckResult(
        asset_key=raw_key("documents"),
        check_name=DOCUMENTS_CHECK,
        passed=unreadable.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "documents": tables.documents.height,
            "unreadable": "; ".join(
                f"{r['source_file']}: {r['error_cause']}" for r in unreadable.iter_rows(named=True)
            ),
        },
    )


@dg.multi_asset(name="release_catalogue", specs=_specs(["releases"]), check_specs=_checks(["releases"]))
def release_catalogue(context: dg.AssetExecutionContext):
    """The release catalogue; also makes sure the per-release tables exist before any partition."""
    catalogue = yield from _load(
        lambda: load_catalogue(config.sources_dir()), "release catalogue", ["releases"]
    )
    ensure_release_tables(config.build_db_path())
    yield from _write({"releases": catalogue})


@dg.multi_asset(
    name="release_figures",
    specs=_specs(RELEASE_FIGURE_TABLES, [*REFERENCE_TABLES, "releases"]),
    check_specs=_checks(RELEASE_FIGURE_TABLES),
    partitions_def=release_partitions,
    # one run can take every release (make run); the sensor starts one run per release
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def release_figures(context: dg.AssetExecutionContext):
    """The figures of each release in the run's partitions, each release replaced on its own."""
    sources, build = config.sources_dir(), config.build_db_path()
    reference = _reference_from_warehouse()
    catalogue = warehouse.read_tables(build, config.RAW_SCHEMA, ["releases"])["releases"]
    compiled = read_compiled_figures(sources)
    rows_taken, rows_written, unchanged, removed, rejected = 0, 0, 0, [], {}
    con = warehouse.connect_build(build, checkpoint_threshold=RELEASES_CHECKPOINT_THRESHOLD)
    try:
        taken = take_releases(con, sources, reference, catalogue, context.partition_keys, compiled)
        for release_id, figures, written in taken:
            if isinstance(figures, SourceError):
                rejected[release_id] = (figures, quarantine.quarantine(release_id, figures))
                context.log.error(f"release {release_id} quarantined: {quarantine.report_path(release_id)}")
                continue
            if written:
                rows_written += figures.observations.height
            else:
                unchanged += 1
            quarantine.release(release_id)
            rows_taken += figures.observations.height
            if not figures.exists:
                removed.append(release_id)
    finally:
        con.close()
    if rejected:
        combined = SourceError([i for error, _ in rejected.values() for i in error.issues])
        yield from _failed_checks(RELEASE_FIGURE_TABLES, combined)
        raise dg.Failure(
            description=(
                f"{len(rejected)} release(s) quarantined: {', '.join(rejected)}. Reports: "
                + ", ".join(str(path) for _, path in rejected.values())
                + f"\n{combined}"
            ),
            metadata={"quarantined": ", ".join(rejected), "issues": _issues_table(combined)},
        )
    for table in RELEASE_FIGURE_TABLES:
        yield dg.MaterializeResult(
            asset_key=raw_key(table),
            metadata={
                "releases": len(context.partition_keys),
                "releases_unchanged": unchanged,
                "figures_taken": rows_taken,
                "figures_written": rows_written,
                "releases_removed": ", ".join(removed),
            },
        )
        yield dg.AssetCheckResult(asset_key=raw_key(table), check_name=VALIDATION_CHECK, passed=True)
