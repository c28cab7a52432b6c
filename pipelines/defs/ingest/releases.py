"""Releases family: the release catalogue and, release by release, the figures each published.

Figures come in two forms, read into the same rows:

- compiled figure files (sources/releases/figures/*.csv, the columns of published_figures.csv:
  region, indicator, year, value, unit, note, source) holding figures of many releases, each
  row naming its release by the citation it has in releases/releases.csv;
- release packages (sources/releases/packages/<release_id>/), one release as its publisher
  shaped it, described by a manifest (pipelines/defs/ingest/release_packages.py).

Labels are matched to the reference data (regions by code, name or alias; indicators by name
or alias) and each printed cell is read by pipelines.lib.cells.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import RAW_SCHEMA
from pipelines.defs.ingest import schemas
from pipelines.defs.ingest.reference import ReferenceTables
from pipelines.defs.ingest.release_packages import (
    RELEASE_IN_FUTURE,
    package_folders,
    packages_root,
    read_package,
)
from pipelines.lib import warehouse
from pipelines.lib.cells import (
    CONTROL_CHARACTER,
    EXPONENT_OR_SPECIAL,
    normalise_text,
    with_figure_cells,
)
from pipelines.lib.csv_files import SOURCE_FILE, SOURCE_LINE, cast_columns, read_text_csv, read_text_csvs
from pipelines.lib.errors import SourceError, SourceIssue
from pipelines.lib.validation import HEADER_SUFFIX, not_after_build_date, rule_issues, schema_issues

# Rows of a release read at a time (the per-row rules); the whole release is then checked at once.
READ_BATCH_ROWS = 250_000

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
    "status",
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
# raw.observations: the same columns and types whichever form a release came in.
OBSERVATION_SCHEMA = {
    "release_id": pl.String,
    "region_code": pl.String,
    "indicator_id": pl.String,
    "period_year": pl.Int64,
    "period_start_year": pl.Int64,
    "period_end_month": pl.Int64,
    "period_months": pl.Int64,
    "value": pl.Float64,
    "unit": pl.String,
    "qualifier": pl.String,
    "flags": pl.String,
    "region_label": pl.String,
    "indicator_label": pl.String,
    "value_as_printed": pl.String,
    "note": pl.String,
    SOURCE_FILE: pl.String,
    SOURCE_LINE: pl.Int64,
}
# raw.observations also carries, on each row, a digest of every row its release gave when last
# taken (release_digest). Taking the same sources again gives the same digest; dbt's incremental
# fct_observation recomputes only the figures of releases whose digest changed since it last ran.
RELEASE_DIGEST = "release_digest"
RAW_OBSERVATION_SCHEMA = {**OBSERVATION_SCHEMA, RELEASE_DIGEST: pl.Int64}
# the digest of rows an earlier planwatch loaded, before it kept digests (never a real one: those
# are not negative); such a release is recomputed when it is next taken
DIGEST_UNKNOWN = -1


def with_release_digest(observations: pl.DataFrame) -> pl.DataFrame:
    """The release's rows, each with the digest of them all (row order included): a 63-bit
    integer from polars' row hashes, set-based over the whole frame. polars documents its row
    hash as stable within one version only: after an upgrade a release's next load may be seen
    as changed once, which costs a recomputation, never a wrong result."""
    hashes = observations.hash_rows(seed=0).rechunk().to_arrow()
    digest = hashlib.blake2b(hashes.buffers()[1], digest_size=8).digest()
    return observations.with_columns(
        pl.lit(int.from_bytes(digest, "big") >> 1, pl.Int64).alias(RELEASE_DIGEST)
    )


# raw.package_releases: the catalogue rows that release packages bring in their manifests.
PACKAGE_RELEASE_SCHEMA = {
    "release_id": pl.String,
    "citation": pl.String,
    "publisher": pl.String,
    "published_on": pl.Date,
    "published_on_precision": pl.String,
    "published_on_basis": pl.String,
    "release_kind": pl.String,
    "source_tier": pl.Int64,
    "url": pl.String,
    "status": pl.String,
    "period_start_year": pl.Int64,
    "period_end_year": pl.Int64,
}


@dataclass(frozen=True)
class ReleaseFigures:
    """What one release contributes: its package catalogue row (if a package) and its figures."""

    release_id: str
    package_release: pl.DataFrame
    observations: pl.DataFrame
    exists: bool


def figure_files(sources: Path) -> list[Path]:
    return sorted((sources / "releases" / "figures").glob("*.csv"))


def load_catalogue(sources: Path) -> pl.DataFrame:
    """Read and validate releases/releases.csv; every citation in a compiled figure file must be
    catalogued, and no package may reuse a catalogued release_id."""
    issues: list[SourceIssue] = []
    releases, cast = cast_columns(
        read_text_csv(sources / "releases" / "releases.csv", RELEASE_COLUMNS, sources),
        {"published_on": pl.Date, "source_tier": pl.Int64},
    )
    issues += cast
    issues += schema_issues(releases, schemas.ReleaseModel.to_schema())
    issues += not_after_build_date(releases, RELEASE_IN_FUTURE)
    figures = read_text_csvs(figure_files(sources), FIGURE_COLUMNS, sources)
    issues += _unmatched(
        figures,
        "source",
        "source",
        releases["citation"],
        "the citation of a release in releases/releases.csv",
    )
    catalogued = set(releases["release_id"].to_list())
    for folder in package_folders(sources):
        if folder.name in catalogued:
            issues.append(
                SourceIssue(
                    str(folder.relative_to(sources.parent)),
                    0,
                    "release_id",
                    folder.name,
                    "a package folder must not reuse a release_id of releases/releases.csv",
                )
            )
    if issues:
        raise SourceError(issues)
    return releases


def release_ids(sources: Path) -> list[str]:
    """Every release: catalogued ones (in catalogue order) then packages (by folder name)."""
    catalogue = pl.read_csv(sources / "releases" / "releases.csv", infer_schema=False, columns=["release_id"])
    ids = [i for i in catalogue["release_id"].to_list() if i]
    return ids + [f.name for f in package_folders(sources) if f.name not in set(ids)]


def release_fingerprints(sources: Path) -> dict[str, str]:
    """A digest per release of everything that makes it: its catalogue row and compiled figure
    rows, or its package files (by name, size and modification time: the sensor asks every 30 s,
    and reading a county release's bytes each time would cost seconds). A release whose digest
    changes must be ingested again."""
    catalogue = pl.read_csv(sources / "releases" / "releases.csv", infer_schema=False)
    digests = {}
    compiled = (
        read_text_csvs(figure_files(sources), FIGURE_COLUMNS, sources) if figure_files(sources) else None
    )
    for row in catalogue.iter_rows(named=True):
        digest = hashlib.sha256(repr(sorted(row.items())).encode())
        if compiled is not None:
            rows = compiled.filter(pl.col("source") == row["citation"]).drop(SOURCE_FILE)
            digest.update(rows.write_csv().encode())
        digests[row["release_id"]] = digest.hexdigest()
    for folder in package_folders(sources):
        digest = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(
                f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
        digests[folder.name] = digest.hexdigest()
    return digests


def read_compiled_figures(sources: Path) -> pl.DataFrame:
    """Every row of the compiled figure files (read once per run, shared by its releases)."""
    return read_text_csvs(figure_files(sources), FIGURE_COLUMNS, sources)


def load_release(
    sources: Path,
    reference: ReferenceTables,
    catalogue: pl.DataFrame,
    release_id: str,
    compiled: pl.DataFrame | None = None,
) -> ReleaseFigures:
    """Read and validate one release's figures (raise SourceError listing every problem).

    A release that no longer exists in the sources yields no rows (exists=False), so that
    ingesting it again removes what it had contributed. `compiled` is the result of
    read_compiled_figures, when several releases are loaded in one go.
    """
    package = packages_root(sources) / release_id
    if package.is_dir():
        row, figures = read_package(package, sources)
        package_release = pl.DataFrame([row]).cast(PACKAGE_RELEASE_SCHEMA)
    elif release_id in set(catalogue["release_id"].to_list()):
        compiled = compiled if compiled is not None else read_compiled_figures(sources)
        figures = _catalogued_figures(compiled, catalogue, [release_id])
        package_release = pl.DataFrame(schema=PACKAGE_RELEASE_SCHEMA)
    else:
        empty = pl.DataFrame(schema=OBSERVATION_SCHEMA)
        return ReleaseFigures(release_id, pl.DataFrame(schema=PACKAGE_RELEASE_SCHEMA), empty, exists=False)
    observations = read_figures(figures, reference)
    return ReleaseFigures(release_id, package_release, observations, exists=True)


def load_releases(
    sources: Path,
    reference: ReferenceTables,
    catalogue: pl.DataFrame,
    release_ids: list[str],
    compiled: pl.DataFrame,
) -> Iterator[tuple[str, ReleaseFigures | SourceError]]:
    """Each release's figures, or the SourceError that refuses it: the same results as
    load_release on each, in the order given.

    The catalogued releases (rows of the compiled figure files) are read and validated together,
    one pass instead of one per release: `make run` takes the shipped data's 56 releases, and
    56 passes cost ~3 s. Every rule of read_figures is per row or per release (its uniqueness
    includes release_id), so the pass finds what the releases would one by one. If it finds a
    problem, they are read again one by one, so that each error names its own release and the
    others still load. A package (which may hold millions of rows) is read on its own.
    """
    catalogued_ids = set(catalogue["release_id"].to_list())
    together = [r for r in release_ids if r in catalogued_ids and not (packages_root(sources) / r).is_dir()]
    read_together: dict[str, pl.DataFrame] = {}
    if len(together) > 1:
        try:
            observations = read_figures(_catalogued_figures(compiled, catalogue, together), reference)
        except SourceError:
            pass  # read one by one below
        else:
            parts = observations.partition_by("release_id", as_dict=True, include_key=True)
            empty = observations.clear()
            read_together = {r: parts.get((r,), empty) for r in together}
    for release_id in release_ids:
        if release_id in read_together:
            no_package = pl.DataFrame(schema=PACKAGE_RELEASE_SCHEMA)
            yield release_id, ReleaseFigures(release_id, no_package, read_together[release_id], exists=True)
            continue
        try:
            yield release_id, load_release(sources, reference, catalogue, release_id, compiled)
        except SourceError as error:
            yield release_id, error


def ensure_release_tables(build: Path) -> None:
    """Create raw.observations and raw.package_releases in the build file if they are missing
    (a release's step replaces its own rows in them), with the release digest column."""
    warehouse.ensure_tables(
        build,
        RAW_SCHEMA,
        {
            "observations": pl.DataFrame(schema=RAW_OBSERVATION_SCHEMA),
            "package_releases": pl.DataFrame(schema=PACKAGE_RELEASE_SCHEMA),
        },
        fill={RELEASE_DIGEST: DIGEST_UNKNOWN},
    )


@dataclass(frozen=True)
class HeldReleases:
    """What the build file holds of every release before a run writes: per release, its rows in
    raw.observations with their digests, and raw.package_releases whole (one row per package)."""

    observations: dict[str, tuple[int, int, int]]  # release_id -> (rows, lowest and highest digest)
    package_releases: pl.DataFrame

    def holds_exactly(self, figures: ReleaseFigures, observations: pl.DataFrame) -> bool:
        """Whether the file already holds exactly these rows (with their digest) and this
        package row for the release."""
        rows, low, high = self.observations.get(figures.release_id, (0, None, None))
        if rows != observations.height:
            return False
        if rows and not low == high == observations[RELEASE_DIGEST][0]:
            return False
        if not set(PACKAGE_RELEASE_SCHEMA) <= set(self.package_releases.columns):
            return False
        held_package = self.package_releases.filter(pl.col("release_id") == figures.release_id)
        return held_package.select(figures.package_release.columns).equals(figures.package_release)

    def tables_holding(self, release_id: str) -> list[str]:
        """The raw tables that hold rows of the release."""
        tables = []
        if release_id in self.package_releases["release_id"]:
            tables.append("package_releases")
        if release_id in self.observations:
            tables.append("observations")
        return tables


def held_releases(con: duckdb.DuckDBPyConnection) -> HeldReleases:
    """Read what the build file holds of every release: one scan of raw.observations."""
    counts = con.execute(
        f"select release_id, count(*), min({RELEASE_DIGEST}), max({RELEASE_DIGEST}) "
        f"from {RAW_SCHEMA}.observations group by release_id"
    ).fetchall()
    packages = con.sql(f"select * from {RAW_SCHEMA}.package_releases").pl()
    return HeldReleases({r: (n, low, high) for r, n, low, high in counts}, packages)


def take_releases(
    con: duckdb.DuckDBPyConnection,
    sources: Path,
    reference: ReferenceTables,
    catalogue: pl.DataFrame,
    release_ids: list[str],
    compiled: pl.DataFrame,
) -> Iterator[tuple[str, ReleaseFigures | SourceError, bool]]:
    """The release step's loop: each release read (load_releases) and, unless refused, written
    (write_release) against what the file held before the first write. Yields the release id,
    its figures or the SourceError that refuses it, and whether anything was written."""
    held = held_releases(con)
    for release_id, figures in load_releases(sources, reference, catalogue, release_ids, compiled):
        if isinstance(figures, SourceError):
            yield release_id, figures, False
        else:
            yield release_id, figures, write_release(con, figures, held)


def write_release(con: duckdb.DuckDBPyConnection, figures: ReleaseFigures, held: HeldReleases) -> bool:
    """Replace one release's rows in raw.package_releases and raw.observations (with the
    release's digest), in one transaction; every other release's rows stay as they were.

    Returns whether anything was written. A release the file already holds exactly (the same
    rows, by their digest and count, and the same package row) is left as it is: every `make run`
    takes every release again, and at national scale rewriting the unchanged ones cost most of
    the step (benchmarks/release_checkpoints.py). A release the file does not hold yet is only
    inserted: deleting its rows first would scan the whole table for none.
    """
    observations = with_release_digest(figures.observations)
    if held.holds_exactly(figures, observations):
        return False
    tables = {"package_releases": figures.package_release, "observations": observations}
    holding = held.tables_holding(figures.release_id)
    warehouse.replace_rows(con, RAW_SCHEMA, tables, "release_id", figures.release_id, holding)
    return True


def _catalogued_figures(
    compiled: pl.DataFrame, catalogue: pl.DataFrame, release_ids: list[str]
) -> pl.DataFrame:
    """The compiled figure rows of catalogued releases (those citing each release), with the
    release's id and status; in the files' order within each release."""
    releases = catalogue.filter(pl.col("release_id").is_in(release_ids)).select(
        "release_id",
        pl.col("citation").alias("source"),
        pl.when(pl.col("status").is_null() | (pl.col("status") == ""))
        .then(pl.lit("final"))
        .otherwise(pl.col("status"))
        .alias("release_status"),
    )
    return compiled.join(releases, on="source", how="inner", maintain_order="left").with_columns(
        pl.lit(None, pl.Int64).alias("period_start_bound"),
        pl.lit(None, pl.Int64).alias("period_end_bound"),
        pl.lit(None, pl.Int64).alias("release_months"),
        pl.lit(False).alias("missing_allowed"),
    )


def read_figures(figures: pl.DataFrame, reference: ReferenceTables) -> pl.DataFrame:
    """Figure rows (region, indicator, year, value, unit, note, release_id …) → validated observations."""
    issues: list[SourceIssue] = []
    figures, cast = cast_columns(figures, {"year": pl.Int64})
    issues += cast
    # each distinct label normalised once (a county release repeats ~300 labels a million times)
    labels = figures.select(pl.col("indicator").unique())
    keys = labels.with_columns(normalise_label(pl.col("indicator")).alias("indicator_key"))
    figures = figures.join(keys, on="indicator", how="left", nulls_equal=True, maintain_order="left")
    if f"value{HEADER_SUFFIX}" not in figures.columns:
        figures = figures.with_columns(pl.lit(None, pl.String).alias(f"value{HEADER_SUFFIX}"))

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

    # the wide reading (cells, notes, flags, rules) a batch at a time: a county release of a
    # million rows never holds its forty intermediate columns at once
    batches = [
        _read_batch(batch, region_labels, indicator_labels, reference)
        for batch in figures.iter_slices(READ_BATCH_ROWS)
    ] or [_read_batch(figures, region_labels, indicator_labels, reference)]  # no rows: the columns
    observations = pl.concat([found for found, _ in batches])
    issues += [issue for _, found in batches for issue in found]
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
    return observations.select(list(OBSERVATION_SCHEMA)).cast(OBSERVATION_SCHEMA)


def _read_batch(
    batch: pl.DataFrame,
    region_labels: pl.DataFrame,
    indicator_labels: pl.DataFrame,
    reference: ReferenceTables,
) -> tuple[pl.DataFrame, list[SourceIssue]]:
    """Figure rows → observation rows and the issues of every per-row rule (see read_figures)."""
    issues: list[SourceIssue] = []
    read = (
        batch.join(region_labels.rename({"label": "region"}), on="region", how="left")
        .join(indicator_labels.rename({"label": "indicator_key"}), on="indicator_key", how="left")
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
        .pipe(with_figure_cells, "value", "note")
        .with_columns(
            pl.coalesce("remark_year", "year").alias("period_year"),
            pl.coalesce(
                "remark_end_month", "alias_period_months", "note_end_month", "release_months", pl.lit(12)
            )
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

    control = pl.col("value").str.contains(CONTROL_CHARACTER)
    special = pl.col("value").str.contains(EXPONENT_OR_SPECIAL)
    issues += rule_issues(
        read,
        control,
        "value",
        "contains a control character (NUL, …): a figure is read exactly or not at all; retype the cell",
    )
    issues += rule_issues(
        read,
        special & ~control,
        "value",
        "must be printed in plain digits: an exponent (1e308), inf or NaN is refused, not rounded or read "
        "in part",
    )
    issues += rule_issues(
        read,
        ~pl.col("cell_is_missing") & pl.col("cell_value").is_null() & ~control & ~special,
        "value",
        "must be a figure: a number, optionally with 近/约/超过/以上 and a unit",
    )
    issues += rule_issues(
        read,
        pl.col("cell_is_missing") & ~pl.col("missing_allowed"),
        "value",
        "a missing figure (—, -, …) is left out of a compiled figure file, not entered",
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
    issues += rule_issues(read, pl.col("unit").is_null(), "unit", "must not be empty")
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
    issues += rule_issues(
        read,
        pl.col("period_start_bound").is_not_null()
        & (
            (pl.col("period_year") < pl.col("period_start_bound"))
            | (pl.col("period_year") > pl.col("period_end_bound"))
        ),
        "year",
        "the year must lie in the reference period the manifest declares ([period])",
    )

    # A blank or dashed cell in a publisher's table is "no figure": dropped, not an error.
    kept = read.filter(~pl.col("cell_is_missing"))
    observations = kept.select(
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
        f"value{HEADER_SUFFIX}",
    )
    return observations, issues


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
        pl.when(pl.col("release_status") == "provisional").then(pl.lit("provisional")),
        pl.when(pl.col("note_estimated")).then(pl.lit("estimated")),
        pl.when(pl.col("note_derived")).then(pl.lit("derived")),
        pl.when(pl.col("note_check")).then(pl.lit("check")),
        pl.when(pl.col("remark_discontinued")).then(pl.lit("discontinued")),
        pl.when(pl.col("concept_mismatch")).then(pl.lit("concept_mismatch")),
        pl.when(pl.col("period_span_years") > 1).then(pl.lit("multi_year_total")),
    ]
    return pl.concat_list(present).list.drop_nulls().list.sort().list.join(";")


def load_all_releases(sources: Path, reference: ReferenceTables) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The catalogue and every release's observations at once (tests, benchmarks); every problem
    of every release is listed."""
    catalogue = load_catalogue(sources)
    compiled = read_compiled_figures(sources)
    frames, issues = [], []
    for _, loaded in load_releases(sources, reference, catalogue, release_ids(sources), compiled):
        if isinstance(loaded, SourceError):
            issues += loaded.issues
        else:
            frames.append(loaded.observations)
    if issues:
        raise SourceError(issues)
    return catalogue, pl.concat(frames) if frames else pl.DataFrame(schema=OBSERVATION_SCHEMA)
