"""Extracted targets against a curated plan table: which match, which only one side has.

A row matches when value, unit, target year and kind are all right (values compared in the
catalogue's canonical unit). Pairs are made one to one, a pair naming the same indicator first.
The warehouse computes the same comparison in SQL (mart_extraction_review); this one serves
the benchmark and the tests, which check that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.extract.catalogue import Catalogue


@dataclass(frozen=True)
class Comparison:
    matched: list[tuple[dict, dict]]  # (extracted, curated)
    extracted_only: list[dict]
    curated_only: list[dict]

    @property
    def recall(self) -> float:
        total = len(self.matched) + len(self.curated_only)
        return len(self.matched) / total if total else 1.0

    @property
    def precision(self) -> float:
        total = len(self.matched) + len(self.extracted_only)
        return len(self.matched) / total if total else 1.0


def read_plan_table(path: Path) -> pl.DataFrame:
    """A curated plan table, every column as text (as the ingest reads it)."""
    return pl.read_csv(path, infer_schema=False)


def _key(row: dict, catalogue: Catalogue) -> tuple:
    value = float(row["target_value"]) if row["target_value"] not in (None, "") else None
    canonical, unit = catalogue.canonical(value, row["unit"] or "")
    year = int(row["target_year"]) if row["target_year"] not in (None, "") else None
    return (round(canonical, 6) if canonical is not None else None, unit, year, row["target_kind"])


def compare(extracted: pl.DataFrame, curated: pl.DataFrame, catalogue: Catalogue) -> Comparison:
    """Pair extracted rows with curated rows (see module docstring)."""
    left = list(extracted.iter_rows(named=True))
    right = list(curated.iter_rows(named=True))
    right_keys = [_key(r, catalogue) for r in right]
    used: set[int] = set()
    matched, extracted_only = [], []
    # rows naming a known indicator pick first, so that a pair on the same indicator wins
    for row in sorted(left, key=lambda r: r["indicator_id"] is None):
        key = _key(row, catalogue)
        candidates = [i for i, k in enumerate(right_keys) if k == key and i not in used]
        same = [i for i in candidates if right[i]["indicator_id"] == row["indicator_id"]]
        pick = (same or candidates or [None])[0]
        if pick is None:
            extracted_only.append(row)
        else:
            used.add(pick)
            matched.append((row, right[pick]))
    curated_only = [r for i, r in enumerate(right) if i not in used]
    return Comparison(matched, extracted_only, curated_only)
