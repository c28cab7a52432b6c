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
import difflib
import io
import math
import re
import tomllib
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl

from pipelines import config
from pipelines.lib.csv_files import SOURCE_FILE, SOURCE_LINE, display_name, field_limit_issue, too_large_issue
from pipelines.lib.errors import SourceError, SourceIssue
from pipelines.lib.validation import HEADER_SUFFIX, future_rule

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
RELEASE_IN_FUTURE = "a release cannot count before it is published"
YEAR_HEADER = re.compile(r"^\s*(\d{4})\s*年?\s*$")
# Every key a manifest may hold, table by table: any other is a typo that would lose a setting.
MANIFEST_KEYS = {
    "": {
        "publisher",
        "title",
        "citation",
        "published_on",
        "published_on_precision",
        "release_kind",
        "source_tier",
        "status",
        "url",
        "release_id",
        "period",
        "file",
        "layout",
    },
    "period": {"start_year", "end_year", "months"},
    "file": {"path", "sheet", "encoding", "header_row"},
    "layout": {
        "kind",
        "region_column",
        "ignore_columns",
        "indicators",
        "indicator_column",
        "value_column",
        "year_column",
        "unit_column",
        "note_column",
        "unit",
        "indicator",
        "year",
    },
}
MAPPING_KEYS = {"indicator", "unit"}  # each entry of [layout.indicators]


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
    _check_folder(folder, sources)
    package = Package(folder, _read_manifest(folder, sources))
    _confine(package, sources)
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


def _check_folder(folder: Path, sources: Path) -> None:
    """A package folder is named by the release-id rule, is no link, and no other folder has the
    same name but for case (Zz-2024 and zz-2024 would be one release on a case-blind disk)."""
    name = display_name(folder, sources) if not folder.is_symlink() else str(folder)
    issues = []
    if not re.match(config.RELEASE_ID_PATTERN, folder.name):
        issues.append(
            SourceIssue(
                name,
                0,
                "release_id",
                folder.name,
                "a package folder is named by its release id: lower-case letters, digits and '-' "
                "([a-z0-9][a-z0-9-]*)",
            )
        )
    twins = [
        f.name for f in package_folders(sources) if f.name.lower() == folder.name.lower() and f != folder
    ]
    if twins:
        issues.append(
            SourceIssue(
                name,
                0,
                "release_id",
                folder.name,
                f"another package folder differs only in case ({', '.join(twins)}): one release, one folder",
            )
        )
    if folder.is_symlink():
        issues.append(
            SourceIssue(name, 0, "", "", "a package folder must be a folder, not a link to one elsewhere")
        )
    if issues:
        raise SourceError(issues)


def _confine(package: Package, sources: Path) -> None:
    """The data file must lie inside its package folder: no '..', no absolute path, no link or
    hard link leading outside. Nothing outside is read, and no outside content is quoted."""
    manifest = display_name(package.folder / MANIFEST, sources)
    written = package.manifest["file"]["path"]
    path = package.folder / written
    rule = None
    if re.search(r"[\x00-\x1f\x7f]", written):
        rule = "must be a plain file name (no control characters)"
        written = written.encode("unicode_escape").decode()
    elif Path(written).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", written):
        rule = "must be a file name inside the package folder, not an absolute path"
    elif ".." in Path(written).parts:
        rule = "must not leave the package folder ('..')"
    elif path.is_symlink() or not path.resolve().is_relative_to(package.folder.resolve()):
        rule = "must not be a link: copy the data file itself into the package folder"
    elif path.is_file() and path.stat().st_nlink > 1:
        rule = "must not be a hard link (it shares its content with a file elsewhere): copy the file instead"
    elif path.exists() and not path.is_file():
        rule = "must name a file, not a folder"
    if rule:
        raise SourceError([SourceIssue(manifest, _key_line_of(package, "path"), "file.path", written, rule)])


def _key_line_of(package: Package, key: str) -> int:
    return _key_line((package.folder / MANIFEST).read_text(encoding="utf-8"), key)


def _read_manifest(folder: Path, sources: Path) -> dict:
    path = folder / MANIFEST
    name = f"{display_name(folder, sources)}/{MANIFEST}"  # where it is, not where a link leads
    if path.is_symlink() or (path.is_file() and path.stat().st_nlink > 1):
        raise SourceError(
            [
                SourceIssue(
                    name, 0, "", "", "the manifest must be a file of the package, not a link to one elsewhere"
                )
            ]
        )
    if not path.is_file():
        raise SourceError([SourceIssue(name, 0, "", "", f"a release package needs a {MANIFEST}")])
    text = path.read_text(encoding="utf-8")
    try:
        manifest = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(
            [SourceIssue(name, getattr(exc, "lineno", 0) or 0, "", "", f"not valid TOML: {exc}")]
        ) from exc

    issues: list[SourceIssue] = _unknown_keys(manifest, text, name)

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
        "published_on",
        get("published_on"),
        future_rule(RELEASE_IN_FUTURE),
        not isinstance(get("published_on"), date) or get("published_on") <= config.build_date(),
    )
    need(
        "release_id",
        get("release_id"),
        f"must equal the package folder's name ({folder.name}) where given",
        get("release_id") in (None, folder.name),
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


def _unknown_keys(manifest: dict, text: str, name: str) -> list[SourceIssue]:
    """Keys the manifest format does not have (stauts, layot …), each with the closest valid key."""
    found = []
    for table, allowed in MANIFEST_KEYS.items():
        section = manifest if not table else manifest.get(table, {})
        if not isinstance(section, dict):
            continue
        for key in section:
            if key not in allowed:
                found.append((f"{table}.{key}" if table else key, key, allowed))
    mapping = manifest.get("layout", {}).get("indicators", {})
    if isinstance(mapping, dict):
        for header, entry in mapping.items():
            for key in entry if isinstance(entry, dict) else []:
                if key not in MAPPING_KEYS:
                    found.append((f"layout.indicators.{header}.{key}", key, MAPPING_KEYS))
    issues = []
    for path, key, allowed in found:
        close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.5)
        hint = (
            f"; did you mean '{close[0]}'?" if close else f"; valid keys here: {', '.join(sorted(allowed))}"
        )
        issues.append(SourceIssue(name, _key_line(text, key), path, key, f"unknown manifest key{hint}"))
    return issues


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
    _check_size(path, name)
    if path.suffix.lower() == ".xlsx":
        rows = _xlsx_rows(path, name, file.get("sheet"))
    else:
        data = path.read_bytes()  # read once, for the fast reader and, if it declines, the careful one
        fast = _csv_table_fast(data, file.get("encoding", "utf-8"), header_row)
        if fast is not None:
            return fast.with_columns(pl.lit(name).alias(SOURCE_FILE))
        rows = _csv_rows(data, name, file.get("encoding", "utf-8"))
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
    unnamed = [
        f"column {i + 1}"
        for i, h in enumerate(header)
        if not h and any(i < len(r) and r[i] not in (None, "") for _, r in body)
    ]
    if unnamed:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    header_row,
                    c,
                    "",
                    "a column holds data but has no header (under a merged header cell?): give every "
                    "data column its own header",
                )
                for c in unnamed
            ]
        )
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


def _csv_table_fast(data: bytes, encoding: str, header_row: int) -> pl.DataFrame | None:
    """A UTF-8 CSV whose every record is one line, read by polars' native reader.

    Polars reads a county release (a million rows) some fifty times faster than Python's csv
    module, into Arrow columns instead of a Python object per cell. It cannot say which line a
    record came from, so it is used only when line numbers follow from record numbers: one
    record a line, no blank line, no quoted line break. Anything else (another encoding, a
    ragged record, a blank line, a header to check) returns None, and the careful reader
    (_csv_rows) reads the file and names the line of every problem.
    """
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data.split(b"\n", header_row)
    if len(head) <= header_row:
        return None  # no data line: the careful reader says what is missing
    try:
        header_text = b"\n".join(head[:header_row]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    header = [h.strip() for h in next(csv.reader(io.StringIO(header_text.splitlines()[-1])), [])]
    if not header or any(not h for h in header) or len(set(header)) != len(header):
        return None
    body = head[header_row]
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    if header_row + lines > config.max_rows():
        return None  # the careful reader stops at the limit and says where
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            new_columns=header,
            schema={h: pl.String for h in header},
            quote_char='"',
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.PolarsError):
        return None
    if frame.height != lines or frame.height == 0:
        return None  # a blank line or a quoted line break: line numbers do not follow
    filled = pl.any_horizontal([pl.col(h).is_not_null() & (pl.col(h) != "") for h in header])
    if frame[header[-1]].null_count() or not frame.select(filled.all()).item():
        # an empty last field or record: polars cannot tell an empty field from a missing one
        # (a short record), nor keep the line numbers of the records the careful reader skips
        return None
    return frame.fill_null("").with_columns(
        pl.col(pl.String).str.strip_chars(),
        (pl.int_range(pl.len(), dtype=pl.Int64) + header_row + 1).alias(SOURCE_LINE),
    )


def _csv_rows(data: bytes, name: str, encoding: str) -> list[tuple[int, list]]:
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
    limit = config.max_rows()
    try:
        for record in reader:
            rows.append((reader.line_num, record))
            if len(rows) > limit:
                raise SourceError([_too_many_rows(name, reader.line_num, limit)])
    except csv.Error as exc:
        raise SourceError([field_limit_issue(name, reader.line_num, exc)]) from exc
    return rows


def _check_size(path: Path, name: str) -> None:
    """Refuse a file over the byte limit before reading it (an XLSX by its decompressed size)."""
    limit = config.max_file_bytes()
    size = path.stat().st_size
    what = "bytes"  # an XLSX: what it unpacks to
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
        what = "bytes once decompressed"
    if size > limit:
        raise SourceError([too_large_issue(name, size, what)])


def _too_many_rows(name: str, line: int, limit: int) -> SourceIssue:
    return SourceIssue(
        name,
        line,
        "",
        "",
        f"more than {limit:,} rows (PLANWATCH_MAX_ROWS): reading stopped here; split the release into "
        "smaller files or raise the limit",
    )


def _xlsx_rows(path: Path, name: str, sheet: str | None) -> list[tuple[int, list]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
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
        written = formulas[worksheet.title]
        rows, unsaved, limit = [], [], config.max_rows()
        pairs = zip(
            worksheet.iter_rows(min_row=1, values_only=True),
            written.iter_rows(min_row=1, values_only=True),
            strict=False,
        )
        for number, (values, as_written) in enumerate(pairs, start=1):
            if number > limit:
                raise SourceError([_too_many_rows(name, number, limit)])
            for column, (value, formula) in enumerate(zip(values, as_written, strict=False), start=1):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    unsaved.append(
                        SourceIssue(
                            name,
                            number,
                            openpyxl.utils.get_column_letter(column),
                            formula,
                            "a formula with no saved value: open the workbook in Excel or LibreOffice and "
                            "save it (or paste the values), so that the figure is stored",
                        )
                    )
            rows.append((number, ["" if v is None else _cell_text(v) for v in values]))
        if unsaved:
            raise SourceError(unsaved)
        return rows
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
        formulas.close()


def _cell_text(value) -> str:
    """A cell as text: numbers in plain decimal digits, exactly (1e+308 is 1 followed by 308
    zeros, 1e-05 is 0.00001), whole numbers without a trailing .0; the rest as Python prints it."""
    if isinstance(value, float) and math.isfinite(value):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
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
