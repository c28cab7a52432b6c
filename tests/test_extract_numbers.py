"""Numbers in every form Chinese publishers print, and what is not a quantity at all."""

import pytest

from pipelines.extract.numbers import chinese_to_number, find_quantities, fold


def quantities(text: str) -> list[tuple]:
    return [(q.value, q.value_high, q.unit_as_written) for q in find_quantities(fold(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Arabic, with separators, decimals, spaces and a magnitude before the unit
        ("拥有量达 108 件", [(108, None, "件")]),
        ("新增授权量 5 万件", [(5, None, "万件")]),
        ("累计 1.74 万件", [(1.74, None, "万件")]),
        ("发行额超过 100 亿元", [(100, None, "亿元")]),
        ("融资 3千万元", [(3, None, "千万元")]),
        ("登记 12,345 件", [(12345, None, "件")]),
        ("发行额 100 亿", [(100, None, "亿")]),
        # full-width digits and signs
        ("建成３０家", [(30, None, "家")]),
        ("比重达到８５％", [(85, None, "%")]),
        # Chinese numerals
        ("服务机构两千家", [(2000, None, "家")]),
        ("引进一百二十名人才", [(120, None, "名")]),
        ("新增三十五个中心", [(35, None, "个")]),
        ("培育十家机构", [(10, None, "家")]),
        # percent, per-mille, tenths, percentage points
        ("提高百分之八", [(8, None, "%")]),
        ("提高百分之十五点五", [(15.5, None, "%")]),
        ("控制在千分之五以内", [(5, None, "‰")]),
        ("控制在 5‰ 以内", [(5, None, "‰")]),
        ("覆盖三成以上", [(30, None, "%")]),
        ("提高2个百分点", [(2, None, "%")]),
        ("年均增长 8% 以上", [(8, None, "%")]),
        # ranges
        ("建设1-2个园区", [(1, 2, "个")]),
        ("建设1～2个园区", [(1, 2, "个")]),
        ("培育10至15家机构", [(10, 15, "家")]),
        ("建设3—5项", [(3, 5, "项")]),
        # scores
        ("满意度 85 分以上", [(85, None, "分")]),
    ],
)
def test_number_forms(text, expected):
    assert quantities(text) == [(float(v), None if h is None else float(h), u) for v, h, u in expected]


@pytest.mark.parametrize(
    "text",
    [
        "第3次会议",  # ordinal
        "粤府办〔2014〕3号",  # document number
        "国家知识产权局等17部门",  # 部门 is a noun
        "2023年10月16日",  # a date
        "(2023-2025年)",  # a period
        "1.加强知识产权服务",  # list numbering
        "一、发展基础与机遇挑战\t1",  # a contents line with its page number
        "培育一批企业",  # 一批 is no count
        "打造一个中心",  # 一个 is an article
        "5G产业",  # a name
        "SZDB/Z71-2013",  # a standard's number
        "专利分析",  # 分 inside a word
        "企业家庭",  # 家 inside a word
    ],
)
def test_not_quantities(text):
    assert quantities(text) == []


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("两千", 2000),
        ("一百二十", 120),
        ("十五", 15),
        ("三万五千", 35000),
        ("二〇二五", 2025),
        ("十五点五", 15.5),
    ],
)
def test_chinese_numerals(numeral, value):
    assert chinese_to_number(numeral) == value


def test_fold_keeps_offsets():
    text = "建成３０家（基地），比重８５％"
    assert len(fold(text)) == len(text)
