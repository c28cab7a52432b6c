"""Every validation rule rejects a bad file with an error naming file, line, column, value and rule."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipelines.defs.ingest.plans import load_plans
from pipelines.defs.ingest.reference import load_reference
from pipelines.defs.ingest.releases import load_all_releases
from pipelines.lib.errors import SourceError
from tests.sourcefiles import append_copy_of_row, set_cell

PUBLISHED = "releases/figures/published_figures.csv"
SZ_PCT_2021 = {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2021"}


@dataclass(frozen=True)
class Case:
    file: str
    match: dict
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        return f"{self.file}:{self.column}={self.value!r}"


CASES = [
    # reference/regions.csv
    Case("reference/regions.csv", {"region_code": "440305"}, "region_code", "44030X", "str_matches"),
    Case("reference/regions.csv", {"region_code": "440305"}, "level", "city", "isin"),
    Case(
        "reference/regions.csv", {"region_code": "440305"}, "parent_code", "999999", "must be a region_code"
    ),
    Case("reference/regions.csv", {"region_code": "440305"}, "region_code", "440304", "rows must be unique"),
    # reference/units.csv
    Case("reference/units.csv", {"unit": "万件"}, "factor", "ten thousand", "must be a number"),
    Case("reference/units.csv", {"unit": "万件"}, "factor", "-1", "greater_than(0)"),
    # reference/indicators.csv
    Case(
        "reference/indicators.csv",
        {"indicator_id": "patent_agencies"},
        "unit",
        "万家",
        "must be a canonical unit",
    ),
    Case("reference/indicators.csv", {"indicator_id": "patent_agencies"}, "direction", "up", "isin"),
    Case("reference/indicators.csv", {"indicator_id": "patent_agencies"}, "measure_kind", "count", "isin"),
    Case(
        "reference/indicators.csv",
        {"indicator_id": "invention_patents_per_10k"},
        "numerator_indicator_id",
        "no_such_indicator",
        "must be an indicator_id",
    ),
    # reference/indicator_aliases.csv
    Case(
        "reference/indicator_aliases.csv",
        {"alias": "专利代理人"},
        "indicator_id",
        "no_such_indicator",
        "must be an indicator_id",
    ),
    Case(
        "reference/indicator_aliases.csv",
        {"alias": "专利代理人"},
        "alias",
        "专利代理师",
        "not an indicator's own",
    ),
    Case(
        "reference/indicator_aliases.csv",
        {"alias": "专利代理人"},
        "period_months",
        "13",
        "less_than_or_equal_to(12)",
    ),
    # reference/plans.csv
    Case(
        "reference/plans.csv",
        {"plan_id": "zz-ip-services-2023"},
        "published_on",
        "2023-13-01",
        "must be a date",
    ),
    Case(
        "reference/plans.csv",
        {"plan_id": "zz-ip-services-2023"},
        "region_code",
        "999999",
        "must be a region_code",
    ),
    Case(
        "reference/plans.csv",
        {"plan_id": "zz-ip-services-2023"},
        "period_start_year",
        "1800",
        "greater_than_or_equal_to(1949)",
    ),
    # plans/<plan_id>.csv
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "indicator_id",
        "no_such_indicator",
        "must be an indicator_id",
    ),
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "region_code",
        "999999",
        "must be a region_code",
    ),
    Case("plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "target_kind", "double_it", "isin"),
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "target_value",
        "-300",
        "greater_than_or_equal_to(0)",
    ),
    Case(
        "plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "target_value", "三百", "must be a number"
    ),
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "target_year",
        "3025",
        "less_than_or_equal_to(2100)",
    ),
    Case("plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "unit", "亿元", "unit must convert"),
    Case("plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "unit", "打", "must be a unit listed"),
    Case("plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "attribute", "必须", "isin"),
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "target_id",
        "sz-ip-14fyp-08",
        "rows must be unique",
    ),
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-05"},
        "unit",
        "亿元",
        "annual_growth target is a rate",
    ),
    Case(
        "plans/sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-01"},
        "indicator_id",
        "high_value_invention_patents",
        "per_capita target needs",
    ),
    Case(
        "plans/sz-ip-13fyp.csv",
        {"target_id": "sz-ip-13fyp-02"},
        "baseline_year",
        "2021",
        "baseline_year must be before target_year",
    ),
    Case(
        "plans/gd-ip-services-2014.csv",
        {"target_id": "gd-ip-services-2014-01"},
        "target_value_high",
        "",
        "range target needs",
    ),
    Case(
        "plans/monitored_indicators.csv",
        {"indicator_id": "pct_applications"},
        "indicator_id",
        "pct",
        "must be an indicator_id",
    ),
    # releases/releases.csv
    Case(
        "releases/releases.csv",
        {"release_id": "zz-daily-2023-02-25"},
        "published_on_precision",
        "week",
        "isin",
    ),
    Case(
        "releases/releases.csv",
        {"release_id": "zz-daily-2023-02-25"},
        "source_tier",
        "9",
        "less_than_or_equal_to(4)",
    ),
    Case(
        "releases/releases.csv",
        {"release_id": "zz-daily-2023-02-25"},
        "published_on",
        "25/02/2023",
        "must be a date",
    ),
    # releases/figures/*.csv
    Case(PUBLISHED, SZ_PCT_2021, "region", "Shenzen", "closest known: Shenzhen"),
    Case(PUBLISHED, SZ_PCT_2021, "indicator", "PCT国际专利申请", "closest known"),
    Case(PUBLISHED, SZ_PCT_2021, "source", "a press release nobody catalogued", "the citation of a release"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "很多", "must be a figure"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "-1.74", "must not be negative"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "—", "a missing figure"),
    Case(
        PUBLISHED, SZ_PCT_2021, "value", "1.74亿元", "a unit printed in the cell must equal the unit column"
    ),
    Case(PUBLISHED, SZ_PCT_2021, "unit", "亿元", "unit must convert"),
    Case(PUBLISHED, SZ_PCT_2021, "year", "3021", "less_than_or_equal_to(2100)"),
    Case(PUBLISHED, SZ_PCT_2021, "year", "二〇二一", "must be a whole number"),
    Case(PUBLISHED, SZ_PCT_2021, "note", "[PARTIAL-PERIOD] part of the year", "must say the month it ends"),
    # issue 9: a value is read exactly or refused, never changed
    Case(PUBLISHED, SZ_PCT_2021, "value", "1e308", "must be printed in plain digits"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "2.3E4", "must be printed in plain digits"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "inf", "must be printed in plain digits"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "NaN", "must be printed in plain digits"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "12\x003", "contains a control character"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "12\x07", "contains a control character"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "1 2", "must be a figure"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "12件3", "must be a figure"),
    Case(PUBLISHED, SZ_PCT_2021, "value", "12,3", "must be a figure"),  # not 123
    Case(PUBLISHED, SZ_PCT_2021, "value", "1,23,456", "must be a figure"),
    Case("plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "target_value", "inf", "must be a finite"),
    Case("plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "target_value", "NaN", "must be a finite"),
    Case(
        "plans/sz-ip-13fyp.csv", {"target_id": "sz-ip-13fyp-02"}, "baseline_value", "-inf", "must be a finite"
    ),
    Case(
        "plans/sz-ip-14fyp.csv", {"target_id": "sz-ip-14fyp-07"}, "target_value", "1\x00", "must be a number"
    ),
]


def load_everything(sources):
    reference = load_reference(sources)
    load_plans(sources, reference)
    load_all_releases(sources, reference)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_rejects_bad_cell(workspace, case: Case):
    line = set_cell(workspace.sources / case.file, case.match, case.column, case.value)
    with pytest.raises(SourceError) as raised:
        load_everything(workspace.sources)
    located = [i for i in raised.value.issues if i.file == f"sources/{case.file}" and i.line == line]
    assert located, f"no issue located at sources/{case.file}:{line}; got:\n{raised.value}"
    assert any(case.column in i.column and case.rule in i.rule for i in located), str(raised.value)
    # the message a user reads names file, line, column, value and rule
    message = str(raised.value)
    assert f"sources/{case.file}, line {line}, column {case.column}" in message
    assert case.rule in message


def test_duplicate_figure_rows_are_rejected(workspace):
    path = workspace.sources / PUBLISHED
    line = append_copy_of_row(path, SZ_PCT_2021)
    with pytest.raises(SourceError) as raised:
        load_everything(workspace.sources)
    issues = [i for i in raised.value.issues if i.line == line and "rows must be unique" in i.rule]
    assert issues and "release_id" in issues[0].column


def test_ragged_line_is_located(workspace):
    path = workspace.sources / PUBLISHED
    with path.open("a", encoding="utf-8") as handle:
        handle.write("Shenzhen,PCT国际专利申请量,2022,1,件,,x,extra\n")
    lines = path.read_text(encoding="utf-8").count("\n")
    with pytest.raises(SourceError) as raised:
        load_everything(workspace.sources)
    assert any(i.line == lines and "must have 7 fields" in i.rule for i in raised.value.issues), str(
        raised.value
    )


def test_missing_column_is_named(workspace):
    path = workspace.sources / "plans" / "sz-ip-14fyp.csv"
    text = path.read_text(encoding="utf-8").replace("target_kind,", "kind,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_everything(workspace.sources)
    assert any(i.column == "target_kind" and i.line == 1 and "missing" in i.rule for i in raised.value.issues)


def test_every_bad_row_is_listed_not_just_the_first(workspace):
    path = workspace.sources / "plans" / "zz-ip-services-2023.csv"
    lines = {
        set_cell(path, {"target_id": f"zz-ip-services-2023-0{n}"}, "region_code", "999999") for n in (1, 2, 3)
    }
    with pytest.raises(SourceError) as raised:
        load_everything(workspace.sources)
    assert {i.line for i in raised.value.issues if i.column == "region_code"} == lines


def test_a_huge_plan_value_is_read_exactly_not_truncated(workspace):
    set_cell(
        workspace.sources / "plans" / "sz-ip-14fyp.csv",
        {"target_id": "sz-ip-14fyp-07"},
        "target_value",
        "1e308",
    )
    plans = load_plans(workspace.sources, load_reference(workspace.sources))
    value = plans.targets.filter(plans.targets["target_id"] == "sz-ip-14fyp-07")["target_value"][0]
    assert value == 1e308


def test_shipped_sources_pass(workspace):
    load_everything(workspace.sources)
