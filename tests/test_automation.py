"""The sensor: one run per release added, changed or removed; a full rebuild when reference
data or plans change."""

import shutil

import dagster as dg

from pipelines.defs.automation.sensors import sources_changed_sensor
from pipelines.defs.ingest.partitions import RANGE_END, RANGE_START, RELEASES
from tests.sourcefiles import set_cell


def tick(instance, cursor):
    context = dg.build_sensor_context(cursor=cursor, instance=instance)
    result = sources_changed_sensor(context)
    if isinstance(result, dg.SensorResult):
        for request in result.dynamic_partitions_requests:  # as the daemon would
            instance.add_dynamic_partitions(RELEASES, list(request.partition_keys))
        return result, result.cursor
    return result, context.cursor


def test_sensor_requests_runs_for_what_changed(workspace):
    instance = dg.DagsterInstance.ephemeral()
    first, cursor = tick(instance, None)
    # first tick: every release registered and one full rebuild over all of them
    (full,) = first.run_requests
    registered = instance.get_dynamic_partitions(RELEASES)
    assert full.job_name == "build_warehouse" and len(registered) == 56
    assert (full.tags[RANGE_START], full.tags[RANGE_END]) == (registered[0], registered[-1])

    unchanged, same = tick(instance, cursor)
    assert isinstance(unchanged, dg.SkipReason) and same == cursor

    # a figure of one catalogued release changes: only that release is taken again
    set_cell(
        workspace.sources / "releases/figures/published_figures.csv",
        {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2021"},
        "note",
        "checked again",
    )
    changed, cursor = tick(instance, cursor)
    assert [(r.job_name, r.partition_key) for r in changed.run_requests] == [
        ("ingest_release", "sz-ip-conference-2022-04-27")
    ]

    # a new release package: registered as a partition and taken on its own
    package = workspace.sources / "releases" / "packages" / "synthetic-new-release"
    package.mkdir(parents=True)
    (package / "manifest.toml").write_text("# SYNTHETIC\n", encoding="utf-8")
    added, cursor = tick(instance, cursor)
    assert [(r.job_name, r.partition_key) for r in added.run_requests] == [
        ("ingest_release", "synthetic-new-release")
    ]
    assert "synthetic-new-release" in instance.get_dynamic_partitions(RELEASES)

    # removed: its partition runs once more, to take its rows out
    shutil.rmtree(package)
    removed, cursor = tick(instance, cursor)
    assert [(r.job_name, r.partition_key) for r in removed.run_requests] == [
        ("ingest_release", "synthetic-new-release")
    ]

    # reference data changed: everything is checked again
    set_cell(
        workspace.sources / "reference/regions.csv", {"region_code": "440305"}, "named_in", "seed 000; edited"
    )
    rebuilt, _ = tick(instance, cursor)
    assert [r.job_name for r in rebuilt.run_requests] == ["build_warehouse"]
