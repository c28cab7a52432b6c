"""Reading source CSV files with an explicit all-text schema and line numbers.

Every column is read as text so that a bad cell never makes polars guess or drop a column;
typed casting happens afterwards, cell by cell, where an error can name the cell.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from pipelines import config
from pipelines.lib.errors import SourceError, SourceIssue

SOURCE_FILE = "source_file"
SOURCE_LINE = "source_line"


def read_text_csv(path: Path, columns: list[str], relative_to: Path) -> pl.DataFrame:
    """Read a UTF-8 CSV whose header must hold `columns`; add source_file and source_line.

    Line numbers are those a text editor shows: the header is line 1.
    """
    name = display_name(path, relative_to)
    data, header = _read_utf8(path, name)
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise SourceError(
            [
                SourceIssue(name, 1, h, h, "column headers must be unique: which one holds the data?")
                for h in duplicated
            ]
        )
    missing = [c for c in columns if c not in header]
    if missing:
        raise SourceError(
            [SourceIssue(name, 1, c, "", "required column is missing from the header") for c in missing]
        )
    try:
        frame = pl.read_csv(data, schema={c: pl.String for c in header}, encoding="utf8")
    except pl.exceptions.ComputeError as exc:
        raise SourceError(
            _ragged_lines(path, name, len(header))
            or [SourceIssue(name, 1, "", "", f"file must be a well-formed CSV ({exc})")]
        ) from exc
    frame = frame.select(columns).with_columns(pl.col(columns).str.strip_chars())
    # A multi-line quoted cell would shift later lines; source files are one record a line.
    return frame.with_row_index(SOURCE_LINE, offset=2).with_columns(
        pl.col(SOURCE_LINE).cast(pl.Int64), pl.lit(name).alias(SOURCE_FILE)
    )


def _read_utf8(path: Path, name: str) -> tuple[bytes, list[str]]:
    """The file's bytes, read once, and its header as written (polars would rename a duplicated
    column); the file must be UTF-8."""
    if path.stat().st_size > config.max_file_bytes():
        raise SourceError([too_large_issue(name, path.stat().st_size, "bytes")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = looks_like(data)
        raise SourceError(
            [
                SourceIssue(
                    name,
                    line,
                    "",
                    data[exc.start : exc.start + 4].hex(" "),
                    f"file must be UTF-8, but these bytes are not: it looks like {guess}. Save it as "
                    f"'CSV UTF-8' (Excel) or convert it: iconv -f {guess} -t utf-8",
                )
            ]
        ) from exc
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise SourceError([SourceIssue(name, 1, "", "", "file must start with a header row (it is empty)")])
    return data, [h.strip() for h in next(csv.reader([first]))]


def too_large_issue(name: str, size: int, what: str) -> SourceIssue:
    """A file over the byte limit (PLANWATCH_MAX_FILE_BYTES), refused before it is read."""
    return SourceIssue(
        name,
        0,
        "",
        "",
        f"the file holds {size:,} {what}, over the limit of {config.max_file_bytes():,} "
        "(PLANWATCH_MAX_FILE_BYTES): split it into smaller files",
    )


def looks_like(data: bytes) -> str:
    """The encoding some bytes look like (charset-normalizer's best guess), for error messages."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None and best.encoding else "an unknown encoding"
    return "gb18030" if encoding in {"gb2312", "gbk"} else encoding


def read_text_csvs(paths: list[Path], columns: list[str], relative_to: Path) -> pl.DataFrame:
    """Read and stack several files of the same format."""
    frames = [read_text_csv(p, columns, relative_to) for p in paths]
    if not frames:
        return pl.DataFrame(
            schema={**{c: pl.String for c in columns}, SOURCE_LINE: pl.Int64, SOURCE_FILE: pl.String}
        ).select([SOURCE_LINE, *columns, SOURCE_FILE])
    return pl.concat(frames, how="vertical")


def cast_columns(
    frame: pl.DataFrame, casts: dict[str, pl.DataType]
) -> tuple[pl.DataFrame, list[SourceIssue]]:
    """Cast text columns; every non-empty cell that does not parse becomes a SourceIssue."""
    issues: list[SourceIssue] = []
    typed = frame.with_columns([_cast(c, t) for c, t in casts.items()])
    for column, dtype in casts.items():
        bad = frame.filter(pl.col(column).is_not_null() & typed[column].is_null())
        for row in bad.select(SOURCE_FILE, SOURCE_LINE, column).iter_rows():
            issues.append(SourceIssue(row[0], row[1], column, row[2], f"must be {_type_word(dtype)}"))
    return typed, issues


def _ragged_lines(path: Path, name: str, width: int) -> list[SourceIssue]:
    """Locate the records whose field count differs from the header's (error path only)."""
    issues = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        try:
            for record in reader:
                if reader.line_num > 1 and len(record) != width:
                    issues.append(
                        SourceIssue(
                            name,
                            reader.line_num,
                            "",
                            ",".join(record)[:200],
                            f"a record must have {width} fields like the header, not {len(record)}",
                        )
                    )
        except csv.Error as exc:
            issues.append(field_limit_issue(name, reader.line_num, exc))
    return issues


def field_limit_issue(name: str, line: int, exc: csv.Error) -> SourceIssue:
    """A CSV the csv module cannot read past a line: almost always a quote left open."""
    return SourceIssue(
        name,
        line,
        "",
        "",
        f"the file cannot be read past this line ({exc}): a cell longer than "
        f'{csv.field_size_limit():,} characters means a quote (") left open; close it or split the cell',
    )


BOOLEAN_WORDS = {"true": True, "false": False}


def _cast(column: str, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Boolean:  # polars has no text-to-boolean cast
        return (
            pl.col(column)
            .str.to_lowercase()
            .replace_strict(BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean)
        )
    if dtype == pl.Date:
        return pl.col(column).str.to_date("%Y-%m-%d", strict=False)
    return pl.col(column).cast(dtype, strict=False)


def _type_word(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "a whole number"
    if dtype.is_numeric():
        return "a number"
    if dtype == pl.Date:
        return "a date YYYY-MM-DD"
    if dtype == pl.Boolean:
        return "true or false"
    return str(dtype)


def display_name(path: Path, relative_to: Path) -> str:
    """A path as errors show it: relative to the folder holding sources/ (sources/plans/x.csv)."""
    try:
        return str(path.resolve().relative_to(relative_to.resolve().parent))
    except ValueError:
        return str(path)
