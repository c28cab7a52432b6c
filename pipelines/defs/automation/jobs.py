"""The one job: rebuild the whole warehouse from sources/ and publish it."""

import dagster as dg

build_warehouse_job = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Ingest every source family, build the dbt models, publish warehouse/planwatch.duckdb.",
    # The multiprocess executor re-imports the code per step (~7 s each on 2 cores).
    executor_def=dg.in_process_executor,
)
