"""Editing cells of source CSV files in a test's private sources/ copy."""

from __future__ import annotations

import csv
from pathlib import Path


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def set_cell(path: Path, match: dict[str, str], column: str, value: str) -> int:
    """Set `column` in the first row matching `match`; return its line number (header = 1)."""
    header, rows = read_rows(path)
    for index, row in enumerate(rows):
        if all(row[header.index(k)] == v for k, v in match.items()):
            row[header.index(column)] = value
            write_rows(path, header, rows)
            return index + 2
    raise LookupError(f"no row of {path} matches {match}")


def append_copy_of_row(path: Path, match: dict[str, str]) -> int:
    """Append a duplicate of the first row matching `match`; return the new line number."""
    header, rows = read_rows(path)
    row = next(r for r in rows if all(r[header.index(k)] == v for k, v in match.items()))
    rows.append(list(row))
    write_rows(path, header, rows)
    return len(rows) + 1
