"""The daily schedule: a run of build_warehouse over every release partition that succeeds, and
no run while nothing changed since the last build."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.ingest.partitions import RANGE_END, RANGE_START, RELEASES
from pipelines.defs.ingest.releases import release_ids
from pipelines.lib import last_build
from tests.conftest import QUIET

pytestmark = pytest.mark.slow


def test_the_daily_build_runs_every_release_and_skips_while_nothing_changed(workspace):
    from pipelines.definitions import defs

    schedule = defs.resolve_schedule_def("daily_build")
    with dg.instance_for_test() as instance:  # the schedule's context needs a persistent instance

        def tick() -> dg.ScheduleExecutionData:
            return schedule.evaluate_tick(dg.build_schedule_context(instance=instance))

        [request] = tick().run_requests
        keys = list(instance.get_dynamic_partitions(RELEASES))
        assert set(keys) == set(release_ids(workspace.sources))  # new releases registered first
        assert (request.tags[RANGE_START], request.tags[RANGE_END]) == (keys[0], keys[-1])
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=instance, raise_on_error=False, run_config=QUIET, tags=request.tags
        )
        assert result.success
        assert last_build.LastBuild.read().run_id == result.run_id

        skipped = tick()
        assert not skipped.run_requests
        assert f"nothing changed since the last build (run {result.run_id}" in skipped.skip_message

        plan = workspace.sources / "plans" / "sz-ip-14fyp.csv"
        plan.write_bytes(plan.read_bytes() + b"\n")
        assert len(tick().run_requests) == 1
