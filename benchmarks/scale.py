"""Benchmark: ingest and dbt build at synthetic county scale. Prints figures; asserts nothing.

Generates SYNTHETIC data (labelled so in every region name, release and note): counties under
the nation, a release per year, one figure per county, indicator and year, and level targets
on them. It then times the real release loader (read, parse, validate) and a full dbt build
(staging → facts → attainment marts) into a temporary warehouse, and reports peak memory.

    .venv/bin/python benchmarks/scale.py --counties 2800 --indicators 30 --years 15 --targets 50000
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

import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipelines.config import DBT_PROJECT_DIR  # noqa: E402
from pipelines.defs.ingest.plans import load_plans  # noqa: E402
from pipelines.defs.ingest.reference import load_reference  # noqa: E402
from pipelines.defs.ingest.releases import PACKAGE_RELEASE_SCHEMA, load_all_releases  # noqa: E402
from pipelines.lib import warehouse  # noqa: E402

FIRST_YEAR = 2011


def synthesise(sources: Path, counties: int, indicators: int, years: int, targets: int) -> int:
    """Write SYNTHETIC regions, releases, figures and targets beside the shipped sources."""
    regions = sources / "reference" / "regions.csv"
    codes = [f"{900000 + i:06d}" for i in range(counties)]
    pl.DataFrame(
        {
            "region_code": codes,
            "name_zh": [f"SYNTHETIC 县 {i}" for i in range(counties)],
            "name_en": [f"SYNTHETIC county {i}" for i in range(counties)],
            "level": "county",
            "parent_code": "000000",
            "code_scheme": "planwatch",
            "aliases": None,
            "named_in": "SYNTHETIC benchmark",
        }
    ).write_csv(tmp := sources / "reference" / "synthetic_regions.csv")
    with regions.open("a", encoding="utf-8") as handle:
        handle.write(tmp.read_text(encoding="utf-8").split("\n", 1)[1])
    tmp.unlink()

    flows = (
        pl.read_csv(sources / "reference" / "indicators.csv", infer_schema=False)
        .filter(pl.col("unit") == "件")["name_zh"]
        .head(indicators)
        .to_list()
    )
    citations = [f"SYNTHETIC benchmark release {FIRST_YEAR + y + 1}" for y in range(years)]
    release_rows = pl.DataFrame(
        {
            "release_id": [f"synthetic-{FIRST_YEAR + y + 1}" for y in range(years)],
            "citation": citations,
            "publisher": "SYNTHETIC",
            "published_on": [f"{FIRST_YEAR + y + 1}-03-31" for y in range(years)],
            "published_on_precision": "day",
            "published_on_basis": "SYNTHETIC",
            "release_kind": "official_statistics",
            "source_tier": "1",
            "url": "",
        }
    )
    releases = sources / "releases" / "releases.csv"
    with releases.open("a", encoding="utf-8") as handle:
        handle.write(release_rows.write_csv(include_header=False))

    grid = (
        pl.DataFrame({"region": codes})
        .join(pl.DataFrame({"indicator": flows}), how="cross")
        .join(pl.DataFrame({"y": list(range(years))}), how="cross")
        .with_row_index("n")
        .select(
            "region",
            "indicator",
            (pl.col("y") + FIRST_YEAR).cast(pl.String).alias("year"),
            ((pl.col("n") * 7919) % 100000 + pl.col("y") * 500).cast(pl.String).alias("value"),
            pl.lit("件").alias("unit"),
            pl.lit("SYNTHETIC").alias("note"),
            pl.col("y").map_elements(lambda y: citations[y], return_dtype=pl.String).alias("source"),
        )
    )
    grid.write_csv(sources / "releases" / "figures" / "synthetic.csv")

    ids = (
        pl.read_csv(sources / "reference" / "indicators.csv", infer_schema=False)
        .filter(pl.col("name_zh").is_in(flows))["indicator_id"]
        .to_list()
    )
    plan = "synthetic-benchmark"
    with (sources / "reference" / "plans.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            f"{plan},,SYNTHETIC plan,SYNTHETIC plan,SYNTHETIC,,2021-01-01,day,2021,2025,000000,,SYNTHETIC\n"
        )
    header = (sources / "plans" / "sz-ip-14fyp.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    target_frame = pl.DataFrame({"n": list(range(targets))}).select(
        pl.format("{}-{}", pl.lit(plan), pl.col("n")).alias("target_id"),
        pl.col("n").map_elements(lambda n: ids[n % len(ids)], return_dtype=pl.String).alias("indicator_id"),
        pl.col("n")
        .map_elements(lambda n: codes[(n // len(ids)) % counties], return_dtype=pl.String)
        .alias("region_code"),
        pl.lit("level_at_least").alias("target_kind"),
        pl.lit("2025").alias("target_year"),
        ((pl.col("n") * 104729) % 150000).cast(pl.String).alias("target_value"),
        pl.lit("件").alias("unit"),
        pl.lit("SYNTHETIC").alias("source_ref"),
    )
    target_frame.with_columns(
        [pl.lit(None, pl.String).alias(c) for c in header if c not in target_frame.columns]
    ).select(header).write_csv(sources / "plans" / f"{plan}.csv")
    return grid.height


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counties", type=int, default=2800)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--targets", type=int, default=50_000)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="planwatch-bench-"))
    try:
        sources = root / "sources"
        shutil.copytree(REPO / "sources", sources)
        started = time.perf_counter()
        n_figures = synthesise(sources, args.counties, args.indicators, args.years, args.targets)
        print(
            f"SYNTHETIC data: {n_figures:,} figures, {args.targets:,} targets, {args.counties:,} counties "
            f"({time.perf_counter() - started:.1f} s to generate)"
        )

        build = root / "warehouse" / "build" / "planwatch.duckdb"
        started = time.perf_counter()
        reference = load_reference(sources)
        plans = load_plans(sources, reference)
        catalogue, observations = load_all_releases(sources, reference)
        loaded = time.perf_counter() - started
        for tables in (
            reference.as_tables(),
            plans.as_tables(),
            {
                "releases": catalogue,
                "observations": observations,
                "package_releases": pl.DataFrame(schema=PACKAGE_RELEASE_SCHEMA),
            },
        ):
            warehouse.replace_tables(build, "raw", tables)
        written = time.perf_counter() - started - loaded
        print(
            f"ingest: read + parse + validate {loaded:.1f} s ({n_figures / loaded:,.0f} figures/s); "
            f"write raw tables {written:.1f} s"
        )

        env = {**os.environ, "PLANWATCH_BUILD_DB": str(build)}
        dbt = Path(sys.executable).parent / "dbt"
        started = time.perf_counter()
        subprocess.run(
            [str(dbt), "build", "--profiles-dir", ".", "--quiet"], cwd=DBT_PROJECT_DIR, env=env, check=True
        )
        print(
            "dbt build (models, data tests, unit tests, attainment marts): "
            f"{time.perf_counter() - started:.1f} s"
        )
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"peak memory: ingest process {own:,.0f} MiB, dbt {children:,.0f} MiB; "
            f"warehouse {build.stat().st_size / 2**20:,.0f} MiB"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
