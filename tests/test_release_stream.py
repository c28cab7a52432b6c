"""Releases as a stream, end to end: one run per new release, quarantine, recovery."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from pipelines.defs.ingest.releases import release_fingerprints
from tests.bad_release_corpus import CORPUS
from tests.release_packages import LONG_LAYOUT, SHAPES, write_manifest
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


def test_each_new_release_is_taken_on_its_own_and_updates_the_marts(built_copy):
    workspace = built_copy
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


def test_a_bad_release_is_quarantined_and_taken_again_once_fixed(built_copy):
    workspace = built_copy
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


def build_rows(build_db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


ATTAINMENT_MARTS = ["mart_attainment_history", "mart_target_attainment", "mart_plan_scorecard"]
HISTORY_SENTINEL_TARGET = "sz-ip-14fyp-01"  # a 14th Five-Year Plan target no step below gives a value


def test_releases_refresh_the_warehouse_incrementally_as_a_full_build_would(built_copy):
    """A run taking one release is incremental and ends with what a full build gives:
    - fct_observation recomputes only the vintage groups changed releases give or gave;
    - the attainment history reassesses at every date only the targets whose values the release
      changed and, when it moves the latest release date (on, or back when the latest release
      is withdrawn), every other target at that date only.
    A release taken again unchanged recomputes nothing."""
    workspace = built_copy
    build_db = workspace.warehouse / "build" / "planwatch.duckdb"
    figures = workspace.sources / "releases" / "figures" / "published_figures.csv"
    (targets,) = build_rows(build_db, "select count(*) from main.fct_target")[0]
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
        # sentinels a run that recomputed their rows would remove: a figure of a group no step
        # below changes, and the earliest assessment of a target no step below gives a value
        untouched = con.execute(
            "update main.fct_observation set note = 'SYNTHETIC sentinel' where observation_id = ("
            "select min(observation_id) from main.fct_observation where release_id like 'cnipa%' "
            "and region_code <> '440300') returning observation_id, release_id"
        ).fetchall()
        assessed = con.execute(
            "update main.mart_attainment_history set source_ref = 'SYNTHETIC sentinel' "
            "where target_id = $t and as_of_date = (select min(as_of_date) "
            "from main.mart_attainment_history where target_id = $t) returning as_of_date",
            {"t": HISTORY_SENTINEL_TARGET},
        ).fetchall()
    finally:
        con.close()
    assert len(untouched) == 1 and len(assessed) == 1

    def reassessed() -> dict[str, tuple[bool, bool]]:
        """target_id: (reassessed at every date, reassessed at the latest date), as the last run chose."""
        rows = build_rows(build_db, "select * exclude (target_key) from intermediate.int_targets_to_assess")
        assert HISTORY_SENTINEL_TARGET not in {t for t, all_dates, _ in rows if all_dates}, rows
        return {t: (all_dates, latest) for t, all_dates, latest in rows}

    def sentinels_kept() -> bool:
        return build_rows(
            build_db,
            "select (select count(*) from main.fct_observation where note = 'SYNTHETIC sentinel'), "
            "(select count(*) from main.mart_attainment_history where source_ref = 'SYNTHETIC sentinel')",
        ) == [(1, 1)]

    # the sentinel's release taken again as it is: same rows, same digest, nothing recomputed
    assert workspace.ingest_release(untouched[0][1]).success
    assert reassessed() == {} and sentinels_kept()

    # a corrected figure (PCT applications, Shenzhen, 2019: in a 13th Five-Year Plan target's
    # window): the targets on that series only, at every date; the latest release did not move
    ((pct_release,),) = build_rows(
        build_db,
        "select release_id from main.fct_observation where indicator_id = 'pct_applications' "
        "and region_code = '440300' and period_year = 2019 and value_as_published = 17459",
    )
    pct_2019 = {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2019"}
    set_cell(figures, pct_2019, "value", "17460")
    assert workspace.ingest_release(pct_release).success
    corrected = reassessed()
    pct_targets = {
        t
        for (t,) in build_rows(
            build_db,
            "select target_id from main.fct_target where indicator_id = 'pct_applications' "
            "and region_code = '440300'",
        )
    }
    assert corrected and set(corrected) <= pct_targets, corrected
    assert all(all_dates and not latest for all_dates, latest in corrected.values())
    assert workspace.query("select count(*) from fct_observation where value_as_published = 17460") == [(1,)]
    assert sentinels_kept()

    # a new release published after every other (SYNTHETIC, 2026-03-01): the targets it gives
    # values for at every date, every other target at the new latest date only
    latest_before = workspace.query("select max(as_of_date) from mart_attainment_history")
    package = SHAPES["long_csv"](workspace.sources / "releases" / "packages")
    assert workspace.ingest_release(package.name).success
    moved = reassessed()
    assert len(moved) == targets and all(latest for _, latest in moved.values())
    touched = {t for t, (all_dates, _) in moved.items() if all_dates}
    assert "zz-ip-services-2023-07" in touched and len(touched) < targets / 2, touched
    assert sentinels_kept()
    latest_after_package = workspace.query("select max(as_of_date) from mart_attainment_history")
    assert latest_after_package != latest_before
    assert workspace.query("select max(as_of_date) from mart_attainment_history where is_latest") == (
        latest_after_package
    )

    # a revision withdraws two figures of a release: one group flips vintage, one vanishes
    header, rows = read_rows(figures)
    before = release_fingerprints(workspace.sources)
    write_rows(figures, header, [r for i, r in enumerate(rows) if i + 2 not in (flipped_line, vanished_line)])
    changed = {r for r, digest in release_fingerprints(workspace.sources).items() if before[r] != digest}
    assert release in changed and len(changed) > 1, "the sensor would not re-take releases whose lines moved"
    assert workspace.ingest_release(release).success
    reassessed()
    assert sentinels_kept(), "a group or target no changed release gives was recomputed"

    # a later release (SYNTHETIC, 2026-04-01), then withdrawn: the latest date moves on, then
    # back to 2026-03-01, where the targets the first new release gave values for have a row of
    # their own; the row assessed at the restored latest date must replace it, not sit beside it
    later = workspace.sources / "releases" / "packages" / "synthetic-later-release"
    write_manifest(
        later,
        title="a later release",
        path="figures.csv",
        start_year=2024,
        end_year=2024,
        published_on="2026-04-01",
        layout=LONG_LAYOUT,
    )
    (later / "figures.csv").write_text(
        "地区,指标,年份,数值,单位,备注\n深圳,PCT国际专利申请量,2024,1,件,SYNTHETIC\n", encoding="utf-8"
    )
    assert workspace.ingest_release(later.name).success
    for path in sorted(later.iterdir()):
        path.unlink()
    later.rmdir()
    assert workspace.ingest_release(later.name).success
    back = reassessed()
    assert len(back) == targets and all(latest for _, latest in back.values())
    assert not back["zz-ip-services-2023-07"][0], "its values did not change: the latest date only"
    assert workspace.query(
        "select as_of_date, is_latest from mart_attainment_history "
        "where target_id = 'zz-ip-services-2023-07' and as_of_date >= ? order by 1",
        list(latest_before[0]),
    ) == [(latest_after_package[0][0], True)]
    assert sentinels_kept()

    incremental = {m: build_rows(build_db, f"select * from main.{m} order by all") for m in ATTAINMENT_MARTS}
    incremental["fct_observation"] = fct_observation_rows(build_db)
    assert workspace.build().success  # a full build (--full-refresh) of the same sources
    full = {m: build_rows(build_db, f"select * from main.{m} order by all") for m in ATTAINMENT_MARTS}
    full["fct_observation"] = fct_observation_rows(build_db)
    assert not sentinels_kept()
    # the same rows (vintages, current flags, statuses) but for the two sentinels
    for table, rows in incremental.items():
        assert len(rows) == len(full[table]), table
        differing = [(a, b) for a, b in zip(rows, full[table], strict=True) if a != b]
        allowed = 1 if table in ("fct_observation", "mart_attainment_history") else 0
        assert len(differing) == allowed and all("SYNTHETIC sentinel" in a for a, _ in differing), [
            (table, i, x, y)
            for a, b in differing[:3]
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            if x != y
        ]


def test_a_warehouse_built_before_release_digests_takes_a_release(built_copy):
    """A warehouse an earlier planwatch built (no release_digest, no vintage_group_id) takes a
    release: the first such run rebuilds fct_observation whole, the next ones incrementally, and
    the figures of releases loaded before digests existed stay."""
    workspace = built_copy
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
