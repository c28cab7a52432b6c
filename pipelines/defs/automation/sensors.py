"""Start a build when a file under sources/ is added, changed or removed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from pipelines import config
from pipelines.defs.automation.jobs import build_warehouse_job


def sources_fingerprint(root: Path) -> str:
    """A digest of every file's path, size and modification time under `root`.

    Stat-based so it stays cheap with thousands of release files; any add, edit or removal
    changes it.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job=build_warehouse_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING
)
def sources_changed_sensor(context: dg.SensorEvaluationContext):
    """Request one run per distinct state of sources/ (the fingerprint is the run key)."""
    fingerprint = sources_fingerprint(config.sources_dir())
    if fingerprint == context.cursor:
        return dg.SkipReason("sources/ unchanged since the last request")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
