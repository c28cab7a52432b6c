"""The extractor's rules one by one, on SYNTHETIC plan text written for these tests.

None of these sentences comes from the seed documents: they are phrasings of the genre (city
and provincial IP plans) the extractor must read in documents it has never seen.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.extract.catalogue import Catalogue
from pipelines.extract.documents import Document
from pipelines.extract.extractor import EXTRA_COLUMNS, Extraction, extract
from pipelines.plan_table import TARGET_COLUMNS
from tests.conftest import REPO_SOURCES

CATALOGUE = Catalogue.from_sources(REPO_SOURCES)
HEADER = "某市知识产权发展规划\n某市市场监督管理局\n2024年5月6日\n"


def run(body: str, header: str = HEADER, region: str = "440300") -> Extraction:
    document = Document(Path("synthetic-plan.txt"), "txt", header + body)
    return extract(document, CATALOGUE, plan_id="synthetic-plan", region_code=region)


def targets(body: str, **kwargs) -> list[dict]:
    return run(body, **kwargs).targets.to_dicts()


def one(body: str, **kwargs) -> dict:
    rows = targets(body, **kwargs)
    assert len(rows) == 1, [r["clause"] for r in rows]
    return rows[0]


# --- output ------------------------------------------------------------------------------------


def test_columns_are_the_plan_table_then_the_extraction():
    frame = run("到2026年，专利代理机构数量达到200家。").targets
    assert frame.columns == [*TARGET_COLUMNS, *EXTRA_COLUMNS]


def test_clause_and_span_are_verbatim():
    body = "坚持创新驱动。到2026年，专利代理机构数量达到２００家。"
    extraction = run(body)
    row = extraction.targets.row(0, named=True)
    assert row["clause"] == "到2026年，专利代理机构数量达到２００家。"
    assert extraction.document.text[row["span_start"] : row["span_end"]] == row["clause"]
    assert row["value_as_written"] == "200家"


# --- qualifiers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "qualifier", "bound", "kind"),
    [
        ("到2026年，专利代理机构数量突破200家。", "突破", "at_least", "level_at_least"),
        ("到2026年，专利代理机构数量200家以上。", "以上", "at_least", "level_at_least"),
        ("到2026年，专利代理机构数量不低于200家。", "不低于", "at_least", "level_at_least"),
        ("到2026年，专利代理机构数量超过200家。", "超过", "at_least", "level_at_least"),
        ("到2026年，专利代理机构数量不少于200家。", "不少于", "at_least", "level_at_least"),
        ("到2026年，专利代理机构数量200家左右。", "左右", "approximate", "level_at_least"),
        ("到2026年，专利代理机构数量控制在200家以内。", "控制在+以内", "at_most", "level_at_most"),
        ("到2026年，专利代理机构数量不超过200家。", "不超过", "at_most", "level_at_most"),
        ("到2026年，专利代理机构数量力争达到200家。", "力争+达到", "at_least", "level_at_least"),
    ],
)
def test_qualifiers(sentence, qualifier, bound, kind):
    row = one(sentence)
    assert (row["qualifier"], row["bound"], row["target_kind"]) == (qualifier, bound, kind)
    assert row["target_value"] == 200


# --- kinds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind", "value", "unit"),
    [
        ("到2026年，有效发明专利拥有量达到20万件。", "level_at_least", 20, "万件"),
        ("到2026年，知识产权侵权案件积案数量不超过100件。", "level_at_most", 100, "件"),
        ("到2026年，新增专利代理机构50家。", "increment", 50, "家"),
        ("到2026年，培育知识产权强企80家。", "increment", 80, "家"),
        ("到2026年，新增海外发明专利授权量3万件。", "cumulative", 3, "万件"),  # 新增 of a yearly flow
        ("到2026年，累计知识产权质押融资金额超过500亿元。", "cumulative", 500, "亿元"),
        ("到2026年，知识产权密集型产业增加值年均增长10%。", "annual_growth", 10, "%"),
        ("到2026年，知识产权密集型产业增加值占地区生产总值比重达到15%。", "share", 15, "%"),
        ("到2026年，每万人口高价值发明专利拥有量达到20件。", "per_capita", 20, "件"),
        ("到2026年，知识产权保护社会满意度达到80分。", "score", 80, "分"),
        ("到2026年，建设2-3个知识产权服务业集聚区。", "range", 2, "个"),
    ],
)
def test_every_kind(sentence, kind, value, unit):
    row = one(sentence)
    assert (row["target_kind"], row["target_value"], row["unit"]) == (kind, value, unit)


def test_range_keeps_its_high_end():
    row = one("到2026年，建设2-3个知识产权服务业集聚区。")
    assert row["target_value_high"] == 3


def test_a_total_reached_after_a_creation_verb_is_a_level():
    row = one("到2026年，培育知识产权强企总数达到80家。")
    assert row["target_kind"] == "level_at_least"


def test_several_targets_in_one_sentence_each_get_their_indicator():
    rows = targets(
        "到2026年，建成20家专利导航服务基地、8家以上全国版权示范园区(基地)，商标代理机构达到900家。"
    )
    assert [(r["target_value"], r["indicator_id"]) for r in rows] == [
        (20, "patent_navigation_service_bases"),
        (8, "national_copyright_demo_parks"),
        (900, "trademark_agencies"),
    ]


# --- indicators and regions ------------------------------------------------------------------------


def test_unknown_indicator_is_empty_with_suggestions():
    row = one("到2026年，知识产权纠纷调解组织达到30个。")
    assert row["indicator_id"] is None
    assert row["indicator_match"] == "none"
    assert row["indicator_suggestions"]
    assert row["confidence"] < 0.8


def test_a_district_named_in_the_clause_gets_its_own_code():
    row = one("到2026年，南山区专利代理机构数量达到100家。")
    assert (row["region_code"], row["region_basis"]) == ("440305", "named in the clause")


def test_a_zone_named_in_the_heading_gives_the_clause_its_code():
    row = one("（三）建设前海知识产权服务集聚区\n到2026年，专利代理机构数量达到100家。")
    assert row["region_code"] == "440300F02"


def test_the_issuer_is_the_default_region():
    assert one("到2026年，专利代理机构数量达到100家。")["region_code"] == "440300"


def test_regions_named_longest_name_first_each_once():
    # the zone's name holds 深港科技创新合作区 (its alias) and 深圳: taken by the longest name, they
    # name nothing else; 南山区 named twice counts once; names of one length in the file's order
    text = "河套深港科技创新合作区深圳园区与南山区、深圳市及南山区"
    assert CATALOGUE.regions_named(text) == ["440300F03", "440300", "440305"]
    assert CATALOGUE.regions_named("河套深港科技创新合作区深圳园区与南山区") == ["440300F03", "440305"]
    assert CATALOGUE.regions_named("南山南山") == ["440305"]
    assert CATALOGUE.regions_named("没有地名") == []


# --- years -------------------------------------------------------------------------------------------


def test_explicit_year():
    row = one("到2027年，专利代理机构数量达到100家。")
    assert (row["target_year"], row["target_year_basis"]) == (2027, "explicit")


def test_year_inherited_from_the_section():
    row = one("（二）发展目标\n到2027年，服务能力明显增强。\n——服务主体多元化。专利代理机构数量达到100家。")
    assert (row["target_year"], row["target_year_basis"]) == (2027, "section")


def test_year_from_the_plan_period_in_the_title():
    row = one(
        "专利代理机构数量达到100家。", header="某市知识产权服务业发展行动计划（2024-2028年）\n2024年5月6日\n"
    )
    assert (row["target_year"], row["target_year_basis"]) == (2028, "title")


def test_year_from_a_five_year_plan_in_the_title():
    row = one("专利代理机构数量达到100家。", header="某市知识产权“十五五”规划\n2026年3月\n")
    assert row["target_year"] == 2030


def test_within_n_years_counts_from_publication():
    row = one("力争3年内专利代理机构数量达到100家。")
    assert row["target_year"] == 2027
    assert row["target_year_basis"].startswith("within_n_years")


def test_a_date_sets_no_target_year():
    row = one("专利代理机构数量达到100家。", header="某市知识产权工作措施\n2024年5月6日\n")
    assert row["target_year"] is None


# --- what is not a target -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "截至2023年底，全市有效发明专利达16万件。",
        "2023年全市专利授权量达到28万件。",
        "五年来，市场监管部门共查处知识产权侵权案件6071件。",
        "北京拥有622家专利代理机构，而本市只有265家。",
        "对于成立年限5年以上、专利代理师数量超过10人的服务机构，给予一定奖励。",
        "对取得中级知识产权师职称并从事实务2年以上的，给予最高5万元补贴。",
        "市财政安排专项资金2亿元支持知识产权运营。",
        "培育一批年发明专利申请量超百件企业。",
        "坚持以推动实现知识产权“两个转变”为主线。",
        "以2025年预期人口1860万人为基准。",
    ],
)
def test_facts_thresholds_and_grants_are_not_targets(sentence):
    assert targets(sentence) == []


def test_a_history_section_yields_nothing():
    body = (
        "一、发展基础\n全市专利代理机构达到265家，专利代理师1431名。\n"
        "二、发展目标\n到2026年，专利代理机构达到300家。"
    )
    rows = targets(body)
    assert [r["target_value"] for r in rows] == [300]


def test_numbers_without_units_are_not_targets():
    body = (
        "目 录\n一、发展基础\t1\n二、发展目标\t5\n"
        "粤府办〔2024〕3号\n各有关单位：现将《措施》印发给你们，请遵照执行。\n"
        "二、发展目标\n1.加强组织领导。\n到2026年，专利代理机构达到300家。\n"
    )
    assert [r["target_value"] for r in targets(body)] == [300]


# --- baselines -----------------------------------------------------------------------------------------


def test_stated_baseline():
    row = one("到2025年，每万人口高价值发明专利拥有量由2020年的6.3件提高到12件。")
    assert (row["baseline_year"], row["baseline_value"], row["target_value"]) == (2020, 6.3, 12)


# --- tables -------------------------------------------------------------------------------------------


TABLE = (
    "三、主要指标\n"
    "序号\t指标名称\t指标属性\n"
    "1\t专利代理机构数量 200 家\t约束性指标\n"
    "2\t知识产权保护社会满意度 82 分\t预期性指标\n"
    "到2026年，专利代理机构数量突破200家，知识产权保护社会满意度达到82分以上。\n"
)


def test_table_and_prose_become_one_row():
    rows = targets(TABLE)
    assert len(rows) == 2
    agencies = rows[0]
    assert agencies["attribute"] == "约束性"  # from the table
    assert agencies["qualifier"] == "突破"  # the prose's, which the table drops
    assert "row 1" in agencies["source_ref"]
    assert agencies["clause"].startswith("到2026年")
    assert rows[1]["qualifier"] == "达到+以上"


YEAR_TABLE = (
    "专栏1 “十四五”时期知识产权发展主要指标\n"
    "指标\t2020年\t2025年\t属性\n"
    "每万人口高价值发明专利拥有量（件）\t4.1\t9\t预期性\n"
    "海外发明专利授权量（件）\t2000\t〔12000〕\t预期性\n"
    "专利密集型产业增加值占地区生产总值比重（%）\t10.2\t>12\t约束性\n"
    "知识产权保护社会满意度（分）\t79\t82\t预期性\n"
    "到2025年，每万人口高价值发明专利拥有量达到9件。\n"
)


def test_a_table_with_year_columns_gives_baseline_and_target():
    rows = targets(YEAR_TABLE, header="某省知识产权“十四五”规划\n2021年10月\n")
    read = [
        (
            r["target_kind"],
            r["baseline_year"],
            r["baseline_value"],
            r["target_year"],
            r["target_value"],
            r["unit"],
        )
        for r in rows
    ]
    assert sorted(read) == sorted(
        [
            ("per_capita", 2020, 4.1, 2025, 9, "件"),
            ("cumulative", 2020, 2000, 2025, 12000, "件"),  # 〔 〕: a total over the period
            ("share", 2020, 10.2, 2025, 12, "%"),
            ("score", 2020, 79, 2025, 82, "分"),
        ]
    )
    share = next(r for r in rows if r["target_kind"] == "share")
    assert (share["bound"], share["attribute"]) == ("at_least", "约束性")
    per_capita = next(r for r in rows if r["target_kind"] == "per_capita")
    assert "row 1" in per_capita["source_ref"] and per_capita["clause"].startswith("到2025年")  # merged


def test_a_table_of_past_years_only_is_no_target():
    body = "指标\t2015年\t2020年\n专利代理机构（家）\t118\t265\n"
    assert targets(body) == []


def test_table_note_gives_the_population_base():
    body = (
        "三、主要指标\n序号\t指标\t属性\n1\t每万人口高价值发明专利拥有量 30 件①\t预期性\n"
        "注①：以2030年预期人口2000万人为基准\n"
    )
    row = one(body)
    assert (row["target_kind"], row["population_base"], row["population_base_unit"]) == (
        "per_capita",
        2000,
        "万人",
    )


def test_a_review_table_yields_the_past_plans_targets_and_reported_figures():
    body = (
        "一、发展基础\n"
        "序号\t指标名称\t2020年目标值\t2015年完成值\t2020年完成值\t2020年完成情况\n"
        "1\t专利代理机构（家）\t150\t118\t265\t完成\n"
        "2\t知识产权领军人才（人）\t16\t11\t11\t无法完成\n"
    )
    extraction = run(body)
    assert extraction.targets.is_empty()
    past = extraction.past_plan_targets.to_dicts()
    assert [
        (r["indicator_id"], r["target_value"], r["baseline_year"], r["baseline_value"]) for r in past
    ] == [
        ("patent_agencies", 150, 2015, 118),
        ("ip_leading_talents", 16, 2015, 11),
    ]
    assert [r["reported_achieved"] for r in past] == [True, False]
    assert all(r["target_year"] == 2020 for r in past)
    figures = extraction.reported_figures.select("indicator", "year", "value").rows()
    assert figures == [
        ("专利代理机构", "2015", "118"),
        ("专利代理机构", "2020", "265"),
        ("知识产权领军人才", "2015", "11"),
        ("知识产权领军人才", "2020", "11"),
    ]


def test_universal_coverage_is_a_share_of_100_percent():
    row = one("争取全市规模以上工业企业在3年内全部引入知识产权管理规范。")
    assert (row["target_kind"], row["target_value"], row["unit"], row["target_year"]) == (
        "share",
        100,
        "%",
        2027,
    )


def test_extraction_is_deterministic():
    first = run(TABLE).targets
    second = run(TABLE).targets
    assert first.equals(second)
    assert isinstance(first, pl.DataFrame)
