"""Paths and constants in one place.

Paths are read from the environment at call time (not import time) so that tests and
benchmarks can point a whole run, Python and dbt alike, at temporary folders.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt" / "planwatch"

# Published warehouse readers open; the pipeline never writes it in place.
WAREHOUSE_FILE_NAME = "planwatch.duckdb"
# DuckDB 2.0 writes storage version 69 by default, which DuckDB 1.5 clients (the CLI on
# PyPI, SQLAlchemy dialects, Superset) cannot open.
DUCKDB_STORAGE_COMPATIBILITY = "v1.5.0"
# DuckDB's memory cap, in the pipeline's own connections as in dbt's (profiles.yml): past it
# DuckDB spills to disk rather than take 80 % of the machine (its default).
DEFAULT_DUCKDB_MEMORY_LIMIT = "5GB"


def duckdb_memory_limit() -> str:
    """DuckDB's memory cap (PLANWATCH_DUCKDB_MEMORY_LIMIT, e.g. 5GB)."""
    return os.environ.get("PLANWATCH_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT)


RAW_SCHEMA = "raw"


# An asset's log message that starts with this is a progress line `make run` prints (pipelines/run.py).
PROGRESS_PREFIX = "progress: "

# Years outside this window are typing errors in a plan or release, not data.
MIN_YEAR = 1949
MAX_YEAR = 2100


# Limits on one source file, so that a file that decompresses to millions of rows is refused in
# seconds instead of filling the memory (env PLANWATCH_MAX_ROWS, PLANWATCH_MAX_FILE_BYTES).
DEFAULT_MAX_ROWS = 2_000_000
DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024


def max_rows() -> int:
    """Most rows one CSV or XLSX sheet may hold."""
    return int(os.environ.get("PLANWATCH_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_file_bytes() -> int:
    """Most bytes one source file may hold (an XLSX: its contents once decompressed)."""
    return int(os.environ.get("PLANWATCH_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


# A release id, and so a package folder's name: lower case letters, digits and '-'.
RELEASE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def build_date() -> date:
    """Today, as the build sees it (env PLANWATCH_BUILD_DATE=YYYY-MM-DD to pin it): nothing
    published after it can be known."""
    pinned = os.environ.get("PLANWATCH_BUILD_DATE")
    return date.fromisoformat(pinned) if pinned else date.today()


def sources_dir() -> Path:
    """Folder holding reference/, plans/ and releases/ (env PLANWATCH_SOURCES_DIR)."""
    return Path(os.environ.get("PLANWATCH_SOURCES_DIR", REPO_ROOT / "sources")).resolve()


def seeds_dir() -> Path:
    """The shared seed documents (env PLANWATCH_SEEDS_DIR; default ../shared/seeds beside the checkout).

    sources/documents/ may link a plan's document here instead of copying its text into the repo.
    """
    return Path(os.environ.get("PLANWATCH_SEEDS_DIR", REPO_ROOT.parent / "shared" / "seeds")).resolve()


def warehouse_dir() -> Path:
    """Folder of the published warehouse and its private build area (env PLANWATCH_WAREHOUSE_DIR)."""
    return Path(os.environ.get("PLANWATCH_WAREHOUSE_DIR", REPO_ROOT / "warehouse")).resolve()


def published_db_path() -> Path:
    """The warehouse file readers and BI tools open."""
    return warehouse_dir() / WAREHOUSE_FILE_NAME


def build_db_path() -> Path:
    """The private file a run writes into before publishing it atomically."""
    return warehouse_dir() / "build" / WAREHOUSE_FILE_NAME


def build_exports_dir() -> Path:
    """Where a run prepares what is published beside the database (docs, report)."""
    return warehouse_dir() / "build" / "exports"


# The engines dbt builds the models on (profiles.yml outputs): DuckDB, embedded, is the
# default; Spark (make run ENGINE=spark) for users whose data outgrows one machine.
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"  # the profile's default target (dbt/planwatch/profiles.yml)


def engine() -> str:
    """The engine dbt builds on (env PLANWATCH_ENGINE; default duckdb)."""
    name = os.environ.get("PLANWATCH_ENGINE", DEFAULT_ENGINE).strip().lower() or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ValueError(
            f"PLANWATCH_ENGINE (make run ENGINE=...) is {name!r}: use one of {', '.join(ENGINES)}"
        )
    return name


def spark_dir() -> Path:
    """Spark's private build area: raw/ (the validated raw tables as Parquet, dbt's input) and
    warehouse/ (every model dbt built, as Parquet tables, one folder per schema)."""
    return warehouse_dir() / "build" / "spark"


def export_paths() -> None:
    """Export the resolved paths so the dbt subprocess (profiles.yml) sees the same files.

    dagster-dbt runs dbt with the dbt project as working directory, so the profile must get
    absolute paths; a value already set in the environment (tests, CI) is kept.
    """
    os.environ.setdefault("PLANWATCH_WAREHOUSE_DIR", str(warehouse_dir()))
    os.environ["PLANWATCH_BUILD_DB"] = str(build_db_path())
    os.environ["PLANWATCH_SPARK_RAW"] = str(spark_dir() / "raw")
    os.environ["PLANWATCH_SPARK_WAREHOUSE"] = str(spark_dir() / "warehouse")
    # the local Spark session logs to a file (dbt/planwatch/spark-log4j2.properties)
    os.environ["PLANWATCH_SPARK_JAVA_OPTIONS"] = (
        f"-Dlog4j2.configurationFile={DBT_PROJECT_DIR / 'spark-log4j2.properties'} "
        f"-Dplanwatch.spark.log={spark_dir() / 'spark.log'}"
    )
