"""A daily rebuild, so published figures added by hand are picked up even without the sensor."""

import dagster as dg

from pipelines.defs.automation.jobs import build_warehouse_job

daily_build_schedule = dg.ScheduleDefinition(
    name="daily_build",
    job=build_warehouse_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
