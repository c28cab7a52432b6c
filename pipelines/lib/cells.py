"""Reading figures the way Chinese publishers print them, as vectorised polars expressions.

A cell such as ``80522（2020年1-11月数据…）``, ``近85亿元``, ``超过14万件``, ``1.74 万件`` or
``549 件 (截止到 2017 年)`` becomes a number, a qualifier, an optional unit written in the cell
and the facts its remark states (months covered, an as-of year, a discontinued series). The
cell itself is kept as written beside what is read from it.
"""

from __future__ import annotations

import polars as pl

FULL_WIDTH = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "（": "(",
    "）": ")",
    "，": ",",
    "．": ".",
    "％": "%",
    "－": "-",
    "～": "-",
    "　": " ",
    "＞": ">",
    "＜": "<",
    "：": ":",
    "−": "-",
}
# Footnote markers printed after a figure: circled numbers, asterisks, daggers, superscripts.
FOOTNOTE_MARKERS = r"[①-⑳*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+"
MISSING_MARKERS = ["", "—", "——", "-", "–", "…", "……", "...", "/", "NA", "n.a."]

APPROXIMATE_WORDS = r"(近|约|大约|左右|余|approx)"
LOWER_BOUND_WORDS = r"(超过|超|逾|突破|以上|多|>|≥|不少于|不低于)"
UPPER_BOUND_WORDS = r"(不足|不到|少于|<|≤|以内|不超过)"
UNIT_IN_CELL = r"\d\s*(万件|件|亿元|万元|万人|人|名|万家|家|个|万条|条|万次|次|项|%|分)"
# commas only as thousands separators (1,234 or 12,345.6): 12,3 is not read as 123
NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Forms a figure is never printed in; read, they would change silently (1e308 → 1).
EXPONENT_OR_SPECIAL = r"(?i)\d\s*e\s*[+-]?\d|\b(?:inf|infinity|nan)\b|∞"
CONTROL_CHARACTER = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"

MONTH_NAMES = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "May": 5,
    "Jun": 6,
    "June": 6,
    "Jul": 7,
    "July": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}


def normalise_text(expr: pl.Expr) -> pl.Expr:
    """Full-width digits and punctuation to ASCII, trimmed."""
    return expr.str.replace_many(list(FULL_WIDTH), list(FULL_WIDTH.values())).str.strip_chars()


def read_figure_cell(cell: pl.Expr) -> list[pl.Expr]:
    """Expressions reading a printed figure cell into value and its facts.

    Produces: cell_value (Float64, in the unit as written), cell_qualifier (exact /
    approximate / lower_bound / upper_bound), cell_unit (a unit printed inside the cell, or
    null), cell_is_missing, cell_remark, and from the remark: remark_year (an as-of year or
    the year of a month range), remark_end_month (the last month covered), and
    remark_discontinued (the publisher stopped the series).
    """
    text = normalise_text(cell).str.replace_all(FOOTNOTE_MARKERS, "")
    head = text.str.replace(r"\(.*$", "").str.strip_chars()
    remark = text.str.extract(r"\((.*)\)?\s*$", 1).str.strip_chars().str.strip_chars_end(")")
    number = head.str.extract(rf"({NUMBER})", 1).str.replace_all(",", "")
    # what is left once the number, its qualifier words and its unit are taken: must be nothing,
    # so that a cell is read exactly as printed or not at all
    leftover = (
        head.str.replace(NUMBER, "")
        .str.replace_all(f"{APPROXIMATE_WORDS}|{LOWER_BOUND_WORDS}|{UPPER_BOUND_WORDS}", "")
        .str.replace_all(r"万件|件|亿元|万元|万人|人|名|万家|家|个|万条|条|万次|次|项|%|分|万|亿|\s", "")
    )
    month_range = remark.str.extract_groups(r"(\d{4})\s*年\s*(\d{1,2})\s*-\s*(\d{1,2})\s*月")
    as_of = remark.str.extract(r"截[止至]到?\s*(\d{4})\s*年", 1)
    stop = remark.str.extract_groups(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?\s*起.*不再")
    return [
        pl.when(head.is_in(MISSING_MARKERS) | head.is_null() | (leftover != ""))
        .then(None)
        .otherwise(number.cast(pl.Float64, strict=False))
        .alias("cell_value"),
        pl.when(head.str.contains(APPROXIMATE_WORDS))
        .then(pl.lit("approximate"))
        .when(head.str.contains(LOWER_BOUND_WORDS))
        .then(pl.lit("lower_bound"))
        .when(head.str.contains(UPPER_BOUND_WORDS))
        .then(pl.lit("upper_bound"))
        .otherwise(pl.lit("exact"))
        .alias("cell_qualifier"),
        head.str.extract(UNIT_IN_CELL, 1).alias("cell_unit"),
        (head.is_in(MISSING_MARKERS) | head.is_null()).alias("cell_is_missing"),
        remark.alias("cell_remark"),
        pl.coalesce(month_range.struct.field("1"), as_of, stop.struct.field("1"))
        .cast(pl.Int64, strict=False)
        .alias("remark_year"),
        pl.coalesce(month_range.struct.field("3"), stop.struct.field("2"))
        .cast(pl.Int64, strict=False)
        .alias("remark_end_month"),
        stop.struct.field("1").is_not_null().alias("remark_discontinued"),
    ]


def read_figure_note(note: pl.Expr) -> list[pl.Expr]:
    """Expressions reading the compiler's note on a figure into flags.

    The notes of published_figures.csv mark [DERIVED], [PARTIAL-PERIOD] and [CHECK]; they
    also say when a figure is approximate, a lower bound or an estimate (预计), and which
    month a part-year figure ends in (``end-June 2025``, ``Jan-Oct 2019``, ``mid-year``).
    """
    text = normalise_text(note.fill_null(""))
    month = text.str.extract(r"(?:end|Jan)-(Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)\b", 1)
    return [
        text.str.contains(r"\[DERIVED\]").alias("note_derived"),
        text.str.contains(r"\[PARTIAL-PERIOD\]").alias("note_partial_period"),
        text.str.contains(r"\[CHECK\]").alias("note_check"),
        text.str.contains(r"预计|estimate").alias("note_estimated"),
        pl.when(text.str.contains(r"(?i)lower bound|超过|\"超"))
        .then(pl.lit("lower_bound"))
        .when(text.str.contains(r"(?i)approximate|\"约|\"近|余件"))
        .then(pl.lit("approximate"))
        .alias("note_qualifier"),
        pl.coalesce(
            month.replace_strict(MONTH_NAMES, default=None, return_dtype=pl.Int64),
            pl.when(text.str.contains(r"(?i)mid-year|half-year")).then(pl.lit(6, pl.Int64)),
        ).alias("note_end_month"),
    ]


# A cell of plain ASCII digits, as most cells of a statistical release are: it reads as itself
# (exact, no unit, no remark), so with_figure_cells casts it instead of running every pattern.
PLAIN_NUMBER = r"^[0-9]+(?:\.[0-9]+)?$"


def with_figure_cells(frame: pl.DataFrame, cell: str, note: str) -> pl.DataFrame:
    """`frame` with the columns of read_figure_cell (on column `cell`) and read_figure_note (on `note`).

    The same reading as those expressions, at a county release's scale: a plain-digit cell is
    cast (read_figure_cell gives it the same columns, tests/test_cells.py checks so), and each
    distinct note is read once (a release repeats a handful of notes over a million rows).
    Row order is not kept.
    """
    plain = frame[cell].str.contains(PLAIN_NUMBER).fill_null(False)
    printed = frame.filter(~plain).with_columns(read_figure_cell(pl.col(cell)))
    digits = frame.filter(plain).with_columns(
        pl.col(cell).cast(pl.Float64).alias("cell_value"),
        pl.lit("exact").alias("cell_qualifier"),
        pl.lit(None, pl.String).alias("cell_unit"),
        pl.lit(False).alias("cell_is_missing"),
        pl.lit(None, pl.String).alias("cell_remark"),
        pl.lit(None, pl.Int64).alias("remark_year"),
        pl.lit(None, pl.Int64).alias("remark_end_month"),
        pl.lit(False).alias("remark_discontinued"),
    )
    cells = pl.concat([printed, digits.select(printed.columns).cast(printed.schema)])
    notes = cells.select(note).unique().with_columns(read_figure_note(pl.col(note)))
    return cells.join(notes, on=note, how="left", nulls_equal=True)
