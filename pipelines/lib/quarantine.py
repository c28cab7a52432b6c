"""Quarantine reports: a release that breaks the rules is set aside with a report a person can read.

The release's files are never moved or changed (raw inputs are never modified); its rows in
the warehouse stay as they were. The report lives in warehouse/quarantine/<release_id>.md
until a corrected version of the release is ingested, which removes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines import config
from pipelines.lib.errors import SourceError


def quarantine_dir() -> Path:
    return config.warehouse_dir() / "quarantine"


def report_path(release_id: str) -> Path:
    return quarantine_dir() / f"{release_id}.md"


def quarantine(release_id: str, error: SourceError) -> Path:
    """Write the report of why `release_id` was rejected; return its path."""
    path = report_path(release_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"# Release `{release_id}` is quarantined\n\n"
        f"Rejected at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC with {len(error.issues)} problem(s). "
        "Nothing of this release was written: the warehouse keeps its previous version of it (if any), "
        "and every other release is untouched. Fix the file(s) below; the sources sensor (or `make run`) "
        "takes the release again.\n\n"
        f"{error.markdown_table()}",
        encoding="utf-8",
    )
    return path


def release(release_id: str) -> bool:
    """Remove the report of a release that was ingested cleanly; True if there was one."""
    path = report_path(release_id)
    if path.exists():
        path.unlink()
        return True
    return False
