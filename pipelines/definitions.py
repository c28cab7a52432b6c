"""The Dagster entry point: every asset, check, job, schedule and sensor of planwatch."""

import dagster as dg

from pipelines.defs.automation.jobs import build_warehouse_job, ingest_release_job
from pipelines.defs.automation.schedules import daily_build_schedule
from pipelines.defs.automation.sensors import sources_changed_sensor
from pipelines.defs.ingest.assets import (
    plan_documents,
    plan_sources,
    reference_sources,
    release_catalogue,
    release_figures,
)
from pipelines.defs.publish.assets import attainment_report, published_warehouse
from pipelines.defs.transform.assets import planwatch_dbt_models
from pipelines.defs.transform.dbt_cli import dbt_resource
from pipelines.defs.transform.project import planwatch_dbt_project

defs = dg.Definitions(
    assets=[
        reference_sources,
        plan_sources,
        plan_documents,
        release_catalogue,
        release_figures,
        planwatch_dbt_models,
        attainment_report,
        published_warehouse,
    ],
    jobs=[build_warehouse_job, ingest_release_job],
    schedules=[daily_build_schedule],
    sensors=[sources_changed_sensor],
    resources={"dbt": dbt_resource(planwatch_dbt_project)},
)
