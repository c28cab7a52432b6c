"""Releases as dynamic partitions: one partition per release (catalogued or package)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.defs.ingest.releases import release_ids

RELEASES = "releases"
release_partitions = dg.DynamicPartitionsDefinition(name=RELEASES)

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def register_releases(instance: dg.DagsterInstance, sources: Path) -> list[str]:
    """Add a partition for every release in `sources` that has none; return all partition keys.

    Keys of releases since removed stay registered: ingesting such a partition removes the
    release's rows from the warehouse.
    """
    known = set(instance.get_dynamic_partitions(RELEASES))
    new = [r for r in release_ids(sources) if r not in known]
    if new:
        instance.add_dynamic_partitions(RELEASES, new)
    return list(instance.get_dynamic_partitions(RELEASES))


def all_partitions_tags(keys: list[str]) -> dict[str, str]:
    """Run tags that make one run ingest every release partition (single-run backfill policy)."""
    return {RANGE_START: keys[0], RANGE_END: keys[-1]}
