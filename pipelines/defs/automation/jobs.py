"""Jobs: rebuild everything, or take one release and rebuild what depends on it."""

import dagster as dg

from pipelines import config
from pipelines.defs.ingest.assets import release_catalogue, release_figures
from pipelines.defs.transform.assets import INCREMENTAL_JOB, planwatch_dbt_models

build_warehouse_job = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Ingest every source family and every release, build the dbt models, publish the warehouse. "
    "Run it over all release partitions (make run does; see pipelines/defs/ingest/partitions.py).",
    # The multiprocess executor re-imports the code per step (~7 s each on 2 cores).
    executor_def=dg.in_process_executor,
)


def release_selection(engine: str) -> dg.AssetSelection:
    """One release and what depends on it. On Spark every dbt model too: each dbt run there
    starts from an empty catalog (profiles.yml), so a model it does not rebuild is not there."""
    selection = (
        dg.AssetSelection.assets(release_catalogue) | dg.AssetSelection.assets(release_figures).downstream()
    )
    if engine == "spark":
        selection |= dg.AssetSelection.assets(planwatch_dbt_models)
    return selection


# The engine is the code location's: set PLANWATCH_ENGINE before it loads (make run --engine does).
ingest_release_job = dg.define_asset_job(
    name=INCREMENTAL_JOB,
    selection=release_selection(config.engine()),
    description="Take one release (a partition) and rebuild only what depends on it; other releases' "
    "rows are not recomputed.",
    executor_def=dg.in_process_executor,
)
