"""The record of the last good build (pipelines/lib/last_build.py): what counts as a change of
the inputs, and when the recorded build is no longer the current warehouse."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipelines import config
from pipelines.lib import last_build


def test_the_inputs_change_with_a_byte_or_a_setting_and_not_with_a_touch(workspace, monkeypatch):
    plan = workspace.sources / "plans" / "sz-ip-14fyp.csv"
    first = last_build.read_inputs()
    assert str(plan) in first.files
    code = [Path(path) for path in first.files if path.startswith(str(config.REPO_ROOT / "dbt"))]
    assert code and not any(set(path.parts) & last_build.NOT_CODE for path in code)
    assert any(path.startswith(str(config.seeds_dir())) for path in first.files)
    assert any(path.endswith("fct_observation.sql") for path in first.files)
    assert last_build.read_inputs(first.files).digest == first.digest

    stat = plan.stat()
    os.utime(plan, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched, same bytes
    touched = last_build.read_inputs(first.files)
    assert touched.digest == first.digest
    assert touched.files[str(plan)][1] == stat.st_mtime_ns + 10**9  # its new time is recorded

    original = plan.read_bytes()
    plan.write_bytes(original + b"\n")
    assert last_build.read_inputs(touched.files).digest != first.digest
    plan.write_bytes(original)
    assert last_build.read_inputs(touched.files).digest == first.digest  # compared by content

    # where a run writes is no input: a run sets the paths it derives as it starts (config.export_paths)
    monkeypatch.setenv("PLANWATCH_SPARK_RAW", "/elsewhere/raw")
    monkeypatch.setenv("PLANWATCH_BUILD_DB", "/elsewhere/planwatch.duckdb")
    assert last_build.read_inputs(touched.files).digest == first.digest
    monkeypatch.setenv("PLANWATCH_DUCKDB_MEMORY_LIMIT", "4GB")
    assert last_build.read_inputs(touched.files).digest != first.digest
    monkeypatch.setenv("PLANWATCH_ENGINE", "spark")
    monkeypatch.delenv("PLANWATCH_DUCKDB_MEMORY_LIMIT")
    assert last_build.read_inputs(touched.files).digest != first.digest


def test_a_file_whose_size_and_time_are_as_recorded_is_not_read_again(workspace):
    plan = workspace.sources / "plans" / "sz-ip-14fyp.csv"
    first = last_build.read_inputs()
    size, mtime, _ = first.files[str(plan)]
    known = {**first.files, str(plan): (size, mtime, "digest-as-recorded")}
    assert last_build.read_inputs(known).files[str(plan)][2] == "digest-as-recorded"


def _publish(root: Path, number: str) -> None:
    """The layout warehouse.publish leaves: a numbered publication and links through `current`."""
    publication = root / "exports" / number
    if not publication.exists():
        (publication / "report").mkdir(parents=True)
        (publication / "docs").mkdir()
        (publication / "parquet").mkdir()
        (publication / "report" / "index.html").write_text(f"report {number}")
        (publication / "planwatch.duckdb").write_text(f"database {number}")
    current = root / "current.new"
    current.symlink_to(Path("exports") / number)
    os.replace(current, root / "current")
    for name in ("planwatch.duckdb", "report", "docs", "parquet"):
        if not (root / name).is_symlink():
            (root / name).symlink_to(Path("current") / name)


def test_the_last_build_is_current_only_while_its_publication_is(workspace):
    root = workspace.warehouse
    config.build_db_path().parent.mkdir(parents=True)
    config.build_db_path().write_text("build")
    _publish(root, "000001")
    inputs = last_build.read_inputs()
    assert last_build.remember(inputs.digest, "run-1")
    assert last_build.up_to_date()[1].run_id == "run-1"

    _publish(root, "000002")  # another job published since
    assert last_build.up_to_date()[1] is None
    _publish(root, "000001")  # and back
    assert last_build.up_to_date()[1] is not None
    (root / "exports" / "000001" / "report" / "index.html").unlink()
    assert last_build.up_to_date()[1] is None
    (root / "exports" / "000001" / "report" / "index.html").write_text("report 000001")
    assert last_build.up_to_date()[1] is None  # its time moved: the file is not the one published
    assert last_build.remember(inputs.digest, "run-2")
    assert last_build.up_to_date()[1].run_id == "run-2"
    config.build_db_path().write_text("build, changed")  # a run wrote into the build file, published nothing
    assert last_build.up_to_date()[1] is None

    assert last_build.remember(inputs.digest, "run-3")
    record = json.loads(last_build.record_path().read_text())
    record["built_on"] = "2999-01-01"  # the clock was set back since
    last_build.record_path().write_text(json.dumps(record))
    assert last_build.up_to_date()[1] is None
    last_build.record_path().write_text("{not json")
    assert last_build.up_to_date()[1] is None


def test_a_run_during_which_a_source_changed_is_not_recorded(workspace):
    config.build_db_path().parent.mkdir(parents=True)
    config.build_db_path().write_text("build")
    _publish(workspace.warehouse, "000001")
    started_with = last_build.read_inputs().digest
    assert last_build.remember(started_with, "run-1")
    plan = workspace.sources / "plans" / "sz-ip-14fyp.csv"
    plan.write_bytes(plan.read_bytes() + b"\n")  # while the next run builds
    _publish(workspace.warehouse, "000002")
    assert not last_build.remember(started_with, "run-2")
    assert last_build.LastBuild.read() is None
    assert last_build.up_to_date()[1] is None
