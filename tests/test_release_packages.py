"""Release packages of every supported shape read to the same figure rows."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.defs.ingest.reference import load_reference
from pipelines.defs.ingest.releases import load_all_releases, load_catalogue, load_release
from tests.release_packages import SHAPES

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
