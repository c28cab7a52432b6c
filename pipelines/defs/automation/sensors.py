"""Start runs when files under sources/ are added, changed or removed.

- A release added, changed or removed: a run of that release's partition only (job
  ingest_release), which also rebuilds the models and republishes.
- Reference data, plans or plan documents changed: a full rebuild over every release (every release is
  checked against the reference data again).
The cursor keeps a digest of the reference files and one per release.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines import config
from pipelines.defs.automation.jobs import build_warehouse_job, ingest_release_job
from pipelines.defs.ingest.partitions import RELEASES, all_partitions_tags
from pipelines.defs.ingest.releases import release_fingerprints, release_ids


def files_fingerprint(*roots: Path) -> str:
    """A digest of every file's path, size and modification time under `roots`."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(f"{path.relative_to(root.parent)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    jobs=[build_warehouse_job, ingest_release_job],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def sources_changed_sensor(context: dg.SensorEvaluationContext):
    """Request runs for what changed in sources/ since the last tick (see module docstring)."""
    sources = config.sources_dir()
    previous = json.loads(context.cursor) if context.cursor else {"base": None, "releases": {}}
    base = files_fingerprint(sources / "reference", sources / "plans", sources / "documents")
    releases = release_fingerprints(sources)
    registered = list(context.instance.get_dynamic_partitions(RELEASES))
    new_keys = [r for r in release_ids(sources) if r not in set(registered)]
    all_keys = registered + new_keys

    requests = []
    if previous["base"] != base:
        run_key = hashlib.sha256(json.dumps([base, releases], sort_keys=True).encode()).hexdigest()
        requests.append(
            dg.RunRequest(
                job_name=build_warehouse_job.name,
                run_key=f"all:{run_key}",
                tags=all_partitions_tags(all_keys),
            )
        )
    else:
        changed = [r for r, digest in releases.items() if previous["releases"].get(r) != digest]
        gone = sorted(set(previous["releases"]) - set(releases))
        for release_id in changed + gone:
            requests.append(
                dg.RunRequest(
                    job_name=ingest_release_job.name,
                    partition_key=release_id,
                    run_key=f"{release_id}:{releases.get(release_id, 'removed')}",
                )
            )
    cursor = json.dumps({"base": base, "releases": releases}, sort_keys=True)
    if not requests and not new_keys:
        context.update_cursor(cursor)
        return dg.SkipReason("sources/ unchanged since the last tick")
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[dg.AddDynamicPartitionsRequest(RELEASES, new_keys)] if new_keys else [],
        cursor=cursor,
    )
