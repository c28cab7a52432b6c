"""Release packages of every supported shape read to the same figure rows."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.defs.ingest.reference import load_reference
from pipelines.defs.ingest.releases import (
    load_all_releases,
    load_catalogue,
    load_release,
    load_releases,
    read_compiled_figures,
    release_ids,
    with_release_digest,
)
from pipelines.lib.errors import SourceError
from tests.release_packages import SHAPES
from tests.sourcefiles import set_cell

EXPECTED = {
    "long_csv": {
        ("410100", "ip_service_institutions", 2024): (1234.0, "exact"),
        ("410100", "trademark_agencies", 2024): (1100.0, "approximate"),
        ("440300", "patent_attorneys", 2024): (2900.0, "lower_bound"),
    },
    "wide_indicators_gb18030": {  # the dash cell is no figure; full-width digits and ① are read
        ("440300", "patent_attorneys", 2024): (2950.0, "exact"),
        ("410100", "patent_attorneys", 2024): (610.0, "exact"),
        ("410100", "intermediate_ip_professionals", 2024): (88.0, "exact"),
    },
    "wide_years_xlsx": {
        ("410100", "patent_agencies", 2022): (80.0, "exact"),
        ("410100", "patent_agencies", 2023): (90.0, "exact"),
        ("410100", "patent_agencies", 2024): (110.0, "exact"),
    },
    "long_xlsx_provisional": {
        ("410100", "ip_pledge_financing", 2025): (9.5, "exact"),
    },
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_each_shape_reads_to_figures(workspace, shape):
    folder = SHAPES[shape](workspace.sources / "releases" / "packages")
    reference = load_reference(workspace.sources)
    figures = load_release(workspace.sources, reference, load_catalogue(workspace.sources), folder.name)
    got = {
        (r["region_code"], r["indicator_id"], r["period_year"]): (r["value"], r["qualifier"])
        for r in figures.observations.iter_rows(named=True)
    }
    assert got == EXPECTED[shape]
    assert figures.package_release["release_id"].to_list() == [folder.name]
    # every figure points back at its file and line (or row)
    assert figures.observations[["source_file", "source_line"]].null_count().sum_horizontal().item() == 0
    assert all(
        f.startswith(f"sources/releases/packages/{folder.name}/") for f in figures.observations["source_file"]
    )


def test_provisional_release_flags_its_figures(workspace):
    folder = SHAPES["long_xlsx_provisional"](workspace.sources / "releases" / "packages")
    reference = load_reference(workspace.sources)
    figures = load_release(workspace.sources, reference, load_catalogue(workspace.sources), folder.name)
    assert figures.observations["flags"].to_list() == ["provisional"]
    assert figures.package_release["status"].to_list() == ["provisional"]


def test_wide_layout_reports_the_header_of_a_bad_cell(workspace):
    folder = SHAPES["wide_years_xlsx"](workspace.sources / "releases" / "packages")
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(folder / "专利代理机构.xlsx"))
    sheet = workbook.add_worksheet("表2")
    sheet.write_row(2, 0, ["地区", "2022年", "2023年", "2024年"])
    sheet.write_row(3, 0, ["郑州市", 80, "九十", 110])
    workbook.close()
    reference = load_reference(workspace.sources)
    from pipelines.lib.errors import SourceError

    with pytest.raises(SourceError) as raised:
        load_release(workspace.sources, reference, load_catalogue(workspace.sources), folder.name)
    (issue,) = raised.value.issues
    assert (issue.line, issue.column, issue.value) == (4, "2023年", "九十")
    assert issue.file.endswith("专利代理机构.xlsx")


def test_all_shapes_together_with_the_shipped_releases(workspace):
    for make in SHAPES.values():
        make(workspace.sources / "releases" / "packages")
    _, observations = load_all_releases(workspace.sources, load_reference(workspace.sources))
    counts = observations.group_by("release_id").len()
    assert counts.filter(pl.col("release_id").str.starts_with("synthetic-"))["len"].sum() == 10


def _one_by_one(sources, reference, catalogue, ids, compiled) -> dict:
    loaded = {}
    for release_id in ids:
        try:
            loaded[release_id] = load_release(sources, reference, catalogue, release_id, compiled)
        except SourceError as error:
            loaded[release_id] = error
    return loaded


def _assert_same_figures(together, alone) -> None:
    assert together.exists == alone.exists
    assert together.package_release.equals(alone.package_release)
    # the same rows in the same order: the same release digest, so nothing is seen as changed
    assert together.observations.equals(alone.observations)
    assert with_release_digest(together.observations).equals(with_release_digest(alone.observations))


def test_releases_read_together_equal_releases_read_one_by_one(workspace):
    """The shipped releases (read in one pass) and packages of every shape (each on its own),
    with a release id that exists nowhere, give what each gives read alone."""
    for make in SHAPES.values():
        make(workspace.sources / "releases" / "packages")
    sources, reference = workspace.sources, load_reference(workspace.sources)
    catalogue, compiled = load_catalogue(sources), read_compiled_figures(sources)
    ids = [*release_ids(sources), "no-such-release"]
    together = dict(load_releases(sources, reference, catalogue, ids, compiled))
    alone = _one_by_one(sources, reference, catalogue, ids, compiled)
    assert list(together) == ids
    for release_id in ids:
        _assert_same_figures(together[release_id], alone[release_id])
    assert not together["no-such-release"].exists
    assert sum(f.observations.height for f in together.values()) > 200


def test_a_bad_figure_read_together_refuses_its_own_release_only(workspace):
    sources = workspace.sources
    line = set_cell(
        sources / "releases" / "figures" / "published_figures.csv",
        {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2021"},
        "value",
        "很多",
    )
    reference = load_reference(sources)
    catalogue, compiled = load_catalogue(sources), read_compiled_figures(sources)
    ids = release_ids(sources)
    together = dict(load_releases(sources, reference, catalogue, ids, compiled))
    alone = _one_by_one(sources, reference, catalogue, ids, compiled)
    refused = [r for r, loaded in together.items() if isinstance(loaded, SourceError)]
    assert refused == [r for r, loaded in alone.items() if isinstance(loaded, SourceError)]
    assert len(refused) == 1
    (issue,) = together[refused[0]].issues
    assert (issue.file, issue.line, issue.column, issue.value) == (
        "sources/releases/figures/published_figures.csv",
        line,
        "value",
        "很多",
    )
    for release_id in set(ids) - set(refused):
        _assert_same_figures(together[release_id], alone[release_id])
