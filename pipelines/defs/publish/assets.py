"""Publishing: the built warehouse replaces the published file atomically, once everything passed."""

import dagster as dg

from pipelines import config
from pipelines.defs.transform.assets import planwatch_dbt_models
from pipelines.lib import warehouse

PUBLISHED_KEY = dg.AssetKey(["warehouse", "planwatch"])


@dg.asset(key=PUBLISHED_KEY, deps=[planwatch_dbt_models], group_name="publish", kinds={"duckdb"})
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """warehouse/planwatch.duckdb: the file readers and BI tools open (DuckDB 1.5 compatible).

    Runs only when every upstream asset and blocking check succeeded, so a failed run leaves
    the previous warehouse in place, readable and unchanged.
    """
    build, published = config.build_db_path(), config.published_db_path()
    warehouse.publish(build, published)
    counts = warehouse.table_row_counts(published)
    context.log.info(f"published {published}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published)),
            "size_bytes": published.stat().st_size,
            **{f"rows/{table}": n for table, n in counts.items()},
        }
    )
