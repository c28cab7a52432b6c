"""Printed figure cells and compilers' notes are read faithfully."""

import polars as pl
import pytest

from pipelines.lib.cells import read_figure_cell, read_figure_note, with_figure_cells


def read_cell(text: str) -> dict:
    return pl.DataFrame({"c": [text]}).select(read_figure_cell(pl.col("c"))).row(0, named=True)


def read_note(text: str) -> dict:
    return pl.DataFrame({"n": [text]}).select(read_figure_note(pl.col("n"))).row(0, named=True)


@pytest.mark.parametrize(
    ("cell", "value", "qualifier", "unit"),
    [
        ("1.74 万件", 1.74, "exact", "万件"),
        ("12,345", 12345.0, "exact", None),
        ("96.71亿元", 96.71, "exact", "亿元"),
        ("近85亿元", 85.0, "approximate", "亿元"),
        ("约27万件", 27.0, "approximate", "万件"),
        ("超过14万件", 14.0, "lower_bound", "万件"),
        ("300 家以上", 300.0, "lower_bound", "家"),
        (">100", 100.0, "lower_bound", None),
        ("不足10家", 10.0, "upper_bound", "家"),
        ("１２，３４５．６", 12345.6, "exact", None),  # full-width digits and punctuation
        ("108①", 108.0, "exact", None),  # footnote marker
        ("-3.5", -3.5, "exact", None),
    ],
)
def test_numbers_qualifiers_and_units(cell, value, qualifier, unit):
    read = read_cell(cell)
    assert (read["cell_value"], read["cell_qualifier"], read["cell_unit"]) == (value, qualifier, unit)


@pytest.mark.parametrize("cell", ["—", "-", "…", "——", "", "..."])
def test_missing_markers(cell):
    read = read_cell(cell)
    assert read["cell_is_missing"] and read["cell_value"] is None


def test_part_year_remark():
    read = read_cell("80522（2020年1-11月数据，2020年全年申请数据国家知识产权局不再下发）")
    assert (read["cell_value"], read["remark_year"], read["remark_end_month"]) == (80522.0, 2020, 11)
    assert not read["remark_discontinued"]


def test_discontinued_series_remark():
    read = read_cell("184 件 (2019 年 6 月 5 日起, 省局不再提供驰名商标的数量)")
    assert (read["cell_value"], read["cell_unit"], read["remark_year"], read["remark_end_month"]) == (
        184.0,
        "件",
        2019,
        6,
    )
    assert read["remark_discontinued"]


def test_as_of_year_remark():
    read = read_cell("549 件 (截止到 2017 年)")
    assert (read["cell_value"], read["remark_year"], read["remark_end_month"]) == (549.0, 2017, None)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("[PARTIAL-PERIOD] end-June 2025 (mid-year)", {"note_partial_period": True, "note_end_month": 6}),
        ("[PARTIAL-PERIOD] Jan-Oct 2019 only", {"note_partial_period": True, "note_end_month": 10}),
        ("[PARTIAL-PERIOD] end-Feb 2025 (not year-end)", {"note_end_month": 2}),
        ("[PARTIAL-PERIOD] Jan-Jun 2023 only (half-year)", {"note_end_month": 6}),
        ("[DERIVED] derived: 35.1/2.5; approximate", {"note_derived": True, "note_qualifier": "approximate"}),
        ("[CHECK] academic count", {"note_check": True, "note_qualifier": None}),
        ('"超过了87万件" (lower bound)', {"note_qualifier": "lower_bound"}),
        ('[PARTIAL-PERIOD] end-June 2023, "预计" (estimate)', {"note_estimated": True}),
        ("year-end 2022", {"note_partial_period": False, "note_end_month": None, "note_derived": False}),
    ],
)
def test_notes(note, expected):
    read = read_note(note)
    assert {k: read[k] for k in expected} == expected


def test_the_fast_reading_of_a_release_equals_the_full_one():
    """with_figure_cells casts plain digits and reads each note once: the same columns and values
    as the expressions on every row, plain or printed, noted or not."""
    cells = ["1234", "0.5", "007", "12,345", "近85亿元", "-3", "1e5", "—", "", None, "2019 ", "３４"]
    notes = [None, "[DERIVED]", "[PARTIAL-PERIOD] end-June 2025", "SYNTHETIC", None, "约", "", "mid-year"]
    frame = pl.DataFrame(
        {
            "n": list(range(len(cells) * len(notes))),
            "value": [c for c in cells for _ in notes],
            "note": [n for _ in cells for n in notes],
        }
    )
    full = frame.with_columns(read_figure_cell(pl.col("value")) + read_figure_note(pl.col("note")))
    fast = with_figure_cells(frame, "value", "note")
    assert fast.columns == full.columns
    assert fast.sort("n").equals(full.sort("n"))
