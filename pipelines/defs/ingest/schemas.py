"""Pandera (polars) models: one per ingested table, the rules a source file must keep.

Static rules live on the models. Rules that depend on other files (a code must exist in the
reference data) are added by the ``*_schema`` functions, which take the known values.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from pipelines.config import MAX_YEAR, MIN_YEAR

REGION_LEVELS = ["nation", "province", "prefecture", "county", "functional_area"]
CODE_SCHEMES = ["GB/T 2260", "planwatch"]
DIRECTIONS = ["higher", "lower"]
MEASURE_KINDS = ["stock", "flow", "rate", "per_capita", "score"]
TARGET_KINDS = [
    "level_at_least",
    "level_at_most",
    "increment",
    "cumulative",
    "annual_growth",
    "share",
    "per_capita",
    "score",
    "range",
]
ATTRIBUTES = ["预期性", "约束性"]
PLAN_STATUSES = ["active", "withdrawn"]
PATHS = ["linear", "geometric"]
DATE_PRECISIONS = ["day", "month", "year", "unknown"]
RELEASE_KINDS = [
    "official_statistics",
    "official_document",
    "press",
    "repost",
    "academic",
    "consultancy",
    "secondary",
]
RELEASE_STATUSES = ["final", "provisional"]
QUALIFIERS = ["exact", "approximate", "lower_bound", "upper_bound"]
YEAR_RULE = {"ge": MIN_YEAR, "le": MAX_YEAR}


class RegionModel(pa.DataFrameModel):
    region_code: str = pa.Field(unique=True, str_matches=r"^(\d{6}|\d{6}F\d{2})$")
    name_zh: str
    name_en: str
    level: str = pa.Field(isin=REGION_LEVELS)
    parent_code: str = pa.Field(nullable=True)
    code_scheme: str = pa.Field(isin=CODE_SCHEMES)
    aliases: str = pa.Field(nullable=True)

    class Config:
        strict = False


class UnitModel(pa.DataFrameModel):
    unit: str = pa.Field(unique=True)
    canonical_unit: str
    factor: float = pa.Field(gt=0)

    class Config:
        strict = False


class IndicatorModel(pa.DataFrameModel):
    indicator_id: str = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*$")
    name_zh: str = pa.Field(unique=True)
    name_en: str
    unit: str
    direction: str = pa.Field(isin=DIRECTIONS)
    measure_kind: str = pa.Field(isin=MEASURE_KINDS)
    numerator_indicator_id: str = pa.Field(nullable=True)
    denominator_indicator_id: str = pa.Field(nullable=True)
    per_capita_scale: float = pa.Field(nullable=True, gt=0)

    class Config:
        strict = False


class IndicatorAliasModel(pa.DataFrameModel):
    alias: str = pa.Field(unique=True)
    indicator_id: str
    period_span_years: int = pa.Field(ge=1, le=10)
    period_months: int = pa.Field(nullable=True, ge=1, le=12)
    concept_mismatch: bool

    class Config:
        strict = False


class PlanModel(pa.DataFrameModel):
    plan_id: str = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]*$")
    title_zh: str
    issuer_zh: str
    published_on: pl.Date = pa.Field(nullable=True)
    published_on_precision: str = pa.Field(isin=DATE_PRECISIONS)
    period_start_year: int = pa.Field(**YEAR_RULE)
    period_end_year: int = pa.Field(nullable=True, **YEAR_RULE)
    region_code: str
    # withdrawn: the plan was repealed or replaced; its target file may hold no rows
    status: str = pa.Field(isin=PLAN_STATUSES)

    class Config:
        strict = False


class TargetModel(pa.DataFrameModel):
    target_id: str = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]*$")
    plan_id: str
    indicator_id: str
    region_code: str
    target_kind: str = pa.Field(isin=TARGET_KINDS)
    baseline_year: int = pa.Field(nullable=True, **YEAR_RULE)
    baseline_value: float = pa.Field(nullable=True, ge=0)
    target_year: int = pa.Field(nullable=True, **YEAR_RULE)
    target_value: float = pa.Field(ge=0)
    target_value_high: float = pa.Field(nullable=True, ge=0)
    unit: str
    attribute: str = pa.Field(nullable=True, isin=ATTRIBUTES)
    path: str = pa.Field(nullable=True, isin=PATHS)
    population_base: float = pa.Field(nullable=True, gt=0)
    source_ref: str

    class Config:
        strict = False


class MonitoredIndicatorModel(pa.DataFrameModel):
    plan_id: str
    indicator_id: str
    region_code: str
    source_ref: str

    class Config:
        strict = False
        unique = ["plan_id", "indicator_id", "region_code"]


class ReleaseModel(pa.DataFrameModel):
    release_id: str = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]*$")
    citation: str = pa.Field(unique=True)
    publisher: str
    published_on: pl.Date = pa.Field(nullable=True)
    published_on_precision: str = pa.Field(isin=DATE_PRECISIONS)
    release_kind: str = pa.Field(isin=RELEASE_KINDS)
    source_tier: int = pa.Field(ge=1, le=4)
    status: str = pa.Field(isin=RELEASE_STATUSES, nullable=True)  # empty: final

    class Config:
        strict = False


class FigureModel(pa.DataFrameModel):
    """A figure row after its cell, note, labels and release have been read."""

    release_id: str
    # unmatched or empty labels are reported once, by the label-matching rules
    region_code: str = pa.Field(nullable=True)
    indicator_id: str = pa.Field(nullable=True)
    period_year: int = pa.Field(**YEAR_RULE)
    period_start_year: int = pa.Field(**YEAR_RULE)
    period_end_month: int = pa.Field(ge=1, le=12)
    # an unreadable cell is reported by the "must be a figure" rule, once
    value: float = pa.Field(nullable=True)
    unit: str
    qualifier: str = pa.Field(isin=QUALIFIERS)

    class Config:
        strict = False
        unique = [
            "release_id",
            "indicator_id",
            "region_code",
            "period_start_year",
            "period_year",
            "period_end_month",
        ]


def known(values, what: str) -> pa.Check:
    """A rule that a cell names something that exists elsewhere (e.g. in reference/regions.csv)."""
    allowed = sorted({v for v in values if v is not None})
    return pa.Check.isin(allowed, error=f"must be {what}")


def not_among(values, what: str) -> pa.Check:
    """A rule that a cell must not repeat a value defined elsewhere."""
    return pa.Check.notin(sorted({v for v in values if v is not None}), error=f"must be {what}")


def with_checks(model: type[pa.DataFrameModel], checks: dict[str, list[pa.Check]]) -> pa.DataFrameSchema:
    """The model's schema with cross-file checks added to the named columns."""
    schema = model.to_schema()
    return schema.update_columns(
        {column: {"checks": [*schema.columns[column].checks, *extra]} for column, extra in checks.items()}
    )
