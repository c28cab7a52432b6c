"""The DuckDB files: a private build file each run writes, and the publications readers open.

DuckDB allows one writer and, while it writes, no reader at all (STACK_NOTES). So a run never
touches a published file: it builds into warehouse/build/ and publishes a whole new folder
(database and exports) switched in with one atomic rename (publish). A reader holding the old
file keeps reading it; new connections see the new build; a failed or killed run publishes
nothing and the last good warehouse stays as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import DUCKDB_STORAGE_COMPATIBILITY, duckdb_memory_limit


def connect_build(path: Path, checkpoint_threshold: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the build file, readable by DuckDB 1.5 clients; with
    `checkpoint_threshold` (e.g. "1GB"), DuckDB checkpoints when its write-ahead log passes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = {
        "storage_compatibility_version": DUCKDB_STORAGE_COMPATIBILITY,
        "memory_limit": duckdb_memory_limit(),
    }
    if checkpoint_threshold is not None:
        settings["checkpoint_threshold"] = checkpoint_threshold
    return duckdb.connect(str(path), config=settings)


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file to read, with the pipeline's memory cap."""
    return duckdb.connect(str(path), read_only=True, config={"memory_limit": duckdb_memory_limit()})


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


def ensure_tables(
    path: Path, schema: str, tables: dict[str, pl.DataFrame], fill: dict[str, int | str] | None = None
) -> None:
    """Create each table from its (empty) frame's schema unless it exists; add the frame's columns
    a table made by an earlier planwatch lacks, set to `fill[column]` (else null) in the rows
    already there."""
    con = connect_build(path)
    try:
        con.execute(f"create schema if not exists {schema}")
        for name, frame in tables.items():
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f"create table if not exists {schema}.{name} as select * from incoming_frame")
            present = column_names(con, schema, name)
            for column in frame.columns:
                if column not in present:
                    kind = con.execute(f'describe select "{column}" from incoming_frame').fetchone()[1]
                    con.execute(f'alter table {schema}.{name} add column "{column}" {kind}')
                    if column in (fill or {}):
                        con.execute(f'update {schema}.{name} set "{column}" = ?', [fill[column]])
            con.unregister("incoming_frame")
    finally:
        con.close()


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    tables: dict[str, pl.DataFrame],
    key: str,
    value: str,
    holding: Collection[str] | None = None,
) -> None:
    """Replace the rows where `key` = `value` in each table, all in one transaction.

    One release's rows change; every other release's rows stay exactly as they were. `holding`
    names the tables that may hold such rows (default: all): the others are only inserted into,
    sparing a delete that scans the whole key column.
    """
    try:
        con.execute("begin transaction")
        for name, frame in tables.items():
            if holding is None or name in holding:
                con.execute(f"delete from {schema}.{name} where {key} = ?", [value])
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f"insert into {schema}.{name} by name select * from incoming_frame")
            con.unregister("incoming_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def has_columns(path: Path, schema: str, table: str, columns: tuple[str, ...]) -> bool:
    """Whether `schema`.`table` of a warehouse file has every one of `columns`; a missing file or
    table has none."""
    if not path.exists():
        return False
    con = connect_read_only(path)
    try:
        return set(columns) <= column_names(con, schema, table)
    finally:
        con.close()


def column_names(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    """The columns of `schema`.`table` (none if it does not exist)."""
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {name for (name,) in rows}


def read_tables(path: Path, schema: str, names: list[str]) -> dict[str, pl.DataFrame]:
    """Read whole tables back (small reference tables only)."""
    con = connect_read_only(path)
    try:
        return {n: con.sql(f"select * from {schema}.{n}").pl() for n in names}
    finally:
        con.close()


def table_row_counts(path: Path, schemas: tuple[str, ...] = ("main",)) -> dict[str, int]:
    """Row counts of the base tables in `schemas` of a warehouse file, opened read-only."""
    con = connect_read_only(path)
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
# What a publication holds, each reached by a fixed link in the warehouse folder through `current`.
PUBLISHED = ("planwatch.duckdb", "parquet", "docs", "report")
CURRENT = "current"


def publish(build: Path, prepared: Path, root: Path, keep: int = 2) -> Path:
    """Publish the database with its Parquet exports, docs and report, all at once.

    A publication is a new folder root/exports/<n>/ holding planwatch.duckdb (a checkpointed
    copy of the build), parquet/ (every dim_, fct_ and mart_ table), docs/ and report/. One link,
    root/current, is then switched to it with an atomic rename; root/planwatch.duckdb,
    root/parquet, root/docs and root/report are fixed links through root/current. So readers see
    the database and its exports of one run together, old or new, even if a run is killed half way.
    The newest `keep` publications are kept (a reader may still be reading the previous one);
    leftovers of a killed run (.partial folders, temporary links, stray WAL files) are removed.
    """
    clean_leftovers(root)
    con = connect_build(build)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    exports = root / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    number = max((int(p.name) for p in exports.iterdir() if p.name.isdigit()), default=0) + 1
    target = exports / f"{number:06d}"
    staging = exports / f".{number:06d}.partial"
    (staging / "parquet").mkdir(parents=True)
    # The copy (disk) runs while DuckDB writes the Parquet files (CPU): both only read the
    # checkpointed build file. At county scale that saves most of the copy's time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        copied = pool.submit(_copy_durably, build, staging / "planwatch.duckdb")
        con = connect_read_only(build)
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
        copied.result()  # raises the copy's error, if any
    for name in ("docs", "report"):
        if (prepared / name).exists():
            shutil.copytree(prepared / name, staging / name)
    os.replace(staging, target)
    _link(root / CURRENT, target.relative_to(root))  # the one switch
    for name in PUBLISHED:
        if not (root / name).is_symlink() or os.readlink(root / name) != f"{CURRENT}/{name}":
            _link(root / name, Path(CURRENT) / name)  # fixed: made once (replaces an old plain file)
    for old in sorted(p for p in exports.iterdir() if p.name.isdigit())[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return target


def _copy_durably(source: Path, target: Path) -> None:
    """Copy a file and flush it to disk, so that a crash cannot publish half of it."""
    shutil.copyfile(source, target)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def _link(path: Path, points_to: Path) -> None:
    """Point `path` at `points_to` with an atomic rename of a new link over the old one."""
    temporary = path.with_name(f".{path.name}.link")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(points_to)
    os.replace(temporary, path)


def clean_leftovers(root: Path) -> list[Path]:
    """Remove what a killed run can leave: half-written publications, temporary links, and WAL
    files beside published databases (which are only ever opened read-only)."""
    found = [
        *root.glob("exports/.*.partial"),
        *root.glob(".*.link"),
        *root.glob(".*.publishing"),
        *root.glob("*.duckdb.wal"),
        *root.glob("exports/*/*.duckdb.wal"),
    ]
    for path in found:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return found
