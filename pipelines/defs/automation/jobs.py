"""Jobs: rebuild everything, or take one release and rebuild what depends on it."""

import dagster as dg

from pipelines.defs.ingest.assets import release_catalogue, release_figures

build_warehouse_job = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Ingest every source family and every release, build the dbt models, publish the warehouse. "
    "Run it over all release partitions (make run does; see pipelines/defs/ingest/partitions.py).",
    # The multiprocess executor re-imports the code per step (~7 s each on 2 cores).
    executor_def=dg.in_process_executor,
)

ingest_release_job = dg.define_asset_job(
    name="ingest_release",
    selection=dg.AssetSelection.assets(release_catalogue)
    | dg.AssetSelection.assets(release_figures).downstream(),
    description="Take one release (a partition) and rebuild only what depends on it; other releases' "
    "rows are not recomputed.",
    executor_def=dg.in_process_executor,
)
