"""The dbt project as Dagster sees it. No relative imports here (dagster-dbt loads it by path)."""

from dagster_dbt import DbtProject

from pipelines.config import DBT_PROJECT_DIR, export_paths

export_paths()

planwatch_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_dbt_project() -> None:
    """Parse the dbt project into a manifest (the manifest must exist before definitions load)."""
    planwatch_dbt_project.preparer.prepare(planwatch_dbt_project)


# `dagster dev` re-parses at load so edits to models show up; elsewhere the manifest is made
# when missing (make run re-parses before every build: see pipelines/run.py).
if not planwatch_dbt_project.manifest_path.exists():
    prepare_dbt_project()
planwatch_dbt_project.prepare_if_dev()
