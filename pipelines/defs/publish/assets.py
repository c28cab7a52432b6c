"""Publishing: the report is built from the marts; then the database, Parquet exports of the
dims, facts and marts, the dbt docs and the report are published together, in one switch."""

import dagster as dg

from pipelines import config
from pipelines.defs.transform.assets import planwatch_dbt_models
from pipelines.lib import last_build, warehouse
from pipelines.lib.report import build_report

PUBLISHED_KEY = dg.AssetKey(["warehouse", "planwatch"])
REPORT_KEY = dg.AssetKey(["warehouse", "report"])


@dg.asset(key=REPORT_KEY, deps=[planwatch_dbt_models], group_name="publish", kinds={"html"})
def attainment_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """report/index.html: a scorecard per plan and a chart per target; offline, no server."""
    counts = build_report(config.build_db_path(), config.build_exports_dir() / "report")
    return dg.MaterializeResult(metadata=counts)


@dg.asset(
    key=PUBLISHED_KEY,
    deps=[planwatch_dbt_models, attainment_report],
    group_name="publish",
    kinds={"duckdb", "parquet"},
)
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """warehouse/planwatch.duckdb (DuckDB 1.5 compatible) and, beside it, parquet/, docs/, report/.

    Runs only when every upstream asset and blocking check succeeded, so a failed run leaves
    the previous warehouse in place, readable and unchanged.
    """
    build, published = config.build_db_path(), config.published_db_path()
    exported = warehouse.publish(build, config.build_exports_dir(), config.warehouse_dir())
    counts = warehouse.table_row_counts(published)
    context.log.info(f"published {published}")
    started_with = context.run.tags.get(last_build.INPUTS_TAG)  # make run and the daily schedule
    if started_with and not last_build.remember(started_with, context.run_id):
        context.log.warning(
            "a source changed during the run: the next make run or scheduled tick builds again"
        )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published)),
            "size_bytes": published.stat().st_size,
            "exports": dg.MetadataValue.path(str(exported)),
            **{f"rows/{table}": n for table, n in counts.items()},
        }
    )
