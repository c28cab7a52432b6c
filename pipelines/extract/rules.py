"""The rules that read a quantity in a plan as a target: what is not a target, the qualifier,
the kind (METHOD.md's nine), the target year and the baseline.

Every rule is a small function over the words around a quantity, tested one by one in
tests/test_extract_rules.py. The word lists are the vocabulary of Chinese plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.extract.numbers import chinese_to_number

# --- what is not a target ----------------------------------------------------------------------

# Sections that report the past or analyse the situation, not set targets.
HISTORY_SECTION = re.compile(
    r"发展基础|工作基础|现状|回顾|成效|成就|进展情况|机遇|挑战|形势|存在的?问题|背景|完成情况"
)
# A sentence that reports a fact: a count as of a date, a period gone by, a ranking.
FACT_MARKERS = re.compile(
    r"截至|截止|以来|五年来|五年中|期间|已经|已有|已达|已建|现有|共有|共查处|共受理|共立案|共扣留|"
    r"新收|结案|位居|居全国|居于|排名|同比|比上年|比去年|上年|去年|全年共|实际完成|完成值|拥有\s*\d|只有|仅有"
)
# A condition of eligibility, an award or a grant: its numbers are thresholds, not targets.
ELIGIBILITY = re.compile(
    r"给予|奖励|资助|补贴|补助|奖补|贴息|申报条件|认定条件|资格条件|条件的|符合条件|最高不超过|一次性"
)
FUNDING = re.compile(r"(安排|下达|拨付|投入|设立|筹集)[^,;。]{0,8}(资金|基金|经费|专项)")
DEFINITION = re.compile(r"为基准|为基数|按[^,;。]{0,20}计算|口径")
# An unquantified target (培育一批……) whose numbers only describe its members (超百件企业).
UNQUANTIFIED = re.compile(r"一批|一些|若干|一系列|一大批|一支")
# 到/至 a year is a deadline, but 截至/截止到 a year is a count as of a date
FUTURE_MARKERS = re.compile(r"(?<![截止])(?:到|至)\s*\d{4}|力争|争取|确保|目标|将|预期|届时|今后|年内")


def rejection(sentence: str, section_titles: str, published_year: int | None) -> str | None:
    """Why no quantity of this sentence is a target, or None when its quantities may be."""
    if HISTORY_SECTION.search(section_titles) and not re.search(r"目标|指标", section_titles.split(">")[-1]):
        return "a historical fact: the section reports the past or the situation"
    if DEFINITION.search(sentence):
        return "a definition or base (为基准/按…计算), not a target"
    if ELIGIBILITY.search(sentence):
        return "an eligibility threshold, award or grant condition, not a target"
    if FUNDING.search(sentence):
        return "funding granted or set aside, not a target"
    future = FUTURE_MARKERS.search(sentence)
    if FACT_MARKERS.search(sentence) and not future:
        return "a historical fact (截至/期间/已…): reports a value, sets no target"
    years = [int(y) for y in re.findall(r"(\d{4})\s*年", sentence)]
    if published_year and years and max(years) < published_year and not future:
        return f"a historical fact: every year named ({', '.join(map(str, years))}) is before the plan"
    return None


# --- qualifier ---------------------------------------------------------------------------------

AT_LEAST_BEFORE = ["不低于", "不少于", "突破", "超过", "超", "逾", "达到", "达", ">", "≥", ">="]
AT_MOST_BEFORE = ["不超过", "不高于", "控制在", "低于", "少于", "不到", "<", "≤", "<="]
APPROX_BEFORE = ["约", "近", "大约"]
AFTER_WORDS = ["以上", "以内", "以下", "左右", "上下", "多", "余"]
AIM_WORDS = ["力争", "争取", "确保"]
BEFORE_WORDS = [*AT_LEAST_BEFORE, *AT_MOST_BEFORE, *APPROX_BEFORE]


@dataclass(frozen=True)
class Qualifier:
    words: tuple[str, ...]  # as printed, in order: 力争, 达到, 以上 …
    bound: str  # at_least, at_most, approximate, exact
    after_length: int  # characters of the qualifier printed after the quantity


def qualifier(before: str, after: str) -> Qualifier:
    """The bound a plan puts on a number: words right before it and right after it."""
    words: list[str] = []
    aim = next((w for w in AIM_WORDS if w in before), None)
    if aim:
        words.append(aim)
    tail = before.rstrip()[-4:]
    # the longest word wins, so that 不少于 is not read as 少于
    hit = max((w for w in BEFORE_WORDS if tail.endswith(w)), key=len, default=None)
    if hit:
        words.append(hit)
    after_match = re.match(r"\s*(" + "|".join(AFTER_WORDS) + r")(?![\u4e00-\u9fff]{0,1}[名家个件人])", after)
    after_word = after_match.group(1) if after_match else None
    if after_word:
        words.append(after_word)
    bound = "exact"
    if any(w in words for w in AT_MOST_BEFORE) or after_word in {"以内", "以下"}:
        bound = "at_most"
    elif any(w in words for w in ("左右", "上下", *APPROX_BEFORE)):
        bound = "approximate"
    elif any(w in words for w in (*AT_LEAST_BEFORE, "以上", "多", "余")):
        bound = "at_least"
    return Qualifier(tuple(words), bound, after_match.end() if after_match else 0)


# --- kind ----------------------------------------------------------------------------------------

# Any verb that sets a target, for the confidence of a row with no qualifier.
TARGET_VERBS = re.compile(
    r"新增|新建|培育|培养|引进|选育|集聚|引育|建成|建设|达到|实现|打造|形成|推动|提高到|提升到|累计|支持"
)
INCREMENT_VERBS = re.compile(r"新增|新建|新培育|新认定|新设立|培育|培养|引进|选育|集聚|引育|增加")
LEVEL_VERBS_BEFORE_NUMBER = re.compile(
    r"(达到|达|突破|超过|提高到|提升到|增长到|增至|保持在|总数达到|规模达)\s*$"
)
CUMULATIVE = re.compile(r"累计")
ANNUAL_GROWTH = re.compile(r"年均增长|年均增速|年平均增长|年均提高|年均增幅|年均递增")
GROWTH = re.compile(r"增长|增速|增幅")
PER_CAPITA = re.compile(r"每万人口?|每万人|每千人|每百人|每十万人|人均")
SHARE = re.compile(r"比重|占比|比例|份额|覆盖率|普及率|达标率|率|全部|全面")
SCORE = re.compile(r"满意度|评分|得分|指数")


def kind(
    *,
    before: str,
    indicator: str,
    unit: str,
    is_range: bool,
    bound: str,
    is_flow: bool,
) -> tuple[str, str]:
    """METHOD.md's target kind of a quantity, and the words that decided it."""
    if is_range:
        return "range", "a range (N-M)"
    if unit in {"%", "‰"} and ANNUAL_GROWTH.search(before + indicator):
        return "annual_growth", "年均增长 X%"
    if unit == "分" or (SCORE.search(indicator) and unit not in {"%", "‰"}):
        return "score", "a score (分, 满意度)"
    if PER_CAPITA.search(indicator):
        return "per_capita", "每万人口 / 人均"
    if bound == "at_most":
        return "level_at_most", "不超过 / 以内 / 控制在"
    if unit in {"%", "‰"}:
        if GROWTH.search(before[-12:]) and not SHARE.search(indicator):
            return "annual_growth", "增长 X% (no 年均: read as a yearly rate)"
        return "share", "a share or rate in %"
    if CUMULATIVE.search(before) or CUMULATIVE.search(indicator[:4]):
        return "cumulative", "累计"
    if INCREMENT_VERBS.search(before) or indicator.endswith("新增"):
        if LEVEL_VERBS_BEFORE_NUMBER.search(before):
            return "level_at_least", "a total reached (达到/突破 …) after the verb"
        if is_flow:
            return "cumulative", "新增 of a yearly flow: summed over the period"
        return "increment", "新增 / 培育 / 引进 … on a stock"
    return "level_at_least", "a level to reach"


# --- years -----------------------------------------------------------------------------------------

PLAN_PERIODS = {
    "十一五": 2010,
    "十二五": 2015,
    "十三五": 2020,
    "十四五": 2025,
    "十五五": 2030,
    "十六五": 2035,
}


@dataclass(frozen=True)
class YearReading:
    year: int | None
    basis: str  # explicit, within_n_years, five_year_plan, section, title, none


def explicit_year(before: str, sentence: str, published_year: int | None) -> YearReading:
    """A target year the sentence states: 到2025年, 2025年底前, 十四五末, 5年内 (from publication)."""
    candidates = [
        (m.start(), int(m.group(1)))
        for m in re.finditer(r"(?:到|至|在|于|截至)?\s*(\d{4})\s*年(?:底|末|前)?", before)
    ]
    future = [(pos, y) for pos, y in candidates if published_year is None or y >= published_year]
    if future:
        return YearReading(future[-1][1], "explicit")
    for text in (before, sentence):
        within = re.search(r"(\d{1,2}|[一二两三四五六七八九十])\s*年内", text)
        if within and published_year:
            n = within.group(1)
            n = int(n) if n.isdigit() else int(chinese_to_number(n))
            return YearReading(published_year + n, f"within_n_years ({n} 年内 from {published_year})")
        for name, end in PLAN_PERIODS.items():
            if re.search(rf"{name}\s*(末|时期末|期末)", text):
                return YearReading(end, "five_year_plan")
    return YearReading(None, "none")


def sentence_year(sentence: str, published_year: int | None) -> int | None:
    """A future year a sentence sets for what follows it in its section (到2025年, ……)."""
    # a date (2023年10月16日) dates the text; it sets no target year
    years = [int(y) for y in re.findall(r"(?:到|至)?\s*(\d{4})\s*年(?!\s*\d{1,2}\s*月)", sentence)]
    future = [y for y in years if published_year is None or y >= published_year]
    if re.search(r"(?:到|至)\s*\d{4}\s*年", sentence) or (
        future and sentence.lstrip().startswith(str(future[0]))
    ):
        return future[0] if future else None
    return None


def title_year(title: str) -> YearReading:
    """A plan period in the title: (2023-2025年) → 2025; 十四五 → 2025."""
    span = re.search(r"(\d{4})\s*年?\s*[-~至到]\s*(\d{4})\s*年?", title)
    if span:
        return YearReading(int(span.group(2)), "title")
    for name, end in PLAN_PERIODS.items():
        if name in title:
            return YearReading(end, "title")
    return YearReading(None, "none")


def published_year(text: str) -> int | None:
    """The year a document was issued: its dated signature or cover line, else a 发布 date."""
    head = text[:4000]
    for line in head.split("\n"):
        stripped = line.strip()
        date = re.search(r"(\d{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?", stripped)
        if date and len(stripped) - len(date.group(0)) <= 30 and not re.search(r"[,;。]", stripped):
            return int(date.group(1))
    labelled = re.search(r"(?:发布|印发|日期|时间)[^\d\n]{0,6}(\d{4})[-/年.]", head)
    if labelled:
        return int(labelled.group(1))
    return None


# --- baseline ---------------------------------------------------------------------------------------

BASELINE = re.compile(
    r"(?:由|从)\s*(?P<year>\d{4})\s*年(?:底|末)?的?\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s,;。]{0,3}?)"
    r"\s*(?:提高|提升|增加|增长|上升|下降|降低|减少)(?:到|至)"
)


BASELINE_VALUE_AHEAD = re.compile(r"(?:由|从)\s*\d{4}\s*年(?:底|末)?的?\s*$")


def is_baseline_value(before: str) -> bool:
    """The number after 由2020年的 … is the plan's baseline, not a target."""
    return bool(BASELINE_VALUE_AHEAD.search(before))


def baseline(before: str) -> tuple[int, float] | None:
    """A baseline the plan states: 由2020年的6.3件提高到 → (2020, 6.3)."""
    match = BASELINE.search(before)
    if not match:
        return None
    return int(match.group("year")), float(match.group("value"))
