"""dbt models as Dagster assets, keyed by warehouse schema and table (e.g. main/fct_target)."""

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from pipelines import config
from pipelines.config import export_paths
from pipelines.defs.transform.dbt_cli import PlanwatchDbtCliResource
from pipelines.defs.transform.project import planwatch_dbt_project, project_digest
from pipelines.lib import spark, warehouse

# The last generated docs page and the digest of the project it describes (gitignored target/).
TARGET = config.DBT_PROJECT_DIR / "target"
DOCS_CACHE = TARGET / "planwatch_docs"
# dagster-dbt gives every dbt invocation its own folder under target/ (~8 MB each); the newest
# are kept to look into, older ones removed, or a daily schedule fills the disk.
KEPT_INVOCATIONS = 10
# The job whose runs take one release: its dbt models run incrementally (models/marts/fct_observation.sql).
INCREMENTAL_JOB = "ingest_release"
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
def planwatch_dbt_models(context: dg.AssetExecutionContext, dbt: PlanwatchDbtCliResource):
    """Build (run + test) the dbt models into the private build file; dbt tests are asset checks.

    On Spark (PLANWATCH_ENGINE=spark) the raw tables are handed over as Parquet first and the
    public tables Spark built are loaded back into the build file after (pipelines/lib/spark.py).

    Then the dbt docs (a single static page) for publishing beside the warehouse, generated
    again only when a file of the dbt project changed since they were last generated.
    """
    export_paths()
    engine = config.engine()
    if engine == "spark":
        spark.require_java()
        if context.selected_asset_keys != set(context.assets_def.keys):
            raise spark.SparkSetupError(
                f"This run selects {len(context.selected_asset_keys)} of the "
                f"{len(context.assets_def.keys)} dbt models, but on Spark every dbt run starts from an "
                "empty catalog and must build them all. Set PLANWATCH_ENGINE=spark before the code "
                "location loads (make run ENGINE=spark, or PLANWATCH_ENGINE=spark make dev), so that "
                "its jobs select every model, then run again."
            )
        raw = spark.export_raw(config.build_db_path(), config.spark_dir() / "raw")
        context.log.info(f"raw tables handed to Spark as Parquet: {raw}")
        spark.fresh_folder(config.spark_dir() / "warehouse")
    # dbt's unit tests check the SQL, not the data: they run in the test suite
    # (tests/test_attainment.py), not in every build (dbt's advice for production runs)
    build = ["build", "--exclude-resource-type", "unit_test"]
    if context.run.job_name != INCREMENTAL_JOB or incremental_tables_outdated(config.build_db_path()):
        # a full build rebuilds the incremental models too (fct_observation); only a run that
        # takes one release recomputes just what it changed
        build.append("--full-refresh")
    if engine != config.DEFAULT_ENGINE:
        # Only a non-default target is named: dbt keys its partial parse on the command's target,
        # and the saved parse (prepare_dbt_project, dbt docs) names none, so `--target duckdb`
        # would make every DuckDB run re-parse the whole project (~4 s).
        build += ["--target", engine]
    built, checked = set(), set()
    invocation = dbt.cli(build, context=context)
    cached = DOCS_CACHE / "index.html"
    stamp = DOCS_CACHE / "project.digest"
    digest = project_digest()
    docs_stale = not cached.exists() or not stamp.exists() or stamp.read_text() != digest
    if docs_stale:
        dbt.start_ahead()  # the docs' dbt imports while the build runs
    for event in invocation.stream():
        if isinstance(event, dg.Output):
            built.add(context.assets_def.keys_by_output_name[event.output_name])
        elif isinstance(event, dg.AssetCheckResult):
            checked.add(dg.AssetCheckKey(event.asset_key, event.check_name))
        yield event
    # A model or test whose event was lost would leave the report and publish steps skipped in
    # a run that still reports success: fail it instead, naming what is missing.
    missing = sorted(k.to_user_string() for k in context.selected_asset_keys - built) + sorted(
        f"{k.asset_key.to_user_string()} {k.name}" for k in context.selected_asset_check_keys - checked
    )
    if missing:
        raise RuntimeError(
            f"dbt finished, but no result reached Dagster for {len(missing)} model(s) or test(s): "
            f"{', '.join(missing[:10])}{' …' if len(missing) > 10 else ''} (a line of dbt's "
            "output could not be read). Nothing was published. Run again; if it repeats, the dbt "
            "output in this run's log shows the unreadable line."
        )
    if engine == "spark":
        public = spark.import_public_tables(
            config.spark_dir() / "warehouse", config.build_db_path(), planwatch_dbt_project.manifest_path
        )
        context.log.info(f"public tables Spark built, loaded into the build file: {public}")
    target = config.build_exports_dir() / "docs"
    target.mkdir(parents=True, exist_ok=True)
    # the docs describe models, columns and tests: regenerate them only when the project changed
    if docs_stale:
        context.log.info(f"{config.PROGRESS_PREFIX}generating the dbt docs (the dbt project changed) …")
        # on the DuckDB target whichever engine built: the catalog is the build file's, as published
        docs = dbt.cli(["docs", "generate", "--static"], manifest=planwatch_dbt_project.manifest_path).wait()
        DOCS_CACHE.mkdir(parents=True, exist_ok=True)
        # each invocation has its own target path; the cache is replaced whole (os.replace), so
        # another run copying it at the same time reads the old page or the new, never half
        fresh = Path(docs.target_path) / "static_index.html"
        shutil.copyfile(fresh, fresh.with_suffix(".cached"))
        os.replace(fresh.with_suffix(".cached"), cached)
        stamp.write_text(digest)
    else:
        context.log.info("dbt docs unchanged since the project last changed: reused")
    shutil.copyfile(cached, target / "index.html")
    prune_invocation_folders()


def incremental_tables_outdated(build_db: Path) -> bool:
    """Whether the table of an incremental model lacks a column its YAML declares: one an earlier
    planwatch built, which an incremental run could not update (it reads those columns back).
    Such a table is rebuilt whole once."""
    manifest = json.loads(planwatch_dbt_project.manifest_path.read_text(encoding="utf-8"))
    return any(
        not warehouse.has_columns(build_db, node["schema"], node["alias"], tuple(node["columns"]))
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


def prune_invocation_folders(keep: int = KEPT_INVOCATIONS) -> None:
    """Remove all but the newest `keep` per-invocation folders dagster-dbt left under target/."""
    runs = {}
    for path in TARGET.iterdir():
        with contextlib.suppress(FileNotFoundError):  # another run may be pruning at the same time
            if path.is_dir() and path != DOCS_CACHE and (path / "run_results.json").exists():
                runs[path] = path.stat().st_mtime
    for old in sorted(runs, key=runs.get)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
