"""Whether a build has anything to do: the inputs of the last good build, recorded.

A build's result depends only on its inputs: the files under sources/ and the seed documents
they may link to, the dbt project, the pipeline's code and its locked environment, and the
settings of the run (the engine, every PLANWATCH_* and DBT_* variable but those of where it
writes, among them the as-of date). `make run` and the daily schedule read them before a run of
build_warehouse and give their digest to the run (INPUTS_TAG); when the run has published, and
the inputs are still those, the digest is written to <warehouse>/build/last_build.json with what
the run published.
The next `make run` or scheduled tick with the same inputs, while that publication is still the
current one, has nothing to build and says so (`make run REBUILD=1` builds anyway). Anything
else that publishes (the sensor's job for a release) changes the current publication, so the
next one builds. A run that fails publishes nothing and leaves the record as it was: it still
describes the published warehouse.

The build date is not an input: it only refuses a plan or release dated after it, so a build
that passed on one day gives the same warehouse on any later day. A clock set back before the
recorded build date does mean a build.

Files are compared by content. Their size and modification time only spare the reading, as in
git's index: a file whose size and time are as recorded is taken to hold what it held; one
touched, copied or rewritten is read and hashed again, and counts as changed only if its bytes
differ.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines import config

RECORD_NAME = "last_build.json"
# The run tag that carries the digest of the inputs as the run started: a run of build_warehouse
# that has it (`make run`, the daily schedule) is recorded when it publishes.
INPUTS_TAG = "planwatch/build_inputs"
# What a build runs, besides its data: the pipeline, the dbt project and the locked environment.
CODE_PATHS = ("pipelines", "dbt/planwatch", "pyproject.toml", "uv.lock", "dagster.yaml")
# Output of Python and dbt inside the code's folders, and hidden files there (editor and lint
# settings). Every file of the data folders counts, hidden or not.
NOT_CODE = {"__pycache__", "target", "logs"}
SETTING_PREFIXES = ("PLANWATCH_", "DBT_")
# Settings of where a run writes, not of what it builds: the warehouse folder (the record lives
# in it), the paths config.export_paths() derives from it as a run starts, Dagster's run history.
OUTPUT_SETTINGS = {
    "PLANWATCH_WAREHOUSE_DIR",
    "PLANWATCH_BUILD_DB",
    "PLANWATCH_SPARK_RAW",
    "PLANWATCH_SPARK_WAREHOUSE",
    "PLANWATCH_SPARK_JAVA_OPTIONS",
    "PLANWATCH_DAGSTER_STORAGE",
    "PLANWATCH_DAGSTER_COMPUTE_LOGS",
}

# path -> (size, modification time in ns, content digest)
FileStates = dict[str, tuple[int, int, str]]


@dataclass(frozen=True)
class BuildInputs:
    """What a build would read, and one digest of it all."""

    digest: str
    files: FileStates


def record_path() -> Path:
    return config.build_db_path().parent / RECORD_NAME


# Files this process has read, by the same rule: `make run` reads the inputs before its run and
# again when the run publishes, and a nation's sources are gigabytes.
_read_here: FileStates = {}


def read_inputs(known: FileStates | None = None) -> BuildInputs:
    """The inputs as they are now; a file whose size and time are in `known` (or as this process
    read it last) is not read again."""
    known = {**_read_here, **(known or {})}
    data = [f for root in (config.sources_dir(), config.seeds_dir()) for f in _files(root)]
    code = [f for p in CODE_PATHS for f in _files(config.REPO_ROOT / p, skipped=NOT_CODE)]
    files: FileStates = {}
    for path in sorted(set(data + code)):
        stat = path.stat()
        key = str(path)
        seen = known.get(key)
        if seen and (seen[0], seen[1]) == (stat.st_size, stat.st_mtime_ns):
            files[key] = (stat.st_size, stat.st_mtime_ns, seen[2])
        else:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "blake2b").hexdigest()
            files[key] = (stat.st_size, stat.st_mtime_ns, digest)
    _read_here.update(files)
    settings = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith(SETTING_PREFIXES) and k not in OUTPUT_SETTINGS
    )
    whole = hashlib.blake2b()
    versions = [sys.version, config.engine()]
    for part in (versions, settings, sorted((path, state[2]) for path, state in files.items())):
        whole.update(json.dumps(part, ensure_ascii=False).encode())
    return BuildInputs(whole.hexdigest(), files)


def _files(root: Path, skipped: set[str] | None = None) -> list[Path]:
    """Every file under root, following links as the pipeline does (root itself if a file);
    with `skipped`, not the folders so named nor hidden files and folders."""
    if root.is_file():
        return [root]
    found = []
    for folder, dirs, names in os.walk(root, followlinks=True):
        if skipped is not None:
            dirs[:] = [d for d in dirs if d not in skipped and not d.startswith(".")]
            names = [n for n in names if not n.startswith(".")]
        found += [Path(folder) / n for n in names]
    return found


def _published_state() -> dict[str, object] | None:
    """What is published now: the publication `current` points to and its files' size and time."""
    root = config.warehouse_dir()
    current = root / "current"
    if not current.is_symlink():
        return None
    state: dict[str, object] = {"current": os.readlink(current)}
    for path in (config.published_db_path(), config.build_db_path(), root / "report" / "index.html"):
        if not path.exists():
            return None
        stat = path.stat()
        state[path.name if path != config.build_db_path() else "build"] = [stat.st_size, stat.st_mtime_ns]
    for folder in (root / "docs", root / "parquet"):
        if not folder.is_dir():
            return None
    return state


@dataclass(frozen=True)
class LastBuild:
    """The last good build recorded."""

    run_id: str
    finished_at: str
    built_on: str
    inputs_digest: str
    files: FileStates
    published: dict[str, object]

    @classmethod
    def read(cls) -> LastBuild | None:
        """The record, or None when there is none or it cannot be read (then the run builds)."""
        try:
            data = json.loads(record_path().read_text(encoding="utf-8"))
            return cls(
                data["run_id"],
                data["finished_at"],
                data["built_on"],
                data["inputs_digest"],
                {path: tuple(state) for path, state in data["files"].items()},
                data["published"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def is_current(self, inputs: BuildInputs) -> bool:
        """The same inputs, its publication still the current one, and the clock not set back."""
        return (
            inputs.digest == self.inputs_digest
            and _published_state() == self.published
            and config.build_date() >= date.fromisoformat(self.built_on)
        )


def up_to_date() -> tuple[BuildInputs, LastBuild | None]:
    """The inputs as they are now, and the last build if it is current for them (else None)."""
    previous = LastBuild.read()
    inputs = read_inputs(previous.files if previous else None)
    return inputs, previous if previous and previous.is_current(inputs) else None


def remember(started_with: str, run_id: str) -> bool:
    """After a run published: record it as the last build if the inputs are still those it
    started with (`started_with`, the digest in its INPUTS_TAG). A run during which a source
    changed is not recorded: which of the two versions it read is not known."""
    previous = LastBuild.read()
    inputs = read_inputs(previous.files if previous else None)
    published = _published_state()
    path = record_path()
    if inputs.digest != started_with or published is None:
        path.unlink(missing_ok=True)
        return False
    record = {
        "run_id": run_id,
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "built_on": config.build_date().isoformat(),
        "inputs_digest": inputs.digest,
        "files": inputs.files,
        "published": published,
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)
    return True
