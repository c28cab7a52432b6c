"""dbt models as Dagster assets, keyed by warehouse schema and table (e.g. main/fct_target)."""

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines import config
from pipelines.config import export_paths
from pipelines.defs.transform.project import planwatch_dbt_project, project_digest

# The last generated docs page and the digest of the project it describes (gitignored target/).
TARGET = config.DBT_PROJECT_DIR / "target"
DOCS_CACHE = TARGET / "planwatch_docs"
# dagster-dbt gives every dbt invocation its own folder under target/ (~8 MB each); the newest
# are kept to look into, older ones removed, or a daily schedule fills the disk.
KEPT_INVOCATIONS = 10
LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "main": "marts"}


class PlanwatchDbtTranslator(DagsterDbtTranslator):
    """Asset keys mirror where a model lives in the warehouse; sources use their meta keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props["config"].get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "ingest"
        return LAYER_GROUPS.get(dbt_resource_props["config"].get("schema") or "main", "marts")


@dbt_assets(
    manifest=planwatch_dbt_project.manifest_path,
    project=planwatch_dbt_project,
    dagster_dbt_translator=PlanwatchDbtTranslator(),
)
def planwatch_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Build (run + test) the dbt models into the private build file; dbt tests are asset checks.

    Then the dbt docs (a single static page) for publishing beside the warehouse, generated
    again only when a file of the dbt project changed since they were last generated.
    """
    export_paths()
    # dbt's unit tests check the SQL, not the data: they run in the test suite
    # (tests/test_attainment.py), not in every build (dbt's advice for production runs)
    yield from dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context).stream()
    target = config.build_exports_dir() / "docs"
    target.mkdir(parents=True, exist_ok=True)
    # the docs describe models, columns and tests: regenerate them only when the project changed
    cached = DOCS_CACHE / "index.html"
    stamp = DOCS_CACHE / "project.digest"
    digest = project_digest()
    if not cached.exists() or not stamp.exists() or stamp.read_text() != digest:
        docs = dbt.cli(["docs", "generate", "--static"], manifest=planwatch_dbt_project.manifest_path).wait()
        DOCS_CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(docs.target_path) / "static_index.html", cached)  # each invocation has its own
        stamp.write_text(digest)
    else:
        context.log.info("dbt docs unchanged since the project last changed: reused")
    shutil.copyfile(cached, target / "index.html")
    prune_invocation_folders()


def prune_invocation_folders(keep: int = KEPT_INVOCATIONS) -> None:
    """Remove all but the newest `keep` per-invocation folders dagster-dbt left under target/."""
    runs = [
        p for p in TARGET.iterdir() if p.is_dir() and (p / "run_results.json").exists() and p != DOCS_CACHE
    ]
    for old in sorted(runs, key=lambda p: p.stat().st_mtime)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def dbt_resource() -> DbtCliResource:
    """dbt from this interpreter's environment, whether or not that environment is on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return DbtCliResource(
        project_dir=planwatch_dbt_project, dbt_executable=str(beside) if beside.exists() else "dbt"
    )
