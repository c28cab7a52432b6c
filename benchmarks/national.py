"""Benchmark: the real pipeline on a nation's counties, beside the floor. Prints figures; asserts nothing.

Everything it generates is SYNTHETIC and labelled so (regions, indicators, plans, releases, notes).

1. The floor's own generator (../shared/benchmarks/floor/generate.py) writes SYNTHETIC observations
   (regions x 300 indicators x 25 years, 1-3 vintages) and level/increment targets as Parquet.
2. The same data becomes planwatch sources: 300 indicators and the regions in reference/, two
   plans of targets in plans/, and one release package (manifest.toml + long CSV) per
   publication date: 25 years x 3 vintages = 75 packages.
3. The real pipeline: the Dagster job `make run` runs (build_warehouse over every release
   partition, in process), into a temporary warehouse.
4. The floor: ../shared/benchmarks/floor/floor.sql over the Parquet files, in this process.
5. Two new releases, each taken as the sensor takes it (job ingest_release): a revision of 1 % of
   the rows, published after all others (every target gets a new latest assessment date), then a
   correction of one county's figures on the same day (only that county's targets are reassessed).

It prints per stage times, peak RSS of the whole process tree (this process and dbt's), the
warehouse size, every figure as a ratio to the floor and the goals of issue 10 beside them, and
whether every target's status equals the floor's.

    make benchmark-national                       # --scale 0.01
    .venv/bin/python benchmarks/national.py --scale 0.1
    .venv/bin/python benchmarks/national.py --scale 1 --keep /tmp/national
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
FLOOR = REPO.parent / "shared" / "benchmarks" / "floor"
FULL_REGIONS, INDICATORS, YEARS = 3000, 300, 25
LABEL = "SYNTHETIC"
REGION_BASE = 900000  # synthetic region r has code 900000 + r (no GB/T 2260 code starts with 9)
PLANS = {
    "increment": ("synthetic-national-2016", 2016, 2020, "2016-03-01"),
    "level_at_least": ("synthetic-national-2021", 2021, 2025, "2021-03-01"),
}
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # dbt's lines go to the log
GOALS = {"attainment": 1.5, "end_to_end": 3.0, "peak_gib": 8.0, "new_release_share": 0.10}
# what the floor computes: the target-attainment mart and every dbt model it is built from
ATTAINMENT_MART = "model.planwatch.mart_target_attainment"
HISTORY_MART = "model.planwatch.mart_attainment_history"


class PeakRss:
    """Samples the resident memory of this process and all its descendants (dbt) from /proc."""

    def __init__(self, every: float = 0.25) -> None:
        self.peak = 0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(os.getpid()))
            time.sleep(self._every)


def _tree_rss(root: int) -> int:
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            children[int(fields[1])].append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def generate(data: Path, regions: int) -> None:
    """The floor's generator, unchanged, at this many regions."""
    subprocess.run(
        [sys.executable, str(FLOOR / "generate.py"), str(data), "--regions", str(regions)],
        check=True,
    )


def write_sources(data: Path, sources: Path) -> int:
    """The floor's SYNTHETIC Parquet as planwatch sources; returns the number of packages."""
    import duckdb

    shutil.copytree(REPO / "sources", sources)  # the shipped sources stay in (they are small)
    con = duckdb.connect()
    obs, targets = f"read_parquet('{data}/observations.parquet')", f"read_parquet('{data}/targets.parquet')"
    regions = con.execute(f"select max(region) + 1 from {obs}").fetchone()[0]
    indicators = con.execute(f"select max(indicator) + 1 from {obs}").fetchone()[0]
    con.execute(f"""
        copy (select {REGION_BASE} + range as region_code, '{LABEL} 县 ' || range as name_zh,
                     '{LABEL} county ' || range as name_en, 'county' as level, '000000' as parent_code,
                     'planwatch' as code_scheme, null as aliases, '{LABEL} benchmark' as named_in
              from range({regions}))
        to '{sources}/reference/regions_synthetic.csv' (header false)""")
    con.execute(f"""
        copy (select {_indicator_id("range")} as indicator_id, '{LABEL} 指标 ' || range as name_zh,
                     '{LABEL} indicator ' || range as name_en, '件' as unit, 'higher' as direction,
                     'stock' as measure_kind, 'synthetic' as domain, null, null, null,
                     '{LABEL} benchmark indicator' as description_en
              from range({indicators}))
        to '{sources}/reference/indicators_synthetic.csv' (header false)""")
    for name in ("regions", "indicators"):
        _append(sources / "reference" / f"{name}.csv", sources / "reference" / f"{name}_synthetic.csv")
    with (sources / "reference" / "plans.csv").open("a", encoding="utf-8") as handle:
        for plan_id, start, end, published in PLANS.values():
            handle.write(
                f"{plan_id},,{LABEL} 规划 {start}-{end},{LABEL} plan {start}-{end},{LABEL},,{published},day,"
                f"{start},{end},000000,,{LABEL} benchmark plan,active\n"
            )
    header = (REPO / "sources" / "plans" / "sz-ip-14fyp.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    for kind, (plan_id, *_rest) in PLANS.items():
        columns = {
            "target_id": f"'{plan_id}-' || target_id",
            "indicator_id": _indicator_id("indicator"),
            "region_code": f"cast({REGION_BASE} + region as varchar)",
            "target_kind": "kind",
            "baseline_year": "baseline_year",
            "target_year": "target_year",
            "target_value": "target_value",
            "unit": "'件'",
            "path": "'linear'",
            "source_ref": f"'{LABEL}: ../shared/benchmarks/floor/generate.py target ' || target_id",
        }
        select = ", ".join(f"{columns.get(c, 'null')} as {c}" for c in header.split(","))
        con.execute(
            f"copy (select {select} from {targets} where kind = '{kind}' order by target_id) "
            f"to '{sources}/plans/{plan_id}.csv' (header true)"
        )
    staging = sources / "releases" / "staging"
    con.execute(f"""
        copy (select 'synthetic-' || year || '-v' || vintage as release_id,
                     {REGION_BASE} + region as 地区, '{LABEL} 指标 ' || indicator as 指标, year as 年份,
                     cast(value as varchar) as 数值, '件' as 单位, '{LABEL}' as 备注
              from {obs})
        to '{staging}' (format csv, partition_by (release_id))""")
    releases = con.execute(f"select distinct year, vintage, published_on from {obs} order by all").fetchall()
    for year, vintage, published_on in releases:
        folder = sources / "releases" / "packages" / f"synthetic-{year}-v{vintage}"
        folder.mkdir(parents=True)
        (staging / f"release_id=synthetic-{year}-v{vintage}" / "data_0.csv").rename(folder / "figures.csv")
        _write_manifest(folder, year, vintage, published_on)
    shutil.rmtree(staging)
    return len(releases)


def _indicator_id(column: str) -> str:
    return f"'synthetic_indicator_' || lpad(cast({column} as varchar), 3, '0')"


def _append(target: Path, rows: Path) -> None:
    with target.open("a", encoding="utf-8") as handle:
        handle.write(rows.read_text(encoding="utf-8"))
    rows.unlink()


def _write_manifest(folder: Path, year: int, vintage: int, published_on: str, title: str = "") -> None:
    """A long-layout manifest, as the tests write theirs (tests/release_packages.py)."""
    from tests.bad_release_corpus import LONG_LAYOUT
    from tests.release_packages import write_manifest

    write_manifest(
        folder,
        title=title or f"{LABEL} county statistics {year}, vintage {vintage}",
        path="figures.csv",
        layout=LONG_LAYOUT + 'note_column = "备注"\n',
        start_year=year,
        end_year=year,
        published_on=published_on,
    )


def add_new_release(data: Path, sources: Path) -> tuple[str, int]:
    """A SYNTHETIC revision of 1 % of the rows: the latest year's figures of 1 % of the series.

    Published after every other release, it moves the latest assessment date of every target."""
    return _write_release(
        data,
        sources,
        "synthetic-2025-revision",
        where="vintage = 0 and year = 2025",
        limit_share=0.01,
        year=2025,
        published_on="2026-10-15",
        title=f"{LABEL} county statistics 2025, revision",
    )


def add_correction(data: Path, sources: Path) -> tuple[str, int]:
    """A SYNTHETIC correction of one county's 2024 figures, published the same day as the revision:
    it touches that county's targets only and moves no assessment date."""
    return _write_release(
        data,
        sources,
        "synthetic-2024-county-correction",
        where=f"vintage = 0 and year = 2024 and region = (select max(region) from {_obs(data)})",
        limit_share=1.0,
        year=2024,
        published_on="2026-10-15",
        title=f"{LABEL} county statistics 2024, correction of one county",
    )


def _obs(data: Path) -> str:
    return f"read_parquet('{data}/observations.parquet')"


def _write_release(
    data: Path,
    sources: Path,
    release_id: str,
    *,
    where: str,
    limit_share: float,
    year: int,
    published_on: str,
    title: str,
) -> tuple[str, int]:
    """One more SYNTHETIC release package: the floor's figures selected by `where` (at most
    `limit_share` of all rows), 2 % higher. Returns its id and rows."""
    import duckdb

    folder = sources / "releases" / "packages" / release_id
    folder.mkdir(parents=True)
    con = duckdb.connect()
    total = con.execute(f"select count(*) from {_obs(data)}").fetchone()[0]
    con.execute(f"""
        copy (select {REGION_BASE} + region as 地区, '{LABEL} 指标 ' || indicator as 指标, year as 年份,
                     cast(value * 1.02 as varchar) as 数值, '件' as 单位, '{LABEL} revision' as 备注
              from {_obs(data)}
              where {where}
              limit {int(total * limit_share)})
        to '{folder}/figures.csv' (header true)""")
    rows = con.execute(f"select count(*) from read_csv('{folder}/figures.csv')").fetchone()[0]
    _write_manifest(folder, year, 4, published_on, title)
    return release_id, rows


def run_floor(data: Path):
    """floor.sql in this process, timed as run_floor.py times it; returns seconds and a connection."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"set variable data = '{data}'")
    statements = [s for s in (FLOOR / "floor.sql").read_text().split(";") if s.strip()]
    started = time.perf_counter()
    for statement in statements:
        result = con.execute(statement)
        if result is not None:
            result.fetchall()
    return time.perf_counter() - started, con


@dataclass
class TakenRelease:
    """One release taken as the sensor takes it (job ingest_release), and what it cost."""

    release_id: str
    rows: int
    run: object  # the run's ExecuteInProcessResult
    seconds: float
    peak: int
    steps: dict[str, float]
    nodes: dict[str, float]
    reassessed: tuple[int, int]  # targets reassessed, all targets

    def report(self, figures: int, full_build: float) -> None:
        share, goal = self.seconds / full_build, GOALS["new_release_share"]
        print(
            f"\nrelease {self.release_id} ({self.rows:,} rows, {self.rows / figures:.2%} of the figures), "
            f"job ingest_release: {'ok' if self.run.success else 'FAILED'} in {self.seconds:.1f} s = "
            f"{share:.0%} of the full build (goal ≤ {goal:.0%}: {'met' if share <= goal else 'NOT met'}); "
            f"peak {self.peak / 2**30:.2f} GiB; {self.reassessed[0]:,} of {self.reassessed[1]:,} targets "
            "reassessed"
        )
        for step, seconds in sorted(self.steps.items(), key=lambda kv: -kv[1]):
            print(f"  step {step:<47} {seconds:8.1f} s")
        for layer, seconds in sorted(by_layer(self.nodes).items()):
            print(f"  dbt {layer + ' (node time)':<47} {seconds:8.1f} s")
        slowest = sorted(self.nodes.items(), key=lambda kv: -kv[1])[:6]
        print("  slowest dbt nodes: " + ", ".join(f"{u.split('.')[-1]} {t:.1f} s" for u, t in slowest))


def take_release(instance, sources: Path, log: Path, release_id: str, rows: int) -> TakenRelease:
    from pipelines.definitions import defs
    from pipelines.defs.ingest.partitions import register_releases

    with PeakRss() as rss:
        since = time.time()
        started = time.perf_counter()
        register_releases(instance, sources)
        with log.open("a") as out, contextlib.redirect_stdout(out):
            run = defs.resolve_job_def("ingest_release").execute_in_process(
                instance=instance, raise_on_error=False, run_config=QUIET, partition_key=release_id
            )
        seconds = time.perf_counter() - started
    return TakenRelease(
        release_id,
        rows,
        run,
        seconds,
        rss.peak,
        step_times(instance, run.run_id),
        dbt_node_times(since),
        _targets_reassessed(),
    )


def _targets_reassessed() -> tuple[int, int]:
    """Targets the last build reassessed (int_targets_to_assess) and all targets, from the build file."""
    import duckdb

    with duckdb.connect(os.environ["PLANWATCH_BUILD_DB"], read_only=True) as con:
        return con.execute(
            "select (select count(*) from intermediate.int_targets_to_assess), "
            "(select count(*) from main.fct_target)"
        ).fetchone()


def step_times(instance, run_id: str) -> dict[str, float]:
    """Seconds from each step's start to its success or failure, from the run's event log."""
    import dagster as dg

    started, times = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = entry.timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            times[event.step_key] = entry.timestamp - started[event.step_key]
    return times


def dbt_node_times(since: float) -> dict[str, float]:
    """Execution seconds of each dbt node in the newest `dbt build` after `since`."""
    target = REPO / "dbt" / "planwatch" / "target"
    builds = []
    for path in target.glob("*/run_results.json"):
        if path.stat().st_mtime >= since:
            results = json.loads(path.read_text())
            if results["args"].get("which") == "build":
                builds.append((path.stat().st_mtime, results))
    if not builds:
        return {}
    out = {}
    for result in max(builds, key=lambda b: b[0])[1]["results"]:
        seconds = sum(
            _seconds(t["completed_at"]) - _seconds(t["started_at"])
            for t in result["timing"]
            if t["name"] == "execute" and t.get("started_at")
        )
        out[result["unique_id"]] = seconds or result["execution_time"]
    return out


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def attainment_models() -> set[str]:
    """The dbt models the attainment mart is built from, and the mart itself (dbt's manifest)."""
    from pipelines.defs.transform.project import planwatch_dbt_project

    parents = json.loads(planwatch_dbt_project.manifest_path.read_text())["parent_map"]
    found, todo = set(), [ATTAINMENT_MART]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += parents.get(node, [])
    return {node for node in found if node.startswith("model.")}


def by_layer(nodes: dict[str, float]) -> dict[str, float]:
    layers: dict[str, float] = defaultdict(float)
    attainment = attainment_models()
    for unique_id, seconds in nodes.items():
        kind, _project, name = unique_id.split(".")[:3]
        if kind == "model":
            layer = (
                "staging"
                if name.startswith("stg_")
                else "intermediate"
                if name.startswith("int_")
                else "marts"
            )
            layers[f"models: {layer}"] += seconds
            if unique_id in attainment:
                layers["attainment models (raw figures → target marts)"] += seconds
            if unique_id == HISTORY_MART:
                layers["history mart"] += seconds
        else:
            layers[f"{kind}s"] += seconds
    return dict(layers)


def floor_within_target_year(floor) -> None:
    """The floor's rule with one change: the latest year counts only up to the target year.

    The floor reads an increment target of 2015-2020 at 2025, the last year it has; planwatch
    reads it at its target year (METHOD.md: the assessment is final once the target year's value
    is known; int_target_inputs_resolved: later values do not count). Comparing with this
    variant too shows whether that one rule is the whole difference.
    """
    sql = (FLOOR / "floor.sql").read_text()
    within = sql.replace(
        "and l.year > base.baseline_year", "and l.year > base.baseline_year and l.year <= base.target_year"
    )
    within = within.replace("temp table attainment as", "temp table attainment_within_target_year as")
    assert within.count("attainment_within_target_year") == 1 and "l.year <= base.target_year" in within
    statements = [s for s in within.split(";") if "attainment_within_target_year" in s]
    floor.execute(statements[0])


def compare_statuses(floor, published: Path) -> list[tuple]:
    """Per kind: targets, statuses equal to the floor's, and to the floor read within the target year."""
    floor_within_target_year(floor)
    floor.execute(f"attach '{published}' as pw (read_only)")
    plan_of = " ".join(f"when '{kind}' then '{plan_id}'" for kind, (plan_id, *_r) in PLANS.items())
    return floor.execute(f"""
        with ours as (
            select target_id, status from pw.main.mart_target_attainment
            where plan_id like 'synthetic-national-%'
        ),
        joined as (
            select f.kind, f.status as floor_status, w.status as within_status, o.status as our_status
            from attainment f
            inner join attainment_within_target_year w using (target_id)
            left join ours o on o.target_id = (case f.kind {plan_of} end) || '-' || f.target_id
        )
        select kind, count(*) as targets, count(*) filter (where floor_status = our_status) as equal,
               list(distinct floor_status || ' → ' || coalesce(our_status, 'missing'))
                   filter (where floor_status is distinct from our_status) as differences,
               count(*) filter (where within_status = our_status) as equal_within
        from joined group by kind order by kind""").fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.01, help="share of the 3,000 regions (0.01, 0.1, 1)")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="planwatch-national-"))
    root.mkdir(parents=True, exist_ok=True)
    regions = max(1, round(FULL_REGIONS * args.scale))
    data, sources, warehouse = root / "floor-data", root / "sources", root / "warehouse"
    for folder in (data, sources, warehouse):
        shutil.rmtree(folder, ignore_errors=True)
    os.environ.update(
        PLANWATCH_SOURCES_DIR=str(sources),
        PLANWATCH_WAREHOUSE_DIR=str(warehouse),
        PLANWATCH_BUILD_DB=str(warehouse / "build" / "planwatch.duckdb"),
        PLANWATCH_MAX_ROWS=str(10_000_000),
        PLANWATCH_MAX_FILE_BYTES=str(4 * 2**30),
    )
    print(
        f"{LABEL} national benchmark at scale {args.scale:g}: {regions:,} regions x {INDICATORS} "
        f"indicators x {YEARS} years, in {root}",
        flush=True,
    )
    try:
        started = time.perf_counter()
        generate(data, regions)
        packages = write_sources(data, sources)
        print(
            f"  generated and written as {packages} release packages in {time.perf_counter() - started:.1f} s"
        )
        report(data, sources, warehouse, packages)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def report(data: Path, sources: Path, warehouse: Path, packages: int) -> None:
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.ingest.partitions import all_partitions_tags, register_releases

    instance = dg.DagsterInstance.ephemeral()
    log = warehouse.parent / "pipeline.log"
    print(f"  running the pipeline (log: {log}) …", flush=True)
    with PeakRss() as rss:
        since = time.time()
        started = time.perf_counter()
        keys = register_releases(instance, sources)
        with log.open("w") as out, contextlib.redirect_stdout(out):  # dbt's lines go to the log
            result = defs.resolve_job_def("build_warehouse").execute_in_process(
                instance=instance, raise_on_error=False, run_config=QUIET, tags=all_partitions_tags(keys)
            )
        pipeline = time.perf_counter() - started
        if not result.success:
            sys.exit(f"the pipeline failed: {[e.message for e in result.all_events if e.is_step_failure]}")
        steps = step_times(instance, result.run_id)
        nodes = by_layer(dbt_node_times(since))
        pipeline_peak = rss.peak
    floor_seconds, floor = run_floor(data)
    statuses = compare_statuses(floor, warehouse / "planwatch.duckdb")
    figures, targets = floor.execute(
        f"select (select count(*) from read_parquet('{data}/observations.parquet')), "
        f"(select count(*) from read_parquet('{data}/targets.parquet'))"
    ).fetchone()
    floor.close()

    taken = [
        take_release(instance, sources, log, *add(data, sources)) for add in (add_new_release, add_correction)
    ]
    size = sum(f.stat().st_size for f in (warehouse / "current").resolve().rglob("*") if f.is_file())

    def line(name: str, seconds: float, goal: float | None = None) -> None:
        ratio = seconds / floor_seconds
        goal_text = f"   goal ≤ {goal:g}× floor: {'met' if ratio <= goal else 'NOT met'}" if goal else ""
        print(f"  {name:<52} {seconds:8.1f} s {ratio:7.2f}× floor{goal_text}")

    ingest = sum(t for k, t in steps.items() if k.startswith(("reference_sources", "plan_", "release_")))
    print(f"\n{LABEL} data: {figures:,} figures, {targets:,} targets, {packages} release packages")
    print(f"floor (floor.sql, same data, this process): {floor_seconds:.1f} s\n")
    print("pipeline (Dagster job build_warehouse, in process):")
    for step, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"  step {step:<47} {seconds:8.1f} s")
    line("ingest and validation (all ingest steps)", ingest)
    for layer, seconds in sorted(nodes.items()):
        line(
            f"dbt {layer} (node time)",
            seconds,
            GOALS["attainment"] if layer.startswith("attainment") else None,
        )
    line("end to end", pipeline, GOALS["end_to_end"])
    peak_gib = pipeline_peak / 2**30
    print(
        f"  peak RSS, process tree: {peak_gib:.2f} GiB (goal ≤ {GOALS['peak_gib']:g} GiB: "
        f"{'met' if peak_gib <= GOALS['peak_gib'] else 'NOT met'})"
    )
    print(f"  warehouse published: {size / 2**30:.2f} GiB (database, Parquet, docs, report)")
    for release in taken:
        release.report(figures, pipeline)
    print("\nstatuses against the floor's, every target:")
    for kind, n, equal, differences, equal_within in statuses:
        print(
            f"  {kind:<16} {equal:,} of {n:,} equal"
            + (f"; differences: {differences}" if differences else "")
        )
        print(f"  {'':<16} {equal_within:,} of {n:,} equal to the floor read within the target year")


if __name__ == "__main__":
    main()
