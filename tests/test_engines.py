"""The same dbt project on DuckDB and on Spark gives the same warehouse (make run ENGINE=spark).

Both builds are real Dagster runs of the shipped sources; the Spark one runs dbt-spark's local
session (pyspark, Java 17). Every public table of the two published warehouses is compared row
by row: same tables, columns, types, comments and rows, DOUBLE columns equal to a relative
tolerance of FLOAT_REL_TOL (the engines may sum and divide in another order, nothing more).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from tests.conftest import Workspace, _enter, _leave, copy_dbt_project

pytestmark = [pytest.mark.slow, pytest.mark.spark]

# Two engines computing the same double in a different order differ in the last bits only.
FLOAT_REL_TOL = 1e-9
FLOAT_ABS_TOL = 1e-12


@pytest.fixture(scope="module")
def built_on_spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The shipped sources built with ENGINE=spark by a real Dagster run.

    The engine is set for that build only: left set, it made the next build in this process,
    the DuckDB warehouse `built` it is compared with, a second Spark build."""
    ws, saved = _enter(tmp_path_factory.mktemp("spark"))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PLANWATCH_ENGINE", "spark")
            result = ws.build()
        assert result.success, "the Spark build of the shipped sources failed"
        yield ws
    finally:
        _leave(saved)


def public_tables(ws: Workspace) -> dict[str, list[tuple[str, str, str | None]]]:
    """Each table of schema main: its columns as (name, type, comment), in order."""
    tables: dict[str, list] = {}
    for table, column, data_type, comment in ws.query(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'main' "
        "order by table_name, column_index"
    ):
        tables.setdefault(table, []).append((column, data_type, comment))
    return tables


def table_comments(ws: Workspace) -> dict[str, str | None]:
    return dict(
        ws.query(
            "select table_name, comment from duckdb_tables() "
            "where database_name = current_database() and schema_name = 'main'"
        )
    )


def sorted_rows(ws: Workspace, table: str, columns: list[tuple[str, str, str | None]]) -> list[tuple]:
    """Every row, ordered by the exact columns first, so that float noise cannot reorder rows."""
    exact = [f'"{name}"' for name, data_type, _ in columns if data_type != "DOUBLE"]
    floats = [f'"{name}"' for name, data_type, _ in columns if data_type == "DOUBLE"]
    order = ", ".join(f"{c} nulls first" for c in exact + floats)
    return ws.query(f'select * from main."{table}" order by {order}')


def same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=FLOAT_REL_TOL, abs_tol=FLOAT_ABS_TOL) or (
            math.isnan(a) and math.isnan(b)
        )
    return a == b


def row_differences(table: str, names: list[str], left: list[tuple], right: list[tuple]) -> list[str]:
    """The first few rows that differ, column by column, readable in a failure message."""
    found = []
    for number, (a, b) in enumerate(zip(left, right, strict=True), start=1):
        cells = [
            f"{n}: duckdb {x!r} / spark {y!r}"
            for n, x, y in zip(names, a, b, strict=True)
            if not same_value(x, y)
        ]
        if cells:
            found.append(f"{table} row {number}: " + "; ".join(cells))
        if len(found) == 5:
            break
    return found


def test_spark_builds_every_model_on_spark(built_on_spark: Workspace) -> None:
    """The marts came from Spark's own Parquet tables, not from a DuckDB build."""
    spark_main = built_on_spark.warehouse / "build" / "spark" / "warehouse" / "main.db"
    built = {p.name for p in spark_main.iterdir() if any(p.glob("*.parquet"))}
    published = set(public_tables(built_on_spark))
    assert published == built
    raw = built_on_spark.warehouse / "build" / "spark" / "raw"
    assert (raw / "observations" / "part-0.parquet").exists()
    exports = {p.stem for p in (built_on_spark.warehouse / "parquet").glob("*.parquet")}
    assert exports == {t for t in published if t.startswith(("dim_", "fct_", "mart_"))}


def test_every_public_table_is_the_same_on_both_engines(built: Workspace, built_on_spark: Workspace) -> None:
    assert not (built.warehouse / "build" / "spark").exists()  # two engines, not Spark twice
    duck, spark = public_tables(built), public_tables(built_on_spark)
    assert sorted(spark) == sorted(duck)
    assert table_comments(built_on_spark) == table_comments(built)
    problems = []
    for table, columns in duck.items():
        if spark[table] != columns:
            problems.append(f"{table}: columns differ\n  duckdb {columns}\n  spark  {spark[table]}")
            continue
        left = sorted_rows(built, table, columns)
        right = sorted_rows(built_on_spark, table, columns)
        if len(left) != len(right):
            problems.append(f"{table}: {len(left)} rows on duckdb, {len(right)} on spark")
            continue
        problems += row_differences(table, [c[0] for c in columns], left, right)
    assert not problems, "\n".join(problems)


def test_every_target_has_the_same_status_and_history(built: Workspace, built_on_spark: Workspace) -> None:
    history = (
        "select target_id, as_of_date, status, provisional, attainment_ratio, pace_ratio "
        "from mart_attainment_history order by target_id, as_of_date"
    )
    statuses = "select target_id, status, status_zh from mart_target_attainment order by target_id"
    duck_status, spark_status = built.query(statuses), built_on_spark.query(statuses)
    assert len(duck_status) == 63  # every curated target of the shipped plans
    assert spark_status == duck_status
    duck_history, spark_history = built.query(history), built_on_spark.query(history)
    assert len(duck_history) > len(duck_status)  # targets assessed at several dates
    assert [r[:4] for r in spark_history] == [r[:4] for r in duck_history]
    for a, b in zip(duck_history, spark_history, strict=True):
        assert all(same_value(x, y) for x, y in zip(a[4:], b[4:], strict=True)), (a, b)


def test_a_seed_cell_left_empty_is_null_on_spark(built_on_spark: Workspace, tmp_path: Path) -> None:
    """dbt-spark's session seeds write an empty cell as 'None'; macros/load_csv_rows.sql fixes it."""
    project = copy_dbt_project(tmp_path / "project")
    (project / "seeds" / "engine_probe.csv").write_text(
        'code,label,amount\na,"it\'s, quoted",1.5\nb,,\nc,back\\slash %s,2\n', encoding="utf-8"
    )
    warehouse = tmp_path / "spark-warehouse"
    warehouse.mkdir()
    env = {
        **os.environ,
        "PLANWATCH_SPARK_RAW": str(built_on_spark.warehouse / "build" / "spark" / "raw"),
        "PLANWATCH_SPARK_WAREHOUSE": str(warehouse),
    }
    dbt = Path(sys.executable).parent / "dbt"
    done = subprocess.run(
        [str(dbt), "seed", "--select", "engine_probe", "--target", "spark", "--profiles-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    probe = warehouse / "main.db" / "engine_probe"
    rows = duckdb.sql(
        f"select code, label, amount from read_parquet('{probe}/*.parquet') order by 1"
    ).fetchall()
    assert rows == [("a", "it's, quoted", 1.5), ("b", None, None), ("c", "back\\slash %s", 2.0)]


def test_spark_without_java_says_what_to_install(workspace: Workspace) -> None:
    """`make run ENGINE=spark` on a machine without Java stops at once with the cause and the fix."""
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)  # this environment's tools, no java
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.run", "--engine", "spark"],
        cwd=config.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Java 17" in done.stderr and "openjdk-17-jre-headless" in done.stderr
    assert not workspace.published.exists() and not (workspace.warehouse / "build").exists()
