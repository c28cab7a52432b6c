"""Releases family: the release catalogue and the figures each release published.

A figure file (sources/releases/figures/*.csv) has the columns of published_figures.csv:
region, indicator, year, value, unit, note, source. Labels are matched to the reference data
(regions by code, name or alias; indicators by name or alias), `source` to a release's
citation in releases.csv, and each printed cell is read by pipelines.lib.cells.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.defs.ingest import schemas
from pipelines.defs.ingest.reference import ReferenceTables
from pipelines.lib.cells import normalise_text, read_figure_cell, read_figure_note
from pipelines.lib.csv_files import SOURCE_FILE, SOURCE_LINE, cast_columns, read_text_csv, read_text_csvs
from pipelines.lib.errors import SourceError, SourceIssue
from pipelines.lib.validation import rule_issues, schema_issues

RELEASE_COLUMNS = [
    "release_id",
    "citation",
    "publisher",
    "published_on",
    "published_on_precision",
    "published_on_basis",
    "release_kind",
    "source_tier",
    "url",
]
FIGURE_COLUMNS = ["region", "indicator", "year", "value", "unit", "note", "source"]
# Columns derived while reading a figure, and the file column a user edits to fix them.
FIGURE_SOURCE_COLUMNS = {
    "period_year": "year",
    "period_start_year": "year",
    "period_end_month": "value",
    "region_code": "region",
    "indicator_id": "indicator",
    "release_id": "source",
}


@dataclass(frozen=True)
class ReleaseTables:
    releases: pl.DataFrame
    observations: pl.DataFrame

    def as_tables(self) -> dict[str, pl.DataFrame]:
        return {"releases": self.releases, "observations": self.observations}


def figure_files(sources: Path) -> list[Path]:
    return sorted((sources / "releases" / "figures").glob("*.csv"))


def load_releases(sources: Path, reference: ReferenceTables) -> ReleaseTables:
    """Read and validate the release catalogue and every figure file."""
    issues: list[SourceIssue] = []
    releases, cast = cast_columns(
        read_text_csv(sources / "releases" / "releases.csv", RELEASE_COLUMNS, sources),
        {"published_on": pl.Date, "source_tier": pl.Int64},
    )
    issues += cast
    issues += schema_issues(releases, schemas.ReleaseModel.to_schema())

    figures, cast = cast_columns(
        read_text_csvs(figure_files(sources), FIGURE_COLUMNS, sources), {"year": pl.Int64}
    )
    issues += cast
    figures = figures.with_columns(normalise_label(pl.col("indicator")).alias("indicator_key"))

    region_labels = _region_labels(reference.regions)
    indicator_labels = _indicator_labels(reference.indicators, reference.indicator_aliases)
    issues += _unmatched(
        figures,
        "region",
        "region",
        region_labels["label"],
        "a region code, name or alias in reference/regions.csv",
    )
    issues += _unmatched(
        figures,
        "indicator",
        "indicator_key",
        indicator_labels["label"],
        "an indicator name or alias in reference/indicators.csv or indicator_aliases.csv",
    )
    issues += _unmatched(
        figures,
        "source",
        "source",
        releases["citation"],
        "the citation of a release in releases/releases.csv",
    )

    read = (
        figures.join(region_labels.rename({"label": "region"}), on="region", how="left")
        .join(indicator_labels.rename({"label": "indicator_key"}), on="indicator_key", how="left")
        .join(releases.select("release_id", pl.col("citation").alias("source")), on="source", how="left")
        .join(
            reference.indicators.select(
                "indicator_id", pl.col("unit").alias("indicator_unit"), "measure_kind"
            ),
            on="indicator_id",
            how="left",
        )
        .join(
            reference.units.select("unit", pl.col("canonical_unit").alias("unit_canonical")),
            on="unit",
            how="left",
        )
        .with_columns(read_figure_cell(pl.col("value")) + read_figure_note(pl.col("note")))
        .with_columns(
            pl.coalesce("remark_year", "year").alias("period_year"),
            pl.coalesce("remark_end_month", "alias_period_months", "note_end_month", pl.lit(12))
            .cast(pl.Int64)
            .alias("period_end_month"),
            pl.when(pl.col("cell_qualifier") != "exact")
            .then(pl.col("cell_qualifier"))
            .otherwise(pl.coalesce("note_qualifier", pl.lit("exact")))
            .alias("qualifier"),
        )
        .with_columns(
            (pl.col("period_year") - pl.col("period_span_years") + 1)
            .cast(pl.Int64)
            .alias("period_start_year"),
            ((pl.col("period_span_years") - 1) * 12 + pl.col("period_end_month"))
            .cast(pl.Int64)
            .alias("period_months"),
        )
    )

    issues += rule_issues(
        read,
        ~pl.col("cell_is_missing") & pl.col("cell_value").is_null(),
        "value",
        "must be a figure: a number, optionally with 近/约/超过/以上 and a unit",
    )
    issues += rule_issues(
        read,
        pl.col("cell_is_missing"),
        "value",
        "a missing figure (—, -, …) is left out of the file, not entered",
    )
    issues += rule_issues(
        read,
        pl.col("cell_unit").is_not_null() & (pl.col("cell_unit") != pl.col("unit")),
        "value",
        "a unit printed in the cell must equal the unit column",
    )
    issues += rule_issues(
        read,
        pl.col("note_partial_period")
        & pl.col("period_end_month").eq(12)
        & pl.col("remark_end_month").is_null(),
        "note",
        "a [PARTIAL-PERIOD] figure must say the month it ends (end-June, Jan-Oct, mid-year)",
    )
    issues += rule_issues(
        read,
        pl.col("unit_canonical").is_not_null()
        & pl.col("indicator_unit").is_not_null()
        & (pl.col("unit_canonical") != pl.col("indicator_unit")),
        "unit",
        "unit must convert to the indicator's canonical unit (reference/indicators.csv)",
    )
    issues += rule_issues(
        read,
        (pl.col("measure_kind") != "rate") & (pl.col("cell_value") < 0),
        "value",
        "a count, amount or level must not be negative",
    )

    observations = read.select(
        "release_id",
        "region_code",
        "indicator_id",
        "period_year",
        "period_start_year",
        "period_end_month",
        "period_months",
        pl.col("cell_value").alias("value"),
        "unit",
        "qualifier",
        _flags().alias("flags"),
        pl.col("region").alias("region_label"),
        pl.col("indicator").alias("indicator_label"),
        pl.col("value").alias("value_as_printed"),
        "note",
        SOURCE_FILE,
        SOURCE_LINE,
    )
    issues += schema_issues(
        observations,
        schemas.with_checks(
            schemas.FigureModel,
            {
                "unit": [schemas.known(reference.units["unit"], "a unit listed in reference/units.csv")],
            },
        ),
        source_columns=FIGURE_SOURCE_COLUMNS,
    )
    if issues:
        raise SourceError(issues)
    return ReleaseTables(releases, observations)


def normalise_label(expr: pl.Expr) -> pl.Expr:
    """Labels compare without spaces and with ASCII brackets: `PCT 国际专利申请量` = `PCT国际专利申请量`."""
    return normalise_text(expr).str.replace_all(r"\s+", "")


def _region_labels(regions: pl.DataFrame) -> pl.DataFrame:
    """Every label a region is known by: its code, Chinese and English names and aliases."""
    names = regions.select(
        "region_code",
        pl.concat_list(
            pl.col("region_code"),
            pl.col("name_zh"),
            pl.col("name_en"),
            pl.col("aliases").fill_null("").str.split("|"),
        ).alias("label"),
    ).explode("label")
    return names.filter(pl.col("label") != "").unique(["label", "region_code"]).select("label", "region_code")


def _indicator_labels(indicators: pl.DataFrame, aliases: pl.DataFrame) -> pl.DataFrame:
    """Every label an indicator is known by, with what the label says of the period and concept."""
    own = indicators.select(
        pl.col("name_zh").alias("label"),
        "indicator_id",
        pl.lit(1, pl.Int64).alias("period_span_years"),
        pl.lit(None, pl.Int64).alias("alias_period_months"),
        pl.lit(False).alias("concept_mismatch"),
    )
    other = aliases.select(
        pl.col("alias").alias("label"),
        "indicator_id",
        pl.col("period_span_years").cast(pl.Int64),
        pl.col("period_months").cast(pl.Int64).alias("alias_period_months"),
        "concept_mismatch",
    )
    return pl.concat([own, other]).with_columns(normalise_label(pl.col("label")).alias("label"))


def _unmatched(
    figures: pl.DataFrame, column: str, key: str, known: pl.Series, what: str
) -> list[SourceIssue]:
    """Issues for labels with no match, each with the closest known labels as suggestions."""
    known_values = set(known.drop_nulls().to_list())
    bad = figures.filter(pl.col(key).is_not_null() & ~pl.col(key).is_in(list(known_values)))
    issues = []
    for file, line, value in bad.select(SOURCE_FILE, SOURCE_LINE, column).iter_rows():
        close = difflib.get_close_matches(value or "", sorted(known_values), n=3, cutoff=0.4)
        hint = f"; closest known: {', '.join(close)}" if close else ""
        issues.append(SourceIssue(file, line, column, value or "", f"must be {what}{hint}"))
    issues += rule_issues(figures, pl.col(key).is_null(), column, "must not be empty")
    return issues


def _flags() -> pl.Expr:
    """The figure's flags, sorted and joined with ';' (empty string when none)."""
    present = [
        pl.when(pl.col("note_partial_period") | (pl.col("period_end_month") < 12)).then(
            pl.lit("partial_period")
        ),
        pl.when(pl.col("note_estimated")).then(pl.lit("estimated")),
        pl.when(pl.col("note_derived")).then(pl.lit("derived")),
        pl.when(pl.col("note_check")).then(pl.lit("check")),
        pl.when(pl.col("remark_discontinued")).then(pl.lit("discontinued")),
        pl.when(pl.col("concept_mismatch")).then(pl.lit("concept_mismatch")),
        pl.when(pl.col("period_span_years") > 1).then(pl.lit("multi_year_total")),
    ]
    return pl.concat_list(present).list.drop_nulls().list.sort().list.join(";")
