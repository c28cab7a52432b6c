"""Releases as a stream, end to end: one run per new release, quarantine, recovery."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from pipelines.defs.ingest.releases import release_fingerprints
from tests.bad_release_corpus import CORPUS
from tests.release_packages import SHAPES
from tests.sourcefiles import read_rows, set_cell, write_rows

pytestmark = pytest.mark.slow


def raw_rows_by_release(workspace) -> dict[str, str]:
    """A digest of each release's rows in the build file's raw.observations."""
    con = duckdb.connect(str(workspace.warehouse / "build" / "planwatch.duckdb"), read_only=True)
    try:
        rows = con.execute("select * from raw.observations order by all").fetchall()
        columns = [c[0] for c in con.description]
    finally:
        con.close()
    by_release: dict[str, list] = {}
    for row in rows:
        by_release.setdefault(row[columns.index("release_id")], []).append(row)
    return {r: hashlib.sha256(repr(v).encode()).hexdigest() for r, v in by_release.items()}


def materialized_partitions(result, asset: str) -> set[str]:
    return {
        e.event_specific_data.materialization.partition
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
        and e.event_specific_data.materialization.asset_key.to_user_string() == asset
    }


def status_of(workspace, target_id: str) -> str:
    return workspace.query("select status from mart_target_attainment where target_id = ?", [target_id])[0][0]


def test_each_new_release_is_taken_on_its_own_and_updates_the_marts(workspace):
    assert workspace.build().success
    assert status_of(workspace, "zz-ip-services-2023-08") == "no_data"  # 专利代理机构 120 家 by 2025
    packages = workspace.sources / "releases" / "packages"
    for shape, make in SHAPES.items():
        before = raw_rows_by_release(workspace)
        release_id = make(packages).name
        result = workspace.ingest_release(release_id)
        assert result.success, shape
        assert materialized_partitions(result, "raw/observations") == {release_id}
        after = raw_rows_by_release(workspace)
        assert {r: d for r, d in after.items() if r != release_id} == before, "another release was touched"
        published = workspace.query("select count(*) from fct_observation where release_id = ?", [release_id])
        assert published[0][0] > 0, shape
    # the wide-by-year XLSX gives Zhengzhou's agencies 2022-2024: 80 → 110 of 120 by 2025
    (row,) = workspace.query(
        "select status, baseline_year, latest_year, latest_value from mart_target_attainment "
        "where target_id = 'zz-ip-services-2023-08'"
    )
    assert row == ("ahead", 2022, 2024, 110.0)
    history = workspace.query(
        "select as_of_date, status from mart_attainment_history "
        "where target_id = 'zz-ip-services-2023-08' order by as_of_date"
    )
    # from the plan's publication (2023-10-16, no data) to the new release (2026-03-01)
    assert [(str(d), s) for d, s in history] == [("2023-10-16", "no_data"), ("2026-03-01", "ahead")]


def test_a_bad_release_is_quarantined_and_taken_again_once_fixed(workspace):
    assert workspace.build().success
    published = workspace.published.read_bytes()
    before = raw_rows_by_release(workspace)
    bad = next(b for b in CORPUS if b.defect == "unknown indicator")
    folder = workspace.sources / "releases" / "packages" / "synthetic-bad-release"
    folder.mkdir(parents=True)
    bad.write(folder)

    result = workspace.ingest_release(folder.name)
    assert not result.success
    report = workspace.warehouse / "quarantine" / "synthetic-bad-release.md"
    text = report.read_text(encoding="utf-8")
    assert (
        "sources/releases/packages/synthetic-bad-release/data.csv | 3 | indicator | 专利代理机构数目" in text
    )
    assert "closest known: 专利代理机构数量" in text
    assert workspace.published.read_bytes() == published  # the warehouse is identical
    assert raw_rows_by_release(workspace) == before  # and so is every release in the build

    (folder / "data.csv").write_text(  # fixed: the label corrected
        "地区,指标,年份,数值,单位\n郑州,专利代理机构数量,2024,96,家\n郑州,专利代理师,2024,600,人\n",
        encoding="utf-8",
    )
    assert workspace.ingest_release(folder.name).success
    assert not report.exists()
    assert workspace.query(
        "select count(*) from fct_observation where release_id = 'synthetic-bad-release'"
    ) == [(2,)]


def test_a_removed_release_takes_its_figures_out(workspace):
    packages = workspace.sources / "releases" / "packages"
    release_id = SHAPES["long_csv"](packages).name
    assert workspace.build().success
    assert workspace.query("select count(*) from fct_observation where release_id = ?", [release_id]) == [
        (3,)
    ]
    for path in sorted((packages / release_id).iterdir()):
        path.unlink()
    (packages / release_id).rmdir()
    assert workspace.ingest_release(release_id).success
    assert workspace.query("select count(*) from fct_observation where release_id = ?", [release_id]) == [
        (0,)
    ]
    assert workspace.query("select count(*) from dim_release where release_id = ?", [release_id]) == [(0,)]


def fct_observation_rows(build_db) -> list[tuple]:
    """Every row but its release's digest and its line in the compiled file: a withdrawn line
    moves the lines (so the rows) of other releases in the same file, which keep their old line
    and digest until they are taken again (the sensor does take them: their fingerprint covers
    their lines)."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return con.execute(
            "select * exclude (release_digest, source_line) from main.fct_observation order by all"
        ).fetchall()
    finally:
        con.close()


def test_one_release_refreshes_fct_observation_incrementally_as_a_full_build_would(workspace):
    """fct_observation is incremental: a run taking one release recomputes only the vintage
    groups changed releases give or gave, and ends with what a full build gives. A release taken
    again unchanged recomputes nothing."""

    assert workspace.build().success
    build_db = workspace.warehouse / "build" / "planwatch.duckdb"
    figures = workspace.sources / "releases" / "figures" / "published_figures.csv"
    con = duckdb.connect(str(build_db))
    try:
        # a release of published_figures.csv whose current figure for some group has an older vintage
        release, flipped_line = con.execute(
            "select release_id, source_line from main.fct_observation where is_current_vintage "
            "and source_file like '%published_figures.csv' and vintage_group_id in "
            "(select vintage_group_id from main.fct_observation group by 1 having count(*) > 1) "
            "and release_id in (select release_id from main.fct_observation group by 1 having count(*) > 2) "
            "order by all limit 1"
        ).fetchone()
        # and another of its figures that is the only vintage of its group (the group vanishes)
        (vanished_line,) = con.execute(
            "select source_line from main.fct_observation where release_id = ? and vintage_group_id in "
            "(select vintage_group_id from main.fct_observation group by 1 having count(*) = 1) "
            "order by all limit 1",
            [release],
        ).fetchone()
        # a sentinel in a group no step below changes: a run that recomputed it would remove it
        untouched = con.execute(
            "update main.fct_observation set note = 'SYNTHETIC sentinel' where observation_id = ("
            "select min(observation_id) from main.fct_observation where release_id like 'cnipa%' "
            "and region_code <> '440300') returning observation_id, release_id"
        ).fetchall()
    finally:
        con.close()
    assert len(untouched) == 1
    # its release taken again as it is: same rows, same digest, nothing recomputed
    assert workspace.ingest_release(untouched[0][1]).success
    assert workspace.query("select count(*) from fct_observation where note = 'SYNTHETIC sentinel'") == [(1,)]

    # a revision withdraws two figures of that release: one group flips vintage, one vanishes
    header, rows = read_rows(figures)
    before = release_fingerprints(workspace.sources)
    write_rows(figures, header, [r for i, r in enumerate(rows) if i + 2 not in (flipped_line, vanished_line)])
    moved = {r for r, digest in release_fingerprints(workspace.sources).items() if before[r] != digest}
    assert release in moved and len(moved) > 1, "the sensor would not re-take releases whose lines moved"
    assert workspace.ingest_release(release).success
    # a figure of another release is corrected
    pct_2021 = {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2021"}
    set_cell(figures, pct_2021, "value", "17999")
    assert workspace.ingest_release("sz-ip-conference-2022-04-27").success
    # a new release package
    package = SHAPES["long_csv"](workspace.sources / "releases" / "packages")
    assert workspace.ingest_release(package.name).success

    incremental = fct_observation_rows(build_db)
    sentinel = workspace.query("select note from fct_observation where observation_id = ?", [untouched[0][0]])
    assert sentinel == [("SYNTHETIC sentinel",)], "a group no changed release gives was recomputed"
    assert workspace.query("select count(*) from fct_observation where value_as_published = 17999") == [(1,)]
    assert workspace.build().success  # a full build (--full-refresh) of the same sources
    full = fct_observation_rows(build_db)
    assert workspace.query("select count(*) from fct_observation where note = 'SYNTHETIC sentinel'") == [(0,)]
    # the same rows, vintages and current flags, but for the sentinel's note
    assert len(incremental) == len(full)
    differing = [(a, b) for a, b in zip(incremental, full, strict=True) if a != b]
    assert len(differing) == 1 and "SYNTHETIC sentinel" in differing[0][0], [
        (i, x, y) for a, b in differing[:3] for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y
    ]


def build_rows(build_db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


ATTAINMENT_MARTS = ["mart_attainment_history", "mart_target_attainment", "mart_plan_scorecard"]


def test_one_release_reassesses_only_the_targets_it_touches_as_a_full_build_would(workspace):
    """The attainment history is incremental by target: a run taking one release reassesses at
    every date only the targets whose values it changed, and, when it moves the latest release
    date, every other target at that date only; the marts then hold what a full build gives."""
    assert workspace.build().success
    build_db = workspace.warehouse / "build" / "planwatch.duckdb"
    (targets,) = build_rows(build_db, "select count(*) from main.fct_target")[0]

    def reassessed() -> dict[str, tuple[bool, bool]]:
        return {
            t: (all_dates, latest)
            for t, all_dates, latest in build_rows(
                build_db, "select * exclude (target_key) from intermediate.int_targets_to_assess"
            )
        }

    # a sentinel in an earlier row of a target no step below gives a value: a run that
    # reassessed it at every date would replace it
    con = duckdb.connect(str(build_db))
    try:
        sentinel = con.execute(
            "update main.mart_attainment_history set source_ref = 'SYNTHETIC sentinel' "
            "where target_id = 'sz-ip-14fyp-01' and as_of_date = (select min(as_of_date) "
            "from main.mart_attainment_history where target_id = 'sz-ip-14fyp-01') returning as_of_date"
        ).fetchall()
    finally:
        con.close()
    assert len(sentinel) == 1

    def sentinel_kept() -> bool:
        return build_rows(
            build_db,
            "select count(*) from main.mart_attainment_history where source_ref = 'SYNTHETIC sentinel'",
        ) == [(1,)]

    # a release taken again unchanged: no target is reassessed
    assert workspace.ingest_release("sz-ip-conference-2022-04-27").success
    assert reassessed() == {} and sentinel_kept()

    # a corrected figure (PCT applications, Shenzhen, 2019: a 13th Five-Year Plan target's
    # window): the targets on that series only, at every date; the latest release did not move
    ((pct_release,),) = build_rows(
        build_db,
        "select release_id from main.fct_observation where indicator_id = 'pct_applications' "
        "and region_code = '440300' and period_year = 2019 and value_as_published = 17459",
    )
    figures = workspace.sources / "releases" / "figures" / "published_figures.csv"
    set_cell(
        figures, {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2019"}, "value", "17460"
    )
    assert workspace.ingest_release(pct_release).success
    corrected = reassessed()
    pct_targets = {
        t
        for (t,) in build_rows(
            build_db,
            "select target_id from main.fct_target "
            "where indicator_id = 'pct_applications' and region_code = '440300'",
        )
    }
    assert corrected and set(corrected) <= pct_targets, corrected
    assert all(all_dates and not latest for all_dates, latest in corrected.values())
    assert sentinel_kept()

    # a new release published after every other (SYNTHETIC, 2026-03-01): the targets it gives
    # values for at every date, every other target at the new latest date only
    package = SHAPES["long_csv"](workspace.sources / "releases" / "packages")
    assert workspace.ingest_release(package.name).success
    moved = reassessed()
    assert len(moved) == targets and all(latest for _, latest in moved.values())
    touched = {t for t, (all_dates, _) in moved.items() if all_dates}
    assert "zz-ip-services-2023-07" in touched and len(touched) < targets / 2, touched
    assert sentinel_kept(), "an earlier row of a target the release gives no value for was recomputed"
    assert workspace.query(
        "select max(as_of_date) from mart_attainment_history where is_latest"
    ) == workspace.query("select max(as_of_date) from mart_attainment_history")

    incremental = {m: build_rows(build_db, f"select * from main.{m} order by all") for m in ATTAINMENT_MARTS}
    assert workspace.build().success  # a full build (--full-refresh) of the same sources
    full = {m: build_rows(build_db, f"select * from main.{m} order by all") for m in ATTAINMENT_MARTS}
    assert not sentinel_kept()
    for mart in ATTAINMENT_MARTS:
        assert len(incremental[mart]) == len(full[mart]), mart
        differing = [(a, b) for a, b in zip(incremental[mart], full[mart], strict=True) if a != b]
        allowed = 1 if mart == "mart_attainment_history" else 0  # the sentinel's row
        assert len(differing) == allowed, (mart, differing[:2])
        assert all("SYNTHETIC sentinel" in a for a, _ in differing)


def test_a_warehouse_built_before_release_digests_takes_a_release(workspace):
    """A warehouse an earlier planwatch built (no release_digest, no vintage_group_id) takes a
    release: the first such run rebuilds fct_observation whole, the next ones incrementally, and
    the figures of releases loaded before digests existed stay."""
    assert workspace.build().success
    build_db = workspace.warehouse / "build" / "planwatch.duckdb"
    con = duckdb.connect(str(build_db))
    try:
        con.execute("alter table raw.observations drop column release_digest")
        con.execute("alter table main.fct_observation drop column release_digest")
        con.execute("alter table main.fct_observation drop column vintage_group_id")
    finally:
        con.close()
    figures = workspace.sources / "releases" / "figures" / "published_figures.csv"
    pct_2021 = {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2021"}
    set_cell(figures, pct_2021, "value", "17999")
    assert workspace.ingest_release("sz-ip-conference-2022-04-27").success
    undigested = workspace.query("select count(*) from fct_observation where release_digest = -1")
    assert undigested[0][0] > 0  # every other release as an earlier planwatch loaded it
    set_cell(figures, pct_2021, "value", "17998")
    assert workspace.ingest_release("sz-ip-conference-2022-04-27").success  # now incremental
    assert workspace.query("select count(*) from fct_observation where release_digest = -1") == undigested
    incremental = fct_observation_rows(build_db)
    assert workspace.build().success
    assert incremental == fct_observation_rows(build_db)
    assert workspace.query("select count(*) from fct_observation where value_as_published = 17998") == [(1,)]
