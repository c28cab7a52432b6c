"""What `make run` (python -m pipelines.run) prints when it cannot build, run as a real process:
the cause, the file and what to do; a second build waits for the first instead of failing; and
a run with nothing changed since the last build builds nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest

from pipelines import config
from pipelines.lib.run_lock import build_lock
from tests.sourcefiles import set_cell


def run_env(workspace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # an ephemeral instance
    env.update(
        PLANWATCH_SOURCES_DIR=str(workspace.sources),
        PLANWATCH_WAREHOUSE_DIR=str(workspace.warehouse),
        PLANWATCH_BUILD_DB=str(workspace.warehouse / "build" / "planwatch.duckdb"),
    )
    return env


def make_run(workspace, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.run"],
        env=run_env(workspace),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_bad_source_file_is_explained_in_the_output(workspace):
    line = set_cell(
        workspace.sources / "plans" / "sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "region_code",
        "999999",
    )
    done = make_run(workspace)
    assert done.returncode == 1
    assert f"sources/plans/sz-ip-14fyp.csv, line {line}, column region_code" in done.stderr
    assert "must be a region_code in reference/regions.csv" in done.stderr
    assert "DagsterExecutionStepExecutionError" not in done.stderr
    assert "FAILED" in done.stdout and "The published warehouse was not changed" in done.stdout


def test_a_database_held_by_another_process_is_explained(workspace):
    build = workspace.warehouse / "build" / "planwatch.duckdb"
    build.parent.mkdir(parents=True)
    holder = duckdb.connect(str(build))  # as a stray client or another run would
    try:
        done = make_run(workspace)
    finally:
        holder.close()
    assert done.returncode == 1
    assert "lock" in done.stderr.lower()
    assert "What to do: Another process holds the build database open" in done.stderr


def test_a_second_build_waits_for_the_first_and_says_so(workspace):
    lock = workspace.warehouse / "build" / "run.lock"
    first_log = workspace.warehouse / "build" / "logs" / "first.log"
    with build_lock(lock, first_log, say=lambda *a, **k: None):
        second = subprocess.Popen(
            [sys.executable, "-m", "pipelines.run"],
            env=run_env(workspace),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            seen, deadline = "", time.monotonic() + 60
            while "waiting" not in seen and time.monotonic() < deadline:
                seen += second.stdout.readline()
            assert f"another build is running (pid {os.getpid()}" in seen
            assert str(first_log) in seen  # each run its own log: the waiting one names the other's
            time.sleep(1)
            assert second.poll() is None  # still waiting, not failed
        finally:
            second.kill()
            second.wait()


@pytest.mark.slow
def test_a_run_with_nothing_changed_builds_nothing_and_a_changed_source_builds(workspace):
    built = make_run(workspace)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "Built and published in" in built.stdout
    publication = workspace.published.resolve()
    published = publication.stat()
    plan = workspace.sources / "plans" / "sz-ip-14fyp.csv"
    os.utime(plan)  # touched, its bytes unchanged

    again = make_run(workspace)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "nothing to build" in again.stdout and "Up to date" in again.stdout
    assert " step " not in again.stdout  # no Dagster run
    assert workspace.published.resolve() == publication
    now = publication.stat()
    assert (now.st_mtime_ns, now.st_ino) == (published.st_mtime_ns, published.st_ino)
    tables = built.stdout[built.stdout.index("Public tables") :]
    assert again.stdout[again.stdout.index("Public tables") :] == tables  # the same summary

    forced = subprocess.run(
        [sys.executable, "-m", "pipelines.run", "--rebuild"],
        env=run_env(workspace),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert forced.returncode == 0 and "Built and published in" in forced.stdout
    assert workspace.published.resolve() != publication

    line = set_cell(plan, {"target_id": "sz-ip-14fyp-07"}, "region_code", "999999")
    changed = make_run(workspace)
    assert changed.returncode == 1  # it built, and the changed file failed validation
    assert f"sources/plans/sz-ip-14fyp.csv, line {line}, column region_code" in changed.stderr


def test_as_of_builds_beside_the_current_warehouse_and_dates_undated_releases(workspace):
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.run", "--as-of", "2023-06-30"],
        env=run_env(workspace),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "as known on 2023-06-30" in done.stdout
    # progress counts the data tests as they pass, so the testing after the last model is not silent
    counted = [int(n) for n in re.findall(r"\] data tests and checks: (\d+) passed", done.stdout)]
    manifest = json.loads((config.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    dbt_data_tests = sum(node["resource_type"] == "test" for node in manifest["nodes"].values())
    assert counted and counted == sorted(counted) and counted[-1] >= dbt_data_tests > 0
    as_of = workspace.warehouse / "as-of" / "2023-06-30" / "planwatch.duckdb"
    assert as_of.exists() and not workspace.published.exists()  # beside it, not over it
    con = duckdb.connect(str(as_of), read_only=True)
    try:
        assert con.execute("select distinct as_of_date from mart_target_attainment").fetchall() == [
            (date(2023, 6, 30),)
        ]
        assert con.execute("select max(latest_known_on) from mart_attainment_history").fetchone()[0] <= date(
            2023, 6, 30
        )
        # an undated release never counts before the period it reports on has ended
        undated = dict(
            con.execute(
                "select period_year >= 2023, count(*) from intermediate.int_observations_dated "
                "where is_undated_release group by all"
            ).fetchall()
        )
        assert undated.get(True, 0) == 0 and undated[False] > 0
    finally:
        con.close()
