"""A daily rebuild, so published figures added by hand are picked up even without the sensor.

Like `make run`, it builds every release partition (registering the new ones first), and builds
nothing when nothing changed since the last build (pipelines/lib/last_build.py).
"""

import dagster as dg

from pipelines import config
from pipelines.defs.automation.jobs import build_warehouse_job
from pipelines.defs.ingest.partitions import all_partitions_tags, register_releases
from pipelines.lib import last_build


@dg.schedule(
    name="daily_build",
    job=build_warehouse_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_build_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """A run of build_warehouse over every release, unless the last build is current."""
    inputs, current = last_build.up_to_date()
    if current:
        return dg.SkipReason(
            f"nothing changed since the last build (run {current.run_id}, finished {current.finished_at})"
        )
    keys = register_releases(context.instance, config.sources_dir())
    return dg.RunRequest(tags={**all_partitions_tags(keys), last_build.INPUTS_TAG: inputs.digest})
