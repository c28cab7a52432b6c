"""How planwatch runs dbt: this environment's `planwatch-dbt`, through dagster-dbt's CLI resource
without the start-up costs planwatch does not need. Every dbt command goes through it: the parse
made before the definitions load (project.py), the builds and the docs (assets.py).
No relative imports here (project.py, which dagster-dbt loads by path, imports it)."""

import importlib.metadata
import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version


class PlanwatchDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs paid before every dbt command.

    - The dbt adapter it opens inside this process (1.5-1.8 s here) only serves
      `fetch_column_metadata` and `fetch_row_counts`, which planwatch does not call: row counts
      come from the warehouse in the report and the run summary.
    - It runs `dbt --version` in a subprocess to learn dbt's version (2.5-4 s on 2 cores). The
      dbt beside this interpreter is this environment's dbt-core: its version is read from the
      package metadata instead.

    Both are dagster-dbt hooks; a dagster-dbt that stops calling them simply stops being sped up.
    """

    def _initialize_dbt_core_adapter(self, args):  # noqa: ANN001, ANN202 (dagster-dbt's hook)
        return None

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(importlib.metadata.version("dbt-core"))
        return DbtCliResource._cli_version.func(self)  # another dbt: ask it, as dagster-dbt does


def dbt_resource(project: DbtProject) -> DbtCliResource:
    """dbt from this interpreter's environment, whether or not that environment is on PATH:
    `planwatch-dbt` (dbt's command line without formatting log lines no log keeps,
    pipelines/defs/transform/dbt_launcher.py), else that environment's `dbt`, else the one on PATH."""
    scripts = Path(sys.executable).parent
    found = [path for path in (scripts / "planwatch-dbt", scripts / "dbt") if path.exists()]
    return PlanwatchDbtCliResource(project_dir=project, dbt_executable=str(found[0]) if found else "dbt")
