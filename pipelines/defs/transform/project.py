"""The dbt project as Dagster sees it. No relative imports here (dagster-dbt loads it by path)."""

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer

from pipelines.config import DBT_PROJECT_DIR, export_paths
from pipelines.defs.transform.dbt_cli import dbt_resource

export_paths()

planwatch_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# What the manifest is parsed from: a change to any of these makes it stale.
PROJECT_INPUTS = ["models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml"]


class InPlacePreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer (`dbt parse`), run through planwatch's dbt, keeping the saved parse whole.

    dagster-dbt's own way of making the manifest (`_prepare_manifest`, replaced here) has two costs:
    - it parses with its plain CLI resource, which first runs `dbt --version` in a subprocess
      (3.6-3.9 s here) before every parse: a fresh clone's first run, and the first run after
      any edit of the project. planwatch's resource (dbt_cli.py) reads the version from the
      package metadata;
    - it then marks every seed as changed in the saved parse (partial_parse.msgpack), so that a
      project parsed in one place and run in another re-reads its seeds' absolute paths. That
      costs every later dbt invocation a re-parse (~1 s of each run). This project is parsed
      where it runs, and manifest_is_stale() has it parsed again when it moved (parsed_in_file).

    Should dagster-dbt rename the hook, its own is used again: slower, never wrong. The project
    has no dbt packages (dbt's package hub is not reachable), so `dbt deps` never runs.
    """

    def _prepare_manifest(self, project: DbtProject) -> None:
        dbt_resource(project).cli(self._prepare_project_cli_args, target_path=project.target_path).wait()


def parsed_in_file(project: DbtProject = planwatch_dbt_project) -> Path:
    """Where the saved parse was made: seeds keep that absolute path, so a moved project is parsed again."""
    return Path(project.project_dir) / project.target_path / "parsed_in.txt"


def prepare_dbt_project(project: DbtProject = planwatch_dbt_project) -> None:
    """Parse the dbt project into a manifest (the manifest must exist before definitions load)."""
    InPlacePreparer().prepare(project)
    parsed_in_file(project).write_text(str(project.project_dir), encoding="utf-8")


def project_files(project_dir: Path = DBT_PROJECT_DIR) -> list[Path]:
    """Every file the dbt project is made of (PROJECT_INPUTS), in a fixed order."""
    files = []
    for name in PROJECT_INPUTS:
        path = Path(project_dir) / name
        files += sorted(f for f in ([path] if path.is_file() else path.rglob("*")) if f.is_file())
    return files


def project_digest() -> str:
    """A digest of every file the dbt project is made of (what its manifest and docs describe)."""
    digest = hashlib.sha256()
    for file in project_files():
        digest.update(str(file.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def manifest_is_stale(project: DbtProject = planwatch_dbt_project) -> bool:
    """Whether the manifest is missing, was parsed elsewhere (the project moved), or is older than
    a model, macro, seed or project file."""
    manifest, parsed_in = Path(project.manifest_path), parsed_in_file(project)
    if not manifest.exists() or not parsed_in.exists():
        return True
    if parsed_in.read_text(encoding="utf-8") != str(project.project_dir):
        return True
    built = manifest.stat().st_mtime
    return any(f.stat().st_mtime > built for f in project_files(project.project_dir))


@contextlib.contextmanager
def parse_lock(project: DbtProject = planwatch_dbt_project) -> Iterator[None]:
    """Held while the project is parsed: several processes may load the definitions at once
    (`dagster dev`'s webserver and daemon, the test workers), and two parses at once would
    write the same target/ files at the same time."""
    lock = Path(project.project_dir) / project.target_path / "parse.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_if_stale(project: DbtProject = planwatch_dbt_project) -> None:
    """Parse when the manifest is missing or stale (a model or its YAML was edited); otherwise
    reuse it. The first process to find it stale parses; the others wait for it and reuse its parse."""
    if not manifest_is_stale(project):
        return
    with parse_lock(project):
        if manifest_is_stale(project):
            prepare_dbt_project(project)


prepare_if_stale()
with parse_lock():  # under `dagster dev`, dagster-dbt parses again in each process that loads
    planwatch_dbt_project.prepare_if_dev()
