"""The hand-over between the DuckDB build file and dbt on Spark (make run ENGINE=spark).

Ingest validates and writes the raw tables into the build file as for DuckDB; before dbt runs,
`export_raw` writes each raw table as Parquet, where the dbt project's on-run-start hook
(macros/register_raw.sql) declares it in Spark's catalog. dbt then builds every model as a
Parquet table under the Spark warehouse folder, and `import_public_tables` loads the public
layer (schema main) back into the build file, so that the report and the publish step (the
DuckDB file for BI tools and the Parquet exports) are the same whichever engine built them.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pipelines.config import RAW_SCHEMA
from pipelines.lib.warehouse import connect_build

INSTALL_JAVA = (
    "ENGINE=spark runs Spark in a local JVM and needs Java 17 or later, which was not found (no "
    "JAVA_HOME, no `java` on PATH). Install it (Debian/Ubuntu: apt-get install "
    "openjdk-17-jre-headless) or set JAVA_HOME, then run again; `make run` without ENGINE uses "
    "DuckDB and needs no Java."
)


class SparkSetupError(RuntimeError):
    """Spark cannot start here: the cause and what to do."""


def require_java() -> None:
    """Fail before dbt starts when there is no JVM for pyspark to launch."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return
    if shutil.which("java"):
        return
    raise SparkSetupError(INSTALL_JAVA)


def export_raw(build_db: Path, raw_dir: Path) -> dict[str, int]:
    """Write every table of schema raw as raw_dir/<table>/part-0.parquet; return row counts.

    The folder is emptied first, so a table dropped from the build file is not left behind.
    """
    fresh_folder(raw_dir)
    con = connect_build(build_db)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? order by 1", [RAW_SCHEMA]
            ).fetchall()
        ]
        counts = {}
        for table in tables:
            (raw_dir / table).mkdir()
            target = raw_dir / table / "part-0.parquet"
            # COPY answers with the number of rows it wrote: no second scan to count them
            counts[table] = con.execute(
                f"copy {RAW_SCHEMA}.{table} to '{target}' (format parquet)"
            ).fetchone()[0]
        return counts
    finally:
        con.close()


def fresh_folder(path: Path) -> None:
    """An empty folder: Spark refuses to create a managed table where files already are."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def import_public_tables(spark_warehouse: Path, build_db: Path, manifest_path: Path) -> dict[str, int]:
    """Replace the build file's schema main by the tables Spark built there, in one transaction.

    Spark writes a table of database main as Parquet files under <warehouse>/main.db/<table>/.
    The staging and intermediate layers stay in Spark's folder; the build file's own copies
    (from an earlier DuckDB build) are dropped so that nothing stale is published. The table
    and column descriptions dbt persists as comments on DuckDB are set from the manifest, as
    BI tools show them.
    """
    built = sorted(p for p in (spark_warehouse / "main.db").iterdir() if p.is_dir())
    if not built:
        raise SparkSetupError(f"dbt on Spark wrote no tables under {spark_warehouse / 'main.db'}")
    comments = _descriptions(manifest_path)
    con = connect_build(build_db)
    try:
        con.execute("begin transaction")
        for schema in ("staging", "intermediate"):
            con.execute(f"drop schema if exists {schema} cascade")
        for kind, name in con.execute(
            "select 'view', view_name from duckdb_views() where schema_name = 'main' and not internal "
            "union all select 'table', table_name from duckdb_tables() where schema_name = 'main'"
        ).fetchall():
            con.execute(f'drop {kind} if exists main."{name}"')
        counts = {}
        for folder in built:
            name = folder.name
            create = f"create table main.{name} as select * from read_parquet('{folder}/*.parquet')"
            counts[name] = con.execute(create).fetchone()[0]  # the rows it created
            table_comment, column_comments = comments.get(name, ("", {}))
            if table_comment:
                con.execute(f"comment on table main.{name} is {_literal(table_comment)}")
            for column, comment in column_comments.items():
                if comment:
                    con.execute(f'comment on column main.{name}."{column}" is {_literal(comment)}')
        con.execute("commit")
        return counts
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.close()


def _descriptions(manifest_path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Each model's and seed's description and column descriptions, by table name (schema main)."""
    nodes = json.loads(manifest_path.read_text(encoding="utf-8"))["nodes"].values()
    return {
        node["alias"]: (
            node.get("description", ""),
            {c["name"]: c.get("description", "") for c in node.get("columns", {}).values()},
        )
        for node in nodes
        if node["resource_type"] in ("model", "seed") and node["schema"] == "main"
    }


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
