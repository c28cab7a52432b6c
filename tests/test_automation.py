"""The sensor requests a run when a file under sources/ is added, changed or removed."""

import dagster as dg

from pipelines.defs.automation.sensors import sources_changed_sensor


def tick(cursor):
    context = dg.build_sensor_context(cursor=cursor)
    return sources_changed_sensor(context), context.cursor


def test_sensor_requests_a_run_per_distinct_state_of_sources(workspace):
    first, cursor = tick(None)
    assert isinstance(first, dg.RunRequest) and first.run_key == cursor

    unchanged, same = tick(cursor)
    assert isinstance(unchanged, dg.SkipReason) and same == cursor

    new_release = workspace.sources / "releases" / "figures" / "new_release.csv"
    new_release.write_text("region,indicator,year,value,unit,note,source\n", encoding="utf-8")
    added, after_add = tick(cursor)
    assert isinstance(added, dg.RunRequest) and after_add != cursor

    new_release.write_text("region,indicator,year,value,unit,note,source\n\n", encoding="utf-8")
    changed, after_change = tick(after_add)
    assert isinstance(changed, dg.RunRequest) and after_change != after_add

    new_release.unlink()
    removed, _ = tick(after_change)
    assert isinstance(removed, dg.RunRequest) and removed.run_key == cursor  # back to the first state
