"""Release packages: one release as its publisher shaped it, in sources/releases/packages/<release_id>/.

A package is a folder with a manifest.toml and one data file (CSV in any declared encoding, or
XLSX) in one of three layouts:

- long: one value per row (columns for region, indicator, year, value, unit);
- wide_indicators: regions down, indicators across (one year);
- wide_years: regions down, years across (one indicator).

read_package() turns it into figure rows of the same shape as a compiled figure file (region,
indicator, year, value, unit, note) with, for every cell, the file, line and column header it
came from, so that every error names the cell a user has to fix.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl

from pipelines.lib.csv_files import SOURCE_FILE, SOURCE_LINE, display_name
from pipelines.lib.errors import SourceError, SourceIssue
from pipelines.lib.validation import HEADER_SUFFIX

PACKAGES_DIR = ("releases", "packages")
MANIFEST = "manifest.toml"
LAYOUTS = ("long", "wide_indicators", "wide_years")
STATUSES = ("final", "provisional")
PRECISIONS = ("day", "month", "year", "unknown")
RELEASE_KINDS = (
    "official_statistics",
    "official_document",
    "press",
    "repost",
    "academic",
    "consultancy",
    "secondary",
)
YEAR_HEADER = re.compile(r"^\s*(\d{4})\s*年?\s*$")


@dataclass(frozen=True)
class Package:
    """A release package: its folder, its id and its parsed manifest."""

    folder: Path
    manifest: dict

    @property
    def release_id(self) -> str:
        return self.folder.name


def packages_root(sources: Path) -> Path:
    return sources.joinpath(*PACKAGES_DIR)


def package_folders(sources: Path) -> list[Path]:
    """Every folder under sources/releases/packages (each one release)."""
    root = packages_root(sources)
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def read_package(folder: Path, sources: Path) -> tuple[dict, pl.DataFrame]:
    """Validate the manifest and read the data file into figure rows; raise SourceError."""
    package = Package(folder, _read_manifest(folder, sources))
    table = _read_table(package, sources)
    figures = _to_figures(package, table, sources)
    return release_row(package), figures


def release_row(package: Package) -> dict:
    """The package's row of the release catalogue."""
    m = package.manifest
    return {
        "release_id": package.release_id,
        "citation": m.get("citation") or f"{m['publisher']}: {m.get('title', package.release_id)}",
        "publisher": m["publisher"],
        "published_on": m["published_on"],
        "published_on_precision": m.get("published_on_precision", "day"),
        "published_on_basis": "manifest",
        "release_kind": m["release_kind"],
        "source_tier": m["source_tier"],
        "url": m.get("url", ""),
        "status": m.get("status", "final"),
        "period_start_year": m["period"]["start_year"],
        "period_end_year": m["period"]["end_year"],
    }


def _read_manifest(folder: Path, sources: Path) -> dict:
    path = folder / MANIFEST
    name = display_name(path, sources)
    if not path.exists():
        raise SourceError([SourceIssue(name, 0, "", "", f"a release package needs a {MANIFEST}")])
    text = path.read_text(encoding="utf-8")
    try:
        manifest = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(
            [SourceIssue(name, getattr(exc, "lineno", 0) or 0, "", "", f"not valid TOML: {exc}")]
        ) from exc

    issues: list[SourceIssue] = []

    def need(key: str, value, rule: str, ok: bool) -> None:
        if not ok:
            issues.append(
                SourceIssue(
                    name, _key_line(text, key.split(".")[-1]), key, "" if value is None else str(value), rule
                )
            )

    get = manifest.get
    period, file, layout = get("period", {}), get("file", {}), get("layout", {})
    need("publisher", get("publisher"), "required: who published the release", bool(get("publisher")))
    need(
        "published_on",
        get("published_on"),
        "required: a date YYYY-MM-DD (TOML date)",
        isinstance(get("published_on"), date),
    )
    need(
        "published_on_precision",
        get("published_on_precision"),
        f"one of {', '.join(PRECISIONS)}",
        get("published_on_precision", "day") in PRECISIONS,
    )
    need(
        "release_kind",
        get("release_kind"),
        f"one of {', '.join(RELEASE_KINDS)}",
        get("release_kind") in RELEASE_KINDS,
    )
    need(
        "source_tier",
        get("source_tier"),
        "a whole number 1 (official) to 4 (secondary)",
        isinstance(get("source_tier"), int) and 1 <= get("source_tier") <= 4,
    )
    need("status", get("status"), "final or provisional", get("status", "final") in STATUSES)
    for key in ("start_year", "end_year"):
        need(
            f"period.{key}",
            period.get(key),
            "a year (whole number) of the reference period",
            isinstance(period.get(key), int) and 1949 <= period.get(key) <= 2100,
        )
    if isinstance(period.get("start_year"), int) and isinstance(period.get("end_year"), int):
        need(
            "period.end_year",
            period.get("end_year"),
            "end_year must not be before start_year",
            period["end_year"] >= period["start_year"],
        )
    need(
        "period.months",
        period.get("months"),
        "months covered, 1 to 12",
        period.get("months") is None
        or (isinstance(period.get("months"), int) and 1 <= period["months"] <= 12),
    )
    need(
        "file.path",
        file.get("path"),
        "required: the data file in this folder (.csv or .xlsx)",
        isinstance(file.get("path"), str) and file["path"].lower().endswith((".csv", ".xlsx")),
    )
    need(
        "file.header_row",
        file.get("header_row"),
        "the line or row of the header, 1 or more",
        isinstance(file.get("header_row", 1), int) and file.get("header_row", 1) >= 1,
    )
    encoding = file.get("encoding", "utf-8")
    need(
        "file.encoding",
        encoding,
        "an encoding Python knows (utf-8, gb18030, gbk …)",
        _known_encoding(encoding),
    )
    kind = layout.get("kind")
    need("layout.kind", kind, f"one of {', '.join(LAYOUTS)}", kind in LAYOUTS)
    need(
        "layout.region_column",
        layout.get("region_column"),
        "required: the header of the region column",
        bool(layout.get("region_column")),
    )
    if kind == "long":
        for key in ("indicator_column", "value_column"):
            need(f"layout.{key}", layout.get(key), "required for a long layout", bool(layout.get(key)))
        need(
            "layout.unit",
            layout.get("unit"),
            "a long layout needs unit_column or unit",
            bool(layout.get("unit_column") or layout.get("unit")),
        )
    if kind == "wide_indicators":
        mapping = layout.get("indicators")
        need(
            "layout.indicators",
            mapping,
            "a table mapping each column header to {indicator = …, unit = …}",
            isinstance(mapping, dict)
            and mapping
            and all(isinstance(v, dict) and v.get("indicator") and v.get("unit") for v in mapping.values()),
        )
    if kind == "wide_years":
        need(
            "layout.indicator",
            layout.get("indicator"),
            "required for a wide_years layout",
            bool(layout.get("indicator")),
        )
        need("layout.unit", layout.get("unit"), "required for a wide_years layout", bool(layout.get("unit")))
    if issues:
        raise SourceError(issues)
    return manifest


def _read_table(package: Package, sources: Path) -> pl.DataFrame:
    """The data file as text cells under its header, with the line or row of each record."""
    file = package.manifest["file"]
    path = package.folder / file["path"]
    name = display_name(path, sources)
    header_row = file.get("header_row", 1)
    if not path.exists():
        raise SourceError(
            [
                SourceIssue(
                    display_name(package.folder / MANIFEST, sources),
                    0,
                    "file.path",
                    file["path"],
                    "the data file the manifest names does not exist",
                )
            ]
        )
    if path.stat().st_size == 0:
        raise SourceError([SourceIssue(name, 1, "", "", "the file is empty")])
    rows = (
        _xlsx_rows(path, name, file.get("sheet"))
        if path.suffix.lower() == ".xlsx"
        else _csv_rows(path, name, file.get("encoding", "utf-8"))
    )
    if len(rows) < header_row:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    header_row,
                    "",
                    "",
                    f"no header at line {header_row}: the file has {len(rows)} line(s)",
                )
            ]
        )
    header = [("" if c is None else str(c).strip()) for c in rows[header_row - 1][1]]
    body = [(n, r) for n, r in rows[header_row:] if any(c not in (None, "") for c in r)]
    if not body:
        raise SourceError([SourceIssue(name, header_row, "", "", "the file has a header but no data rows")])
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise SourceError(
            [SourceIssue(name, header_row, h, h, "column headers must be unique") for h in duplicates]
        )
    width = len(header)
    cells = {h: [(r[i] if i < len(r) else None) for _, r in body] for i, h in enumerate(header) if h}
    frame = pl.DataFrame({h: pl.Series(v, dtype=pl.String) for h, v in cells.items()})
    ragged = [
        SourceIssue(
            name,
            n,
            "",
            ",".join("" if c is None else str(c) for c in r),
            f"a record must have at most {width} fields like the header",
        )
        for n, r in body
        if len([c for c in r[width:] if c not in (None, "")])
    ]
    if ragged:
        raise SourceError(ragged)
    return frame.with_columns(
        pl.Series(SOURCE_LINE, [n for n, _ in body], dtype=pl.Int64), pl.lit(name).alias(SOURCE_FILE)
    ).with_columns(pl.col(pl.String).exclude(SOURCE_FILE).str.strip_chars())


def _csv_rows(path: Path, name: str, encoding: str) -> list[tuple[int, list]]:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            [
                SourceIssue(
                    name,
                    line,
                    "",
                    data[exc.start : exc.start + 4].hex(" "),
                    f"the bytes are not {encoding} as the manifest declares (file.encoding); "
                    "save the file in that encoding or declare the one it is in (e.g. gb18030)",
                )
            ]
        ) from exc
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = []
    for record in reader:
        rows.append((reader.line_num, record))
    return rows


def _xlsx_rows(path: Path, name: str, sheet: str | None) -> list[tuple[int, list]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a truncated or corrupt workbook fails in the zip or XML layer
        raise SourceError(
            [
                SourceIssue(
                    name,
                    0,
                    "",
                    "",
                    f"not a readable XLSX workbook (truncated or corrupt?): {type(exc).__name__}: {exc}",
                )
            ]
        ) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        0,
                        "file.sheet",
                        sheet,
                        f"no such sheet; the workbook has: {', '.join(workbook.sheetnames)}",
                    )
                ]
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        return [
            (number, ["" if v is None else _cell_text(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1)
        ]
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    0,
                    "",
                    "",
                    f"not a readable XLSX workbook (truncated or corrupt?): {type(exc).__name__}: {exc}",
                )
            ]
        ) from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell as text: whole numbers without a trailing .0, the rest as Python prints them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_figures(package: Package, table: pl.DataFrame, sources: Path) -> pl.DataFrame:
    """Reshape any layout to figure rows; each value keeps the header of the column it came from."""
    m = package.manifest
    layout, period = m["layout"], m["period"]
    manifest_name = display_name(package.folder / MANIFEST, sources)
    columns = set(table.columns) - {SOURCE_FILE, SOURCE_LINE}
    ignored = set(layout.get("ignore_columns", []))
    region = layout["region_column"]
    named = [region]
    if layout["kind"] == "long":
        named += [
            layout[k]
            for k in ("indicator_column", "value_column", "year_column", "unit_column", "note_column")
            if layout.get(k)
        ]
    elif layout["kind"] == "wide_indicators":
        named += list(layout["indicators"])
    missing = [c for c in named if c not in columns]
    if missing:
        header_line = m["file"].get("header_row", 1)
        data_name = table[SOURCE_FILE][0]
        raise SourceError(
            [
                SourceIssue(
                    data_name,
                    header_line,
                    c,
                    c,
                    f"the manifest ({manifest_name}) names this column but the header has no such column",
                )
                for c in missing
            ]
        )
    default_year = str(layout.get("year", period["end_year"]))
    keep = [SOURCE_FILE, SOURCE_LINE, pl.col(region).alias("region")]

    if layout["kind"] == "long":
        figures = table.select(
            *keep,
            pl.col(layout["indicator_column"]).alias("indicator"),
            (pl.col(layout["year_column"]) if layout.get("year_column") else pl.lit(default_year)).alias(
                "year"
            ),
            pl.col(layout["value_column"]).alias("value"),
            (
                pl.col(layout["unit_column"]) if layout.get("unit_column") else pl.lit(layout.get("unit"))
            ).alias("unit"),
            (pl.col(layout["note_column"]) if layout.get("note_column") else pl.lit(None, pl.String)).alias(
                "note"
            ),
            pl.lit(layout["value_column"]).alias(f"value{HEADER_SUFFIX}"),
        )
    else:
        if layout["kind"] == "wide_indicators":
            value_columns = list(layout["indicators"])
            unmapped = sorted(columns - set(value_columns) - {region} - ignored)
        else:
            value_columns = sorted(c for c in columns if YEAR_HEADER.match(c))
            unmapped = sorted(columns - set(value_columns) - {region} - ignored)
        if unmapped:
            raise SourceError(
                [
                    SourceIssue(
                        table[SOURCE_FILE][0],
                        m["file"].get("header_row", 1),
                        c,
                        c,
                        f"a column the manifest ({manifest_name}) does not map; map it or "
                        "list it in layout.ignore_columns",
                    )
                    for c in unmapped
                ]
            )
        long = table.unpivot(
            index=[SOURCE_FILE, SOURCE_LINE, region],
            on=value_columns,
            variable_name="header",
            value_name="value",
        )
        if layout["kind"] == "wide_indicators":
            mapping = pl.DataFrame(
                {
                    "header": value_columns,
                    "indicator": [layout["indicators"][c]["indicator"] for c in value_columns],
                    "unit": [layout["indicators"][c]["unit"] for c in value_columns],
                }
            )
            long = long.join(mapping, on="header", how="left").with_columns(
                pl.lit(default_year).alias("year")
            )
        else:
            long = long.with_columns(
                pl.lit(layout["indicator"]).alias("indicator"),
                pl.lit(layout["unit"]).alias("unit"),
                pl.col("header").str.extract(r"(\d{4})", 1).alias("year"),
            )
        # an empty cell in a wide table is no figure (publishers leave cells blank)
        figures = long.filter(pl.col("value").is_not_null() & (pl.col("value") != "")).select(
            *keep,
            "indicator",
            "year",
            "value",
            "unit",
            pl.lit(None, pl.String).alias("note"),
            pl.col("header").alias(f"value{HEADER_SUFFIX}"),
        )
    return figures.with_columns(
        pl.lit(package.release_id).alias("release_id"),
        pl.lit(m.get("status", "final")).alias("release_status"),
        pl.lit(period["start_year"]).cast(pl.Int64).alias("period_start_bound"),
        pl.lit(period["end_year"]).cast(pl.Int64).alias("period_end_bound"),
        pl.lit(period.get("months"), pl.Int64).alias("release_months"),
        pl.lit(True).alias("missing_allowed"),
    )


def _known_encoding(name) -> bool:
    try:
        "".encode(name)
        return True
    except (LookupError, TypeError):
        return False


def _key_line(text: str, key: str) -> int:
    """The line a TOML key is written on (0 when absent), for errors that point at it."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 0
