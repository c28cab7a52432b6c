"""Reference family: regions, units, indicators and their aliases, plans."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.defs.ingest import schemas
from pipelines.lib.csv_files import cast_columns, read_text_csv
from pipelines.lib.errors import SourceError, SourceIssue
from pipelines.lib.validation import not_after_build_date, schema_issues

REGION_COLUMNS = [
    "region_code",
    "name_zh",
    "name_en",
    "level",
    "parent_code",
    "code_scheme",
    "aliases",
    "named_in",
]
UNIT_COLUMNS = ["unit", "canonical_unit", "factor", "description_en"]
INDICATOR_COLUMNS = [
    "indicator_id",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "measure_kind",
    "domain",
    "numerator_indicator_id",
    "denominator_indicator_id",
    "per_capita_scale",
    "description_en",
]
ALIAS_COLUMNS = ["alias", "indicator_id", "period_span_years", "period_months", "concept_mismatch", "note"]
PLAN_COLUMNS = [
    "plan_id",
    "seed_document",
    "title_zh",
    "title_en",
    "issuer_zh",
    "doc_number",
    "published_on",
    "published_on_precision",
    "period_start_year",
    "period_end_year",
    "region_code",
    "reported_in_plan_id",
    "notes",
    "status",
]


@dataclass(frozen=True)
class ReferenceTables:
    """The validated reference tables, as written to the raw schema."""

    regions: pl.DataFrame
    units: pl.DataFrame
    indicators: pl.DataFrame
    indicator_aliases: pl.DataFrame
    plans: pl.DataFrame

    def as_tables(self) -> dict[str, pl.DataFrame]:
        return {
            "regions": self.regions,
            "units": self.units,
            "indicators": self.indicators,
            "indicator_aliases": self.indicator_aliases,
            "plans": self.plans,
        }


def load_reference(sources: Path) -> ReferenceTables:
    """Read and validate sources/reference/*.csv; raise SourceError listing every problem."""
    folder = sources / "reference"
    issues: list[SourceIssue] = []

    regions = read_text_csv(folder / "regions.csv", REGION_COLUMNS, sources)
    issues += schema_issues(
        regions,
        schemas.with_checks(
            schemas.RegionModel,
            {
                "parent_code": [
                    schemas.known(regions["region_code"], "a region_code in reference/regions.csv")
                ],
            },
        ),
    )

    units, cast = cast_columns(
        read_text_csv(folder / "units.csv", UNIT_COLUMNS, sources), {"factor": pl.Float64}
    )
    issues += cast
    issues += schema_issues(
        units,
        schemas.with_checks(
            schemas.UnitModel,
            {
                "canonical_unit": [schemas.known(units["unit"], "a unit listed in reference/units.csv")],
            },
        ),
    )
    canonical_units = units.filter(pl.col("unit") == pl.col("canonical_unit"))["unit"]

    indicators, cast = cast_columns(
        read_text_csv(folder / "indicators.csv", INDICATOR_COLUMNS, sources), {"per_capita_scale": pl.Float64}
    )
    issues += cast
    known_indicator = schemas.known(indicators["indicator_id"], "an indicator_id in reference/indicators.csv")
    issues += schema_issues(
        indicators,
        schemas.with_checks(
            schemas.IndicatorModel,
            {
                "unit": [schemas.known(canonical_units, "a canonical unit of reference/units.csv")],
                "numerator_indicator_id": [known_indicator],
                "denominator_indicator_id": [known_indicator],
            },
        ),
    )

    aliases, cast = cast_columns(
        read_text_csv(folder / "indicator_aliases.csv", ALIAS_COLUMNS, sources),
        {"period_span_years": pl.Int64, "period_months": pl.Int64, "concept_mismatch": pl.Boolean},
    )
    issues += cast
    issues += schema_issues(
        aliases,
        schemas.with_checks(
            schemas.IndicatorAliasModel,
            {
                "indicator_id": [known_indicator],
                "alias": [
                    schemas.not_among(indicators["name_zh"], "an alias, not an indicator's own name_zh")
                ],
            },
        ),
    )

    plans, cast = cast_columns(
        read_text_csv(folder / "plans.csv", PLAN_COLUMNS, sources),
        {"published_on": pl.Date, "period_start_year": pl.Int64, "period_end_year": pl.Int64},
    )
    issues += cast
    issues += not_after_build_date(plans, "a plan cannot be assessed before it is issued")
    issues += schema_issues(
        plans,
        schemas.with_checks(
            schemas.PlanModel,
            {
                "region_code": [
                    schemas.known(regions["region_code"], "a region_code in reference/regions.csv")
                ],
            },
        ),
    )

    if issues:
        raise SourceError(issues)
    return ReferenceTables(regions, units, indicators, aliases, plans)
