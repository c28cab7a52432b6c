"""How planwatch runs dbt: this environment's `planwatch-dbt`, through dagster-dbt's CLI resource
without the start-up costs planwatch does not need. Every dbt command goes through it: the parse
made before the definitions load (project.py), the builds and the docs (assets.py).
No relative imports here (project.py, which dagster-dbt loads by path, imports it)."""

import contextlib
import importlib.metadata
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.core import dbt_cli_invocation
from packaging import version

from pipelines.defs.transform.dbt_ahead import dbt_executable, start_dbt_ahead, stop_waiting_dbt, take_waiting


class PlanwatchDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs paid before every dbt command.

    - The dbt adapter it opens inside this process (1.5-1.8 s here) only serves
      `fetch_column_metadata` and `fetch_row_counts`, which planwatch does not call: row counts
      come from the warehouse in the report and the run summary.
    - It runs `dbt --version` in a subprocess to learn dbt's version (2.5-4 s on 2 cores). The
      dbt beside this interpreter is this environment's dbt-core: its version is read from the
      package metadata instead.

    And it starts dbt ahead of its command (`start_ahead`): a run starts one `planwatch-dbt` as
    it begins, which imports dbt (~3.5 s on 2 cores) while the run ingests, and the run's first
    dbt command is handed to it (`waiting_dbt`).

    All are dagster-dbt hooks; a dagster-dbt that stops calling them simply stops being sped up.
    """

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        super().setup_for_execution(context)
        self.start_ahead()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        stop_waiting_dbt()  # one the run did not need
        super().teardown_after_execution(context)

    def start_ahead(self) -> None:
        """Start a `planwatch-dbt` for the next dbt command, unless one is waiting already."""
        start_dbt_ahead(self.dbt_executable, Path(self.project_dir))

    def cli(self, args, **kwargs):  # noqa: ANN001, ANN003, ANN201 (dagster-dbt's signature)
        with waiting_dbt():
            return super().cli(args, **kwargs)

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
    return PlanwatchDbtCliResource(project_dir=project, dbt_executable=dbt_executable())


class _HandOver:
    """Stands in for the `subprocess` module in dagster-dbt's invocation module while one dbt
    command starts: its Popen gives the command to the waiting planwatch-dbt, and starts dbt
    as dagster-dbt would when none is waiting or it cannot take the command."""

    PIPE = subprocess.PIPE
    STDOUT = subprocess.STDOUT

    @staticmethod
    def Popen(args: list[str], *, env: dict[str, str], cwd: Path, **kwargs) -> subprocess.Popen:  # noqa: N802, ANN003
        process = take_waiting(list(args), env)
        if process is None:
            return subprocess.Popen(args, env=env, cwd=cwd, **kwargs)
        command = {"args": [str(a) for a in args[1:]], "env": env, "cwd": os.fspath(cwd)}
        try:
            process.stdin.write(json.dumps(command).encode() + b"\n")
            process.stdin.close()
        except OSError:  # it ended meanwhile
            process.kill()
            process.wait()
            return subprocess.Popen(args, env=env, cwd=cwd, **kwargs)
        process.args = list(args)  # dagster-dbt logs and reports the command from it
        return process


_hand_over_lock = threading.Lock()


@contextlib.contextmanager
def waiting_dbt() -> Iterator[None]:
    """While dagster-dbt starts one dbt command, let it start it in the waiting planwatch-dbt.

    dagster-dbt starts dbt with `subprocess.Popen` in `dagster_dbt.core.dbt_cli_invocation`;
    for the length of this block that module's `subprocess` is `_HandOver`. Should dagster-dbt
    start dbt another way, the command simply starts a new dbt (tests/test_dbt_launcher.py)."""
    with _hand_over_lock:
        original = dbt_cli_invocation.subprocess
        dbt_cli_invocation.subprocess = _HandOver
        try:
            yield
        finally:
            dbt_cli_invocation.subprocess = original
