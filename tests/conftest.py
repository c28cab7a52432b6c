"""Fixtures: every test works on a temporary copy of sources/ and its own warehouse folder.

The pipeline reads its paths from PLANWATCH_SOURCES_DIR and PLANWATCH_WAREHOUSE_DIR (see
pipelines/config.py), so a test run never touches the repository's warehouse/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.config import DBT_PROJECT_DIR, REPO_ROOT

REPO_SOURCES = REPO_ROOT / "sources"
SHARED = REPO_ROOT.parent / "shared"
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
PATH_VARIABLES = (
    "PLANWATCH_SOURCES_DIR",
    "PLANWATCH_WAREHOUSE_DIR",
    "PLANWATCH_BUILD_DB",
    "PLANWATCH_SPARK_RAW",
    "PLANWATCH_SPARK_WAREHOUSE",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files marked slow (whole pipeline runs, minutes each) first: the test workers take
    files in this order (--dist loadfile --no-loadscope-reorder, pyproject.toml), so the long ones
    start early and the short ones fill in at the end, rather than one worker running a long
    file alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@dataclass
class Workspace:
    """A private sources/ copy and warehouse folder, exported to the pipeline's environment."""

    sources: Path
    warehouse: Path
    instance: dg.DagsterInstance = field(default_factory=dg.DagsterInstance.ephemeral)

    @property
    def published(self) -> Path:
        return self.warehouse / "planwatch.duckdb"

    def build(self) -> dg.ExecuteInProcessResult:
        """Materialise every asset with a real in-process Dagster run."""
        from pipelines.definitions import defs
        from pipelines.defs.ingest.partitions import all_partitions_tags, register_releases

        keys = register_releases(self.instance, self.sources)
        return defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=self.instance,
            raise_on_error=False,
            run_config=QUIET,
            tags=all_partitions_tags(keys),
        )

    def ingest_release(self, release_id: str) -> dg.ExecuteInProcessResult:
        """Take one release (its partition) and rebuild what depends on it, as the sensor does."""
        from pipelines.definitions import defs
        from pipelines.defs.ingest.partitions import register_releases

        register_releases(self.instance, self.sources)
        return defs.resolve_job_def("ingest_release").execute_in_process(
            instance=self.instance, raise_on_error=False, run_config=QUIET, partition_key=release_id
        )

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Run a query on the published warehouse over a plain read-only connection."""
        con = duckdb.connect(str(self.published), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def copy_dbt_project(to: Path) -> Path:
    """A copy of the dbt project without what runs left in it (target/, logs/), to parse or run
    without touching the repository's own."""
    shutil.copytree(DBT_PROJECT_DIR, to, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return to


def _enter(root: Path) -> tuple[Workspace, dict[str, str | None]]:
    sources = root / "sources"
    shutil.copytree(REPO_SOURCES, sources)
    workspace = Workspace(sources=sources, warehouse=root / "warehouse")
    saved = {name: os.environ.get(name) for name in PATH_VARIABLES}
    os.environ["PLANWATCH_SOURCES_DIR"] = str(workspace.sources)
    os.environ["PLANWATCH_WAREHOUSE_DIR"] = str(workspace.warehouse)
    os.environ["PLANWATCH_BUILD_DB"] = str(workspace.warehouse / "build" / "planwatch.duckdb")
    return workspace, saved


def _leave(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A fresh sources/ copy and an empty warehouse folder for one test."""
    ws, saved = _enter(tmp_path)
    yield ws
    _leave(saved)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One warehouse built from the shipped sources by a real Dagster run, shared read-only."""
    ws, saved = _enter(tmp_path_factory.mktemp("built"))
    result = ws.build()
    assert result.success, "the build of the shipped sources failed"
    yield ws
    _leave(saved)


@pytest.fixture
def built_copy(built: Workspace, tmp_path: Path) -> Iterator[Workspace]:
    """A private copy of the shared built warehouse (its build file, exports and links) beside a
    fresh sources/ copy, for a test that takes releases into what a full build of the shipped
    sources gives: the same start as its own `build()`, without its ~30 s."""
    ws, saved = _enter(tmp_path)
    shutil.copytree(built.warehouse, ws.warehouse, symlinks=True)
    yield ws
    _leave(saved)
