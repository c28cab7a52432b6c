"""Quantities the way Chinese plans print them: a number, its magnitude and its unit.

Forms read (each tested in tests/test_extract_numbers.py):
- Arabic numbers with thousands separators and decimals: ``12,345``, ``83.77``;
- full-width digits and punctuation: ``１２３``, ``８５％`` (folded to ASCII, one character for one,
  so character offsets in the document stay valid);
- a magnitude before the unit: ``1.74 万件``, ``100 亿元``, ``3千万元``, ``1860 万人``;
- Chinese numerals: ``两千家``, ``三十五个``, ``一百二十名``, ``十万件``, ``二〇二五`` is not a quantity;
- percent and per-mille: ``8%``, ``百分之八``, ``百分之十五点五``, ``5‰``, ``千分之五``, ``三成`` (30 %),
  ``2个百分点``;
- ranges: ``1-2个``, ``1～2个``, ``10至15家``, ``3—5项``.

A quantity is a number followed by a unit (a measure word or a sign); a number with no unit
(list numbering, page numbers, years, document numbers) is not a quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Full-width digits and punctuation folded to ASCII, one character for one.
FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "％": "%",
        "～": "~",
        "－": "-",
        "—": "-",
        "–": "-",
        "（": "(",
        "）": ")",
        "：": ":",
        "；": ";",
        "　": " ",
    }
)

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
MAGNITUDES = {
    "十": 10,
    "百": 100,
    "千": 1_000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
}

# Measure words a target is counted in. A unit must not run on into a word it begins
# (家庭, 个人, 人员, 条件, 项目, 名单 …): those are nouns, not units.
MEASURE_WORDS = (
    r"人次|件|家(?![庭族乡长])|个(?![人体性别])|名(?![单称牌义额])|人(?![员才民口们次均])"
    r"|元|条(?![件例款])|次(?![数序])|项(?![目])|所(?![有在属得以谓])|座|台(?![湾])|套|篇|场(?![所景地])"
    r"|户(?![籍口])|份(?![额])|处(?![理置])|支(?![持撑])|宗|只|株|亩|公里|平方米|万平方米|分(?![析别类布钟之])|倍"
)
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A Chinese numeral worth reading: at least two characters, or one digit other than 一
# (一个/一批/一支 are articles in plan prose, not counts), or a lone 十/百/千.
CHINESE = r"(?:[零〇一二两三四五六七八九十百千万亿]{2,}|[二两三四五六七八九十百千])"
MAGNITUDE = r"(?:十万|百万|千万|[十百千万亿])"
RANGE_SEP = r"\s*(?:-|~|至|到)\s*"

_NUMBER = rf"(?:{ARABIC}\s*{MAGNITUDE}?|{CHINESE})"
# after 百分之 / 千分之 any Chinese numeral counts, decimals included (十五点五)
WORDS_NUMBER = r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
QUANTITY_RE = re.compile(
    rf"""
    (?P<pct_words>百分之(?P<pct_num>{ARABIC}|{WORDS_NUMBER}))
  | (?P<pm_words>千分之(?P<pm_num>{ARABIC}|{WORDS_NUMBER}))
  | (?P<tenths>(?P<tenths_num>[一二两三四五六七八九]|十)成)(?![为立本果员绩功])
  | (?P<low>{_NUMBER})(?:{RANGE_SEP}(?P<high>{_NUMBER}))?\s*
    (?P<unit>个百分点|%|‰|(?:{MAGNITUDE})?(?:{MEASURE_WORDS})|(?<=\d)\s*(?:亿|万)(?![\u4e00-\u9fff]))
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as printed, and where it stands in the text."""

    start: int
    end: int
    as_written: str
    value: float
    value_high: float | None
    # the unit as printed, magnitude included (万件, 亿元, %, ‰); '' when only a magnitude is printed
    unit_as_written: str
    is_chinese_numeral: bool

    @property
    def is_range(self) -> bool:
        return self.value_high is not None


def fold(text: str) -> str:
    """Full-width digits and punctuation to ASCII, keeping every character's offset."""
    return text.translate(FOLD)


def chinese_to_number(text: str) -> float:
    """A Chinese numeral as a number: 两千 → 2000, 一百二十 → 120, 十五点五 → 15.5, 二〇二五 → 2025."""
    if "点" in text:
        whole, _, fraction = text.partition("点")
        digits = "".join(str(CHINESE_DIGITS[c]) for c in fraction)
        return chinese_to_number(whole or "零") + float(f"0.{digits}")
    if all(c in CHINESE_DIGITS for c in text):  # digit by digit: 二〇二五
        return float("".join(str(CHINESE_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char in CHINESE_SMALL_UNITS:
            section += (digit or 1) * CHINESE_SMALL_UNITS[char]
            digit = 0
        elif char in CHINESE_BIG_UNITS:
            total = (total + section + digit) * CHINESE_BIG_UNITS[char]
            section, digit = 0, 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return float(total + section + digit)


def read_number(text: str) -> tuple[float, str]:
    """A printed number (Arabic with separators and magnitude, or Chinese) → (value, magnitude).

    The magnitude of an Arabic number is returned, not applied: ``1.74 万`` → (1.74, '万'), so
    that a unit such as 万件 stays as printed. A Chinese numeral is read whole (两千 → 2000).
    """
    text = fold(text).replace(" ", "")
    match = re.fullmatch(rf"({ARABIC})({MAGNITUDE})?", text)
    if match:
        return float(match.group(1).replace(",", "")), match.group(2) or ""
    return chinese_to_number(text), ""


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text` (already folded), in order; offsets index `text`."""
    found = []
    for match in QUANTITY_RE.finditer(text):
        if _is_ordinal_or_code(text, match.start()):
            continue
        if match.group("pct_words"):
            value = _read_words_number(match.group("pct_num"))
            found.append(Quantity(match.start(), match.end(), match.group(0), value, None, "%", True))
            continue
        if match.group("pm_words"):
            value = _read_words_number(match.group("pm_num"))
            found.append(Quantity(match.start(), match.end(), match.group(0), value, None, "‰", True))
            continue
        if match.group("tenths"):
            value = chinese_to_number(match.group("tenths_num")) * 10
            found.append(Quantity(match.start(), match.end(), match.group(0), value, None, "%", True))
            continue
        low, high, unit = match.group("low"), match.group("high"), match.group("unit").strip()
        value, magnitude = read_number(low)
        value_high = None
        if high:
            value_high, high_magnitude = read_number(high)
            magnitude = magnitude or high_magnitude
        if unit == "个百分点":
            unit = "%"
        found.append(
            Quantity(
                match.start(),
                match.end(),
                match.group(0),
                value,
                value_high,
                magnitude + unit,
                not re.search(r"\d", low),
            )
        )
    return found


def _read_words_number(text: str) -> float:
    if re.fullmatch(ARABIC, text):
        return float(text.replace(",", ""))
    return chinese_to_number(text)


def _is_ordinal_or_code(text: str, start: int) -> bool:
    """第3次, 〔2014〕3号 and numbers glued to Latin letters (5G, SZDB/Z71) are not quantities."""
    before = text[max(0, start - 1) : start]
    return before in {"第", "〕", "]", "/"} or bool(re.match(r"[A-Za-z]", before))
