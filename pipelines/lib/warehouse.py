"""The DuckDB files: a private build file each run writes, and the published file readers open.

DuckDB allows one writer and, while it writes, no reader at all (STACK_NOTES). So a run
never touches the published file: it builds into warehouse/build/ and publishes with an
atomic os.replace. A reader holding the old file keeps reading it; new connections see the
new build; a failed run publishes nothing and the last good warehouse stays as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import DUCKDB_STORAGE_COMPATIBILITY


def connect_build(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the build file, readable by DuckDB 1.5 clients."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), config={"storage_compatibility_version": DUCKDB_STORAGE_COMPATIBILITY})


def replace_tables(path: Path, schema: str, tables: dict[str, pl.DataFrame]) -> None:
    """Replace `schema`.<name> with each frame, all in one transaction."""
    con = connect_build(path)
    try:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {schema}")
        for name, frame in tables.items():
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f"create or replace table {schema}.{name} as select * from incoming_frame")
            con.unregister("incoming_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.close()


def ensure_tables(path: Path, schema: str, tables: dict[str, pl.DataFrame]) -> None:
    """Create each table from its (empty) frame's schema unless it exists."""
    con = connect_build(path)
    try:
        con.execute(f"create schema if not exists {schema}")
        for name, frame in tables.items():
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f"create table if not exists {schema}.{name} as select * from incoming_frame")
            con.unregister("incoming_frame")
    finally:
        con.close()


def replace_rows(
    con: duckdb.DuckDBPyConnection, schema: str, tables: dict[str, pl.DataFrame], key: str, value: str
) -> None:
    """Replace the rows where `key` = `value` in each table, all in one transaction.

    One release's rows change; every other release's rows stay exactly as they were.
    """
    try:
        con.execute("begin transaction")
        for name, frame in tables.items():
            con.execute(f"delete from {schema}.{name} where {key} = ?", [value])
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f"insert into {schema}.{name} by name select * from incoming_frame")
            con.unregister("incoming_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def read_tables(path: Path, schema: str, names: list[str]) -> dict[str, pl.DataFrame]:
    """Read whole tables back (small reference tables only)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {n: con.sql(f"select * from {schema}.{n}").pl() for n in names}
    finally:
        con.close()


def publish(build: Path, published: Path) -> None:
    """Checkpoint the build file and atomically replace the published file with a copy of it."""
    con = connect_build(build)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(f".{published.name}.publishing")
    shutil.copyfile(build, staging)
    with staging.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, published)


def table_row_counts(path: Path, schemas: tuple[str, ...] = ("main",)) -> dict[str, int]:
    """Row counts of the base tables in `schemas` of a warehouse file, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            f"({', '.join('?' for _ in schemas)}) order by 1, 2",
            list(schemas),
        ).fetchall()
        return {t: con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in tables}
    finally:
        con.close()


PUBLIC_PREFIXES = ("dim_", "fct_", "mart_")


def publish_exports(build: Path, prepared: Path, root: Path, keep: int = 2) -> Path:
    """Publish Parquet exports of the public tables with the prepared docs and report.

    Each publication is a new folder root/exports/<n>/; the links root/parquet, root/docs and
    root/report are then switched to it one by one with an atomic rename, so a reader opening
    a link sees a complete export, old or new. The newest `keep` exports are kept (a reader
    may still be reading the previous one).
    """
    exports = root / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    number = max((int(p.name) for p in exports.iterdir() if p.name.isdigit()), default=0) + 1
    target = exports / f"{number:06d}"
    staging = exports / f".{number:06d}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "parquet").mkdir(parents=True)
    con = duckdb.connect(str(build), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
            ).fetchall()
            if t.startswith(PUBLIC_PREFIXES)
        ]
        for table in tables:
            con.execute(f"copy main.{table} to '{staging / 'parquet' / table}.parquet' (format parquet)")
    finally:
        con.close()
    for name in ("docs", "report"):
        if (prepared / name).exists():
            shutil.copytree(prepared / name, staging / name)
    os.replace(staging, target)
    for name in ("parquet", "docs", "report"):
        if (target / name).exists():
            link = root / name
            temporary = root / f".{name}.link"
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(target.relative_to(root) / name)
            os.replace(temporary, link)
    for old in sorted(p for p in exports.iterdir() if p.name.isdigit())[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return target
