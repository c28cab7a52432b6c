"""Releases as a stream, end to end: one run per new release, quarantine, recovery."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from tests.bad_release_corpus import CORPUS
from tests.release_packages import SHAPES

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
