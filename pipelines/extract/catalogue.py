"""What the extractor knows: indicators and their aliases, units, regions and plans.

Built from the reference tables (sources/reference/*.csv, or the validated raw tables inside a
run). Matches an indicator as written in a plan to the catalogue: exactly (name or alias), by
containment (the catalogue name stands inside the written phrase, ``的`` and counting words
such as 数量/总数/规模 aside), or by character-bigram similarity; otherwise no match and the
closest names as suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.extract.numbers import MAGNITUDES, fold

COUNTING_WORDS = re.compile(r"(数量|总数|总量|规模|数目|人数|个数|家数)$")
FUZZY_THRESHOLD = 0.6
MONEY_CONTEXT = re.compile(r"额|金额|资金|融资|产值|收入|投入|投资|规模|价值|经费|基金|增加值|GDP")
POPULATION_CONTEXT = re.compile(r"人口")


@dataclass(frozen=True)
class IndicatorMatch:
    indicator_id: str | None
    how: str  # exact, alias, contained, fuzzy, none
    score: float
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class PlanFacts:
    plan_id: str
    title_zh: str
    published_year: int | None
    period_end_year: int | None
    region_code: str | None
    past_plan_id: str | None  # the plan a review table in this document reports on


def _key(text: str) -> str:
    """A comparable form of an indicator phrase: folded, no spaces, quotes or markup."""
    text = fold(text)
    text = re.sub(r"[\s\"'“”‘’《》<>*]", "", text)
    return text.replace("（", "(").replace("）", ")")


def _bare(text: str) -> str:
    """Without 的 and trailing counting words: 知识产权服务机构数量 → 知识产权服务机构."""
    return COUNTING_WORDS.sub("", _key(text).replace("的", ""))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def dice(a: str, b: str) -> float:
    """Character-bigram Dice similarity of two phrases (0..1)."""
    return _dice(_bigrams(_bare(a)), _bigrams(_bare(b)))


def _dice(x: set[str], y: set[str]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


class Catalogue:
    """Indicators, units, regions and plans, indexed for matching."""

    def __init__(
        self,
        indicators: pl.DataFrame,
        aliases: pl.DataFrame,
        units: pl.DataFrame,
        regions: pl.DataFrame,
        plans: pl.DataFrame,
    ):
        self.measure_kind = dict(zip(indicators["indicator_id"], indicators["measure_kind"], strict=True))
        self.indicator_unit = dict(zip(indicators["indicator_id"], indicators["unit"], strict=True))
        self.names: dict[str, tuple[str, str]] = {}  # key → (indicator_id, how)
        for indicator_id, name in zip(indicators["indicator_id"], indicators["name_zh"], strict=True):
            self.names[_key(name)] = (indicator_id, "exact")
        for indicator_id, alias in zip(aliases["indicator_id"], aliases["alias"], strict=True):
            self.names.setdefault(_key(alias), (indicator_id, "alias"))
        self.bare = sorted(((_bare(k), v[0]) for k, v in self.names.items()), key=lambda kv: -len(kv[0]))
        # the bigrams of every catalogue name, once, for the similarity match
        self.bare_bigrams = [(_bigrams(_bare(name)), indicator_id, name) for name, indicator_id in self.bare]
        self.units = {
            u: (c, float(f))
            for u, c, f in zip(
                units["unit"], units["canonical_unit"], units["factor"].cast(pl.Float64), strict=True
            )
        }
        self.region_parent = dict(zip(regions["region_code"], regions["parent_code"], strict=True))
        region_names: list[tuple[str, str]] = []
        for code, name, aliases_text in zip(
            regions["region_code"], regions["name_zh"], regions["aliases"], strict=True
        ):
            for label in [name, *(aliases_text or "").split("|")]:
                if label and re.search(r"[\u4e00-\u9fff]", label) and len(label) >= 2:
                    region_names.append((label, code))
        self.region_names = sorted(region_names, key=lambda kv: -len(kv[0]))
        self.plans = {row["plan_id"]: row for row in plans.iter_rows(named=True)}

    @classmethod
    def from_sources(cls, sources: Path) -> Catalogue:
        """Read the reference CSVs under `sources`/reference (all columns as text)."""
        reference = sources / "reference"

        def read(name: str) -> pl.DataFrame:
            return pl.read_csv(reference / name, infer_schema=False)

        return cls(
            read("indicators.csv"),
            read("indicator_aliases.csv"),
            read("units.csv"),
            read("regions.csv"),
            read("plans.csv"),
        )

    # --- indicators -------------------------------------------------------------------------

    def match_indicator(self, written: str, head: str | None = None) -> IndicatorMatch:
        """The catalogue indicator a phrase names (see module docstring for the order)."""
        key = _key(written)
        if not key:
            return IndicatorMatch(None, "none", 0.0, ())
        if key in self.names:
            indicator_id, how = self.names[key]
            return IndicatorMatch(indicator_id, how, 1.0, ())
        bare = _bare(written)
        for name, indicator_id in self.bare:  # longest first
            if len(name) >= 4 and (name == bare or name in bare):
                return IndicatorMatch(indicator_id, "contained", 0.9, ())
        written_bigrams = _bigrams(bare)
        # a head noun of four characters (服务机构) says too little to match on its own
        head_bigrams = _bigrams(_bare(head)) if head and len(head) >= 5 else None
        scored = sorted(
            (
                (
                    max(_dice(written_bigrams, grams), _dice(head_bigrams, grams) if head_bigrams else 0.0),
                    indicator_id,
                    name,
                )
                for grams, indicator_id, name in self.bare_bigrams
            ),
            reverse=True,
        )
        best, suggestions, seen = scored[0], [], set()
        for score, indicator_id, _ in scored:
            if indicator_id not in seen:
                seen.add(indicator_id)
                suggestions.append(f"{indicator_id} ({score:.2f})")
            if len(suggestions) == 3:
                break
        if best[0] >= FUZZY_THRESHOLD:
            return IndicatorMatch(best[1], "fuzzy", round(best[0], 2), tuple(suggestions))
        return IndicatorMatch(None, "none", round(best[0], 2), tuple(suggestions))

    def is_flow(self, indicator_id: str | None) -> bool:
        return self.measure_kind.get(indicator_id or "") == "flow"

    # --- units --------------------------------------------------------------------------------

    def plan_unit(self, value: float, unit_as_written: str, indicator_text: str) -> tuple[float, str]:
        """The value and unit to write in a plan table: the unit as printed where the catalogue
        knows it (万件, 亿元), else the printed magnitude folded into the value (3千万元 → 0.3 亿元).
        A bare magnitude (100 亿, 1860 万) takes its unit from the indicator (money, population)."""
        if unit_as_written in self.units:
            return value, unit_as_written
        if unit_as_written in {"亿", "万"}:
            if MONEY_CONTEXT.search(indicator_text):
                return value, unit_as_written + "元"
            if POPULATION_CONTEXT.search(indicator_text):
                return value, unit_as_written + "人"
            return value * MAGNITUDES[unit_as_written], ""
        for magnitude in sorted(MAGNITUDES, key=len, reverse=True):
            base = unit_as_written[len(magnitude) :]
            if unit_as_written.startswith(magnitude) and base in self.units:
                scaled = value * MAGNITUDES[magnitude]
                canonical, factor = self.units[base]
                return scaled * factor, canonical
        return value, unit_as_written

    def canonical(self, value: float | None, unit: str) -> tuple[float | None, str]:
        """A value in the catalogue's canonical unit (万件 → 件 × 10000)."""
        if unit not in self.units:
            return value, unit
        canonical, factor = self.units[unit]
        return (None if value is None else value * factor), canonical

    # --- regions ------------------------------------------------------------------------------

    def regions_named(self, text: str) -> list[str]:
        """Codes of the regions a text names, longest names first, each once.

        A plain substring search (each label's occurrences, left to right, not overlapping): with
        a county catalogue's thousands of labels, a regular expression per label overflowed re's
        cache of compiled patterns, and every text compiled them all again.
        """
        found, taken = [], [False] * len(text)
        for label, code in self.region_names:
            start = text.find(label)
            while start != -1:
                end = start + len(label)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(label)
                    if code not in found:
                        found.append(code)
                start = text.find(label, end)
        return found

    def is_within(self, code: str, ancestor: str) -> bool:
        """Whether `code` lies inside `ancestor` (strictly)."""
        parent = self.region_parent.get(code)
        while parent:
            if parent == ancestor:
                return True
            parent = self.region_parent.get(parent)
        return False

    # --- plans --------------------------------------------------------------------------------

    def plan_facts(self, plan_id: str) -> PlanFacts | None:
        plan = self.plans.get(plan_id)
        if plan is None:
            return None
        past = next((p for p, row in self.plans.items() if row.get("reported_in_plan_id") == plan_id), None)
        published = str(plan.get("published_on") or "")
        end = plan.get("period_end_year")
        return PlanFacts(
            plan_id,
            plan.get("title_zh") or "",
            int(published[:4]) if published[:4].isdigit() else None,
            int(end) if end not in (None, "") else None,
            plan.get("region_code"),
            past,
        )
