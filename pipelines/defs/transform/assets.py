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
from pipelines.defs.transform.project import planwatch_dbt_project

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

    Then generate the dbt docs (a single static page) for publishing beside the warehouse.
    """
    export_paths()
    yield from dbt.cli(["build"], context=context).stream()
    docs = dbt.cli(["docs", "generate", "--static"], manifest=planwatch_dbt_project.manifest_path).wait()
    target = config.build_exports_dir() / "docs"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(docs.target_path) / "static_index.html", target / "index.html")


def dbt_resource() -> DbtCliResource:
    """dbt from this interpreter's environment, whether or not that environment is on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return DbtCliResource(
        project_dir=planwatch_dbt_project, dbt_executable=str(beside) if beside.exists() else "dbt"
    )
