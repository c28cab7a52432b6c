"""Benchmark: the release step's writes and its DuckDB checkpoint threshold on SYNTHETIC national
data. Prints figures; asserts nothing.

The release step (pipelines/defs/ingest/assets.py, release_figures) writes each release in its own
transaction: a release the build file does not hold is inserted, a changed one replaces the rows
it had, and one the file holds exactly is left as it is (write_release). This takes the SYNTHETIC
release packages of benchmarks/national.py at a scale and, for each threshold, runs the step's
loop (take_releases) outside Dagster three times on one file:
into an empty file (a first build), every release again unchanged (every `make run` after the
first), and every release again as changed (the file's digests set to unknown, as after an upgrade
that changes them). Each threshold runs in its own process, so its peak memory is its own.

    .venv/bin/python benchmarks/release_checkpoints.py --scale 1 16MB 256MB 1GB
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.national import FULL_REGIONS, LABEL, generate, write_sources  # noqa: E402


def take_every_release(sources: Path, build: Path, threshold: str) -> float:
    """The release step's loop over every release into `build`; seconds taken."""
    from pipelines.defs.ingest.reference import load_reference
    from pipelines.defs.ingest.releases import (
        load_catalogue,
        read_compiled_figures,
        release_ids,
        take_releases,
    )
    from pipelines.lib import warehouse

    started = time.perf_counter()
    reference, catalogue = load_reference(sources), load_catalogue(sources)
    compiled = read_compiled_figures(sources)
    con = warehouse.connect_build(build, checkpoint_threshold=threshold)
    try:
        for _ in take_releases(con, sources, reference, catalogue, release_ids(sources), compiled):
            pass
    finally:
        con.close()  # the last checkpoint
    return time.perf_counter() - started


def measure(sources: Path, build: Path, threshold: str) -> None:
    """One threshold: a first build into an empty file, then every release again, unchanged and
    as changed."""
    from pipelines.defs.ingest.releases import DIGEST_UNKNOWN, RELEASE_DIGEST, ensure_release_tables
    from pipelines.lib import warehouse

    ensure_release_tables(build)
    first = take_every_release(sources, build, threshold)
    unchanged = take_every_release(sources, build, threshold)
    con = warehouse.connect_build(build)
    try:  # untimed: the file as an older planwatch, or a polars whose row hashes differ, leaves it
        con.execute(f"update raw.observations set {RELEASE_DIGEST} = {DIGEST_UNKNOWN}")
    finally:
        con.close()
    changed = take_every_release(sources, build, threshold)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"  checkpoint_threshold {threshold:>6}: into an empty file {first:6.1f} s, every release "
        f"again unchanged {unchanged:6.1f} s, as changed {changed:6.1f} s, peak RSS {peak:.2f} GiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("thresholds", nargs="*", default=["16MB", "1GB"], help="DuckDB sizes, e.g. 16MB 1GB")
    parser.add_argument("--scale", type=float, default=0.1, help="share of the 3,000 regions (0.01, 0.1, 1)")
    parser.add_argument("--measure", nargs=2, metavar=("ROOT", "THRESHOLD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child process of one threshold
        root, threshold = Path(args.measure[0]), args.measure[1]
        measure(root / "sources", root / f"build-{threshold}.duckdb", threshold)
        return
    root = Path(tempfile.mkdtemp(prefix="planwatch-checkpoints-"))
    regions = max(1, round(FULL_REGIONS * args.scale))
    os.environ.update(
        PLANWATCH_SOURCES_DIR=str(root / "sources"),
        PLANWATCH_MAX_ROWS=str(10_000_000),
        PLANWATCH_MAX_FILE_BYTES=str(4 * 2**30),
    )
    try:
        generate(root / "floor-data", regions)
        packages = write_sources(root / "floor-data", root / "sources")
        print(f"{LABEL} release packages at scale {args.scale:g}: {packages} packages, {regions:,} regions")
        for threshold in args.thresholds:
            subprocess.run([sys.executable, __file__, "--measure", str(root), threshold], check=True)
            (root / f"build-{threshold}.duckdb").unlink()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
