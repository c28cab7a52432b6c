"""The columns of a plan table (sources/plans/<plan_id>.csv) and the types they are read as.

The ingest validates plan tables in these columns; the extractor (pipelines/extract) writes
them first, so that a reviewed extraction drops into sources/plans/.
"""

import polars as pl

TARGET_COLUMNS = [
    "target_id",
    "indicator_id",
    "region_code",
    "target_kind",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "target_value_high",
    "unit",
    "wording_zh",
    "attribute",
    "path",
    "population_base",
    "population_base_unit",
    "source_ref",
    "reported_outcome_zh",
    "reported_achieved",
    "notes",
]

# Columns read as other than text; the rest are text.
TARGET_TYPES = {
    "baseline_year": pl.Int64,
    "baseline_value": pl.Float64,
    "target_year": pl.Int64,
    "target_value": pl.Float64,
    "target_value_high": pl.Float64,
    "population_base": pl.Float64,
    "reported_achieved": pl.Boolean,
}
