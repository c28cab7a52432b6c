"""A plan document → a reviewed-to-be plan table: every quantified target, traced to its clause.

For each sentence of running text and each cell of an indicator table, every quantity
(numbers.py) is read with the words around it (rules.py): is it a target at all, its qualifier,
kind, target year, baseline, region and indicator (catalogue.py). A target printed both in a
table and in the prose becomes one row (the prose's qualifier and the table's attribute). A
review table of a past plan (目标值 / 完成值 / 完成情况 columns) yields that plan's targets and the
values it reports, as a release.

The rows have exactly the columns of sources/plans/<plan_id>.csv (TARGET_COLUMNS), so a
reviewed file drops in, followed by the extraction's own columns (EXTRA_COLUMNS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.extract import rules
from pipelines.extract.catalogue import Catalogue, IndicatorMatch, dice
from pipelines.extract.documents import Document
from pipelines.extract.layout import Layout, Sentence, read_layout, section_path
from pipelines.extract.numbers import QUANTITY_RE, Quantity, find_quantities, read_number
from pipelines.plan_table import TARGET_COLUMNS, TARGET_TYPES

EXTRA_COLUMNS = [
    "plan_id",
    "document",
    "clause",
    "span_start",
    "span_end",
    "section_path",
    "indicator_as_written",
    "indicator_match",
    "indicator_suggestions",
    "qualifier",
    "bound",
    "value_as_written",
    "target_value_canonical",
    "unit_canonical",
    "target_year_basis",
    "region_basis",
    "table_row",
    "confidence",
    "confidence_reasons",
]
FIGURE_COLUMNS = ["region", "indicator", "year", "value", "unit", "note", "source"]
HARD_DELIMITER = re.compile(r"[,;:。!?]")
LEAD_NOISE = re.compile(
    r"^(?:[\s、,]|(?:到|至)\s*\d{4}\s*年(?:底|末|前)?|力争|争取|确保|推动|推进|实现|建设|建成|打造|培育|新培育|新建"
    r"|新增|累计|引进|培养|选育|集聚|引育|重点支持|支持|全市|全省|各类|使|形成|达到|其中)+"
)
TRAIL_NOISE = re.compile(
    r"(?:达到|达|突破|超过|超|逾|不少于|不低于|不超过|不高于|控制在|保持在|提高到|提升到|增长到|增至|年均增长|年均"
    r"|增长|为|约|近|大约|新增|\s)+$"
)
NUMBER_FIRST_TRAIL = re.compile(r"(?:全覆盖|等|全部|\s)+$")
ATTRIBUTE = re.compile(r"(预期性|约束性)")
REVIEW_TARGET = re.compile(r"(\d{4})\s*年?\s*目标")
REVIEW_DONE = re.compile(r"(\d{4})\s*年?\s*(?:完成值|实际值|实现值|完成数)")
# an indicator table with a column per year: 指标 | 2020年 | 2025年 | 属性
YEAR_COLUMN = re.compile(r"^(\d{4})\s*年?\s*(?:年底|年末)?\s*(?:目标值?|预期值?|规划值?|基期值?|基数|值)?$")
UNIT_IN_NAME = re.compile(r"\(\s*([^()]+?)\s*\)\s*$")
# 〔30〕 in a Five-Year Plan's table: a total over the plan period
CUMULATIVE_CELL = re.compile(r"^[〔\[【]\s*(.+?)\s*[〕\]】]$")
UNIVERSAL = re.compile(
    r"(?P<subject>[\u4e00-\u9fff]{2,24}?(?:企业|机构|单位|高校|园区|学校|部门|医院|社区|街道|区县|乡镇))"
    r"[^,;。]{0,12}?全部(?P<verb>引入|实现|建立|达到|纳入|覆盖|完成|通过|开展|落实)(?P<object>[^,;。]{2,24})"
)
POPULATION_BASE = re.compile(r"人口\s*(\d+(?:\.\d+)?)\s*(万人|人|万)")


@dataclass
class Candidate:
    """One target read from the document, before merging duplicates and numbering."""

    role: str  # plan, or past_plan (from a review table)
    source: str  # prose, table, review_table
    start: int
    end: int
    section: str
    indicator_as_written: str
    match: IndicatorMatch
    value: float
    value_high: float | None
    unit: str
    value_as_written: str
    kind: str
    kind_reason: str
    qualifier: rules.Qualifier
    wording: str
    year: rules.YearReading
    region_code: str | None
    region_basis: str
    baseline_year: int | None = None
    baseline_value: float | None = None
    attribute: str | None = None
    table_row: int | None = None
    population_base: float | None = None
    population_base_unit: str | None = None
    reported_outcome_zh: str | None = None
    reported_achieved: bool | None = None
    refs: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    confidence: float = 1.0


@dataclass
class Extraction:
    """What a document yields: its plan's targets, a past plan's targets and reported figures."""

    document: Document
    plan_id: str
    past_plan_id: str
    targets: pl.DataFrame
    past_plan_targets: pl.DataFrame
    reported_figures: pl.DataFrame
    rejected: list[tuple[str, str]]  # (quantity in its clause, why it is not a target)


def extract(
    document: Document,
    catalogue: Catalogue,
    plan_id: str | None = None,
    region_code: str | None = None,
    past_plan_id: str | None = None,
) -> Extraction:
    """Extract every quantified target of a plan document (see module docstring)."""
    plan_id = plan_id or re.sub(r"[^a-z0-9-]+", "-", document.path.stem.lower()).strip("-") or "plan"
    facts = catalogue.plan_facts(plan_id)
    layout = read_layout(document.text)
    published = (facts.published_year if facts else None) or rules.published_year(layout.masked)
    issuer = region_code or (facts.region_code if facts else None) or _first_region(catalogue, layout.masked)
    past_plan_id = past_plan_id or (facts.past_plan_id if facts else None) or f"{plan_id}-past"
    title_text = " ".join([facts.title_zh if facts else "", *layout.masked.strip().split("\n")[:4]])
    reader = _Reader(layout, catalogue, published, issuer, rules.title_year(title_text))
    reader.read_prose()
    reader.read_tables()
    plan_rows = _merge([c for c in reader.candidates if c.role == "plan"], catalogue)
    past_rows = [c for c in reader.candidates if c.role == "past_plan"]
    return Extraction(
        document,
        plan_id,
        past_plan_id,
        _frame(plan_rows, plan_id, document, catalogue),
        _frame(past_rows, past_plan_id, document, catalogue),
        pl.DataFrame(reader.figures, schema={c: pl.String for c in FIGURE_COLUMNS}, orient="row"),
        reader.rejected,
    )


class _Reader:
    """Walks a document's sentences and tables, collecting candidate targets."""

    def __init__(self, layout: Layout, catalogue: Catalogue, published: int | None, issuer, title_year):
        self.layout, self.catalogue, self.published, self.issuer = layout, catalogue, published, issuer
        self.title_year = title_year
        self.candidates: list[Candidate] = []
        self.figures: list[list[str]] = []
        self.rejected: list[tuple[str, str]] = []
        self.section_years: dict[tuple[int, ...], int] = {}

    # --- running text ---------------------------------------------------------------------------

    def read_prose(self) -> None:
        for sentence in self.layout.sentences:
            text = self.layout.masked[sentence.start : sentence.end]
            key = tuple(h.start for h in sentence.section)
            year = rules.sentence_year(text, self.published)
            if year:
                self.section_years[key] = year
            titles = section_path(sentence.section)
            quantities = find_quantities(text)
            if not quantities:
                self._universal(sentence, text, titles)
                continue
            why = rules.rejection(text, titles, self.published)
            if why:
                for quantity in quantities:
                    self._reject(quantity, text, why)
                continue
            self.candidates.extend(self._read_quantities(sentence, text, quantities, "prose"))

    def _read_quantities(
        self, sentence: Sentence, text: str, quantities: list[Quantity], source: str
    ) -> list[Candidate]:
        """The targets among a sentence's (or a table cell's) quantities, left to right."""
        found, previous_end = [], 0
        for quantity in quantities:
            if rules.is_baseline_value(text[: quantity.start]):
                continue  # 由2020年的6.3件: read with the target it is the baseline of
            candidate = self._read_quantity(sentence, text, quantity, previous_end, source)
            previous_end = quantity.end + (candidate.qualifier.after_length if candidate else 0)
            if candidate is not None:
                found.append(candidate)
        return found

    def _read_quantity(
        self, sentence: Sentence, text: str, q: Quantity, previous_end: int, source: str
    ) -> Candidate | None:
        hard_start = max((m.end() for m in HARD_DELIMITER.finditer(text, 0, q.start)), default=0)
        hard_end = next((m.start() for m in HARD_DELIMITER.finditer(text, q.end)), len(text))
        lead = text[hard_start : q.start]
        near = text[max(hard_start, previous_end) : q.start]
        qual = rules.qualifier(near, text[q.end : hard_end])
        rest = text[q.end + qual.after_length : hard_end]
        reasons: list[str] = []
        if _in_quotes(text, q.start):
            return self._reject(q, text, "inside quotation marks (a name or slogan)")
        if rules.UNQUANTIFIED.search(lead):
            return self._reject(q, text, "describes the members of 一批 …")
        if re.match(r"\s*[\u4e00-\u9fff(A-Za-z]", rest) and not re.match(r"\s*(的|为|是|和|与|及)", rest):
            pieces = rest.split("、")
            taken = [pieces[0]]
            for piece in pieces[1:]:
                if QUANTITY_RE.search(piece) or re.search(r"\d", piece):
                    break
                taken.append(piece)
            indicator = NUMBER_FIRST_TRAIL.sub("", "、".join(taken).strip())
            head = indicator.rsplit("的", 1)[-1]
            if head != indicator:
                reasons.append("indicator read after the number (long modifier)")
        else:
            stated = rules.BASELINE.search(near)
            named = near[: stated.start()] if stated else near  # 拥有量由2020年的6.3件提高到12件
            indicator = TRAIL_NOISE.sub("", LEAD_NOISE.sub("", named)).strip("、, ")
            head = indicator
        if len(indicator) < 2:
            return self._reject(q, text, "no indicator named")
        match = self.catalogue.match_indicator(indicator, head)
        value, unit = self.catalogue.plan_unit(q.value, q.unit_as_written, indicator)
        value_high = q.value_high
        if value_high is not None and unit != q.unit_as_written:
            value_high = value_high * (value / q.value) if q.value else value_high
        verbs_text = near if rules.INCREMENT_VERBS.search(near) or rules.CUMULATIVE.search(near) else lead
        kind, kind_reason = rules.kind(
            before=verbs_text,
            indicator=indicator,
            unit=unit,
            is_range=q.is_range,
            bound=qual.bound,
            is_flow=self.catalogue.is_flow(match.indicator_id),
        )
        year = rules.explicit_year(text[: q.start], text, self.published)
        if year.year is None:
            year = self._inherited_year(sentence)
        baseline = rules.baseline(text[: q.start])
        region, region_basis = self._region(text, sentence)
        confidence = 1.0
        if match.how == "none":
            confidence -= 0.3
            reasons.append("indicator not in the catalogue")
        elif match.how == "fuzzy":
            confidence -= 0.1
            reasons.append(f"indicator matched by similarity ({match.score})")
        if year.basis in {"section", "title"}:
            confidence -= 0.05
            reasons.append(f"target year from the {year.basis}")
        elif year.year is None:
            confidence -= 0.2
            reasons.append("no target year stated")
        if q.is_chinese_numeral:
            confidence -= 0.05
            reasons.append("number in Chinese numerals")
        if not qual.words and not rules.TARGET_VERBS.search(lead):
            confidence -= 0.1
            reasons.append("no target verb or qualifier beside the number")
        if unit == "":
            confidence -= 0.2
            reasons.append("no unit printed")
        verbs = re.findall(r"新增|新建|培育|培养|引进|选育|集聚|累计|建成|年均增长", lead)
        wording = "...".join(dict.fromkeys([*verbs, *qual.words])) or q.as_written
        return Candidate(
            role="plan",
            source=source,
            start=sentence.start,
            end=sentence.end,
            section=section_path(sentence.section),
            indicator_as_written=indicator,
            match=match,
            value=value,
            value_high=value_high,
            unit=unit,
            value_as_written=q.as_written,
            kind=kind,
            kind_reason=kind_reason,
            qualifier=qual,
            wording=wording,
            year=year,
            region_code=region,
            region_basis=region_basis,
            baseline_year=baseline[0] if baseline else None,
            baseline_value=baseline[1] if baseline else None,
            reasons=reasons,
            confidence=round(max(confidence, 0.05), 2),
        )

    def _reject(self, quantity: Quantity, text: str, why: str) -> None:
        """Record a number that is not taken as a target, and why (planwatch extract --explain)."""
        self.rejected.append((f"{quantity.as_written} in {text.strip()[:80]}", why))

    def _universal(self, sentence: Sentence, text: str, titles: str) -> None:
        """全部引入/全部实现 …: a share target of 100 % with no number printed (seed 003 §六)."""
        found = UNIVERSAL.search(text)
        if not found or rules.rejection(text, titles, self.published):
            return
        if not rules.FUTURE_MARKERS.search(text) and not re.search(r"目标|指标", titles):
            return
        indicator = f"{found.group('subject')}…全部{found.group('verb')}{found.group('object')}"
        year = rules.explicit_year(text[: found.end()], text, self.published)
        if year.year is None:
            year = self._inherited_year(sentence)
        region, region_basis = self._region(text, sentence)
        match = self.catalogue.match_indicator(indicator, found.group("subject") + found.group("object"))
        self.candidates.append(
            Candidate(
                role="plan",
                source="prose",
                start=sentence.start,
                end=sentence.end,
                section=section_path(sentence.section),
                indicator_as_written=indicator,
                match=match,
                value=100.0,
                value_high=None,
                unit="%",
                value_as_written="全部",
                kind="share",
                kind_reason="全部 (all): a share of 100 %",
                qualifier=rules.Qualifier(("全部",), "at_least", 0),
                wording=f"全部{found.group('verb')}",
                year=year,
                region_code=region,
                region_basis=region_basis,
                reasons=["no number printed: 全部 read as 100 %"],
                confidence=0.7,
            )
        )

    def _inherited_year(self, sentence: Sentence) -> rules.YearReading:
        key = tuple(h.start for h in sentence.section)
        for length in range(len(key), -1, -1):
            if key[:length] in self.section_years:
                return rules.YearReading(self.section_years[key[:length]], "section")
        return self.title_year

    def _region(self, text: str, sentence: Sentence) -> tuple[str | None, str]:
        """The issuer's region, unless the clause (or its heading) names a place inside it."""
        if self.issuer is None:
            return None, "none"
        for where, words in [("clause", text), *(("heading", h.title) for h in reversed(sentence.section))]:
            inside = [
                c for c in self.catalogue.regions_named(words) if self.catalogue.is_within(c, self.issuer)
            ]
            if len(inside) == 1:
                return inside[0], f"named in the {where}"
        return self.issuer, "issuer"

    # --- tables -----------------------------------------------------------------------------------

    def read_tables(self) -> None:
        for table in self.layout.tables:
            rows = [r for r in table.rows if r.cells]
            if not rows:
                continue
            header = [self.layout.cell_text(c) for c in rows[0].cells]
            if any(REVIEW_TARGET.search(h) for h in header) and any(REVIEW_DONE.search(h) for h in header):
                self._review_table(table.section, header, rows[1:])
                continue
            if self._year_column_table(table, header, rows[1:]):
                continue
            titles = section_path(table.section)
            if rules.HISTORY_SECTION.search(titles) and not re.search(r"目标|指标", titles.split(">")[-1]):
                continue
            base = self._population_base(table)
            for number, row in enumerate(rows[1:], start=1):
                cells = [self.layout.cell_text(c) for c in row.cells]
                attribute = next((m.group(1) for c in cells if (m := ATTRIBUTE.search(c))), None)
                label = int(cells[0]) if cells and cells[0].isdigit() else number
                for span in row.cells:
                    cell = self.layout.masked[span[0] : span[1]]
                    cell_sentence = Sentence(span[0], span[1], table.section)
                    for candidate in self._read_quantities(
                        cell_sentence, cell, find_quantities(cell), "table"
                    ):
                        candidate.attribute = attribute
                        candidate.table_row = label
                        if candidate.kind == "per_capita" and base:
                            candidate.population_base, candidate.population_base_unit = base
                        self.candidates.append(candidate)

    def _year_column_table(self, table, header: list[str], rows) -> bool:
        """指标 | 2020年 | 2025年 | 属性: each row a target in the latest year (at or after the
        plan's publication), based on an earlier year's value. Returns whether the table was one."""
        years = {i: int(m.group(1)) for i, h in enumerate(header) if (m := YEAR_COLUMN.match(h))}
        future = {i: y for i, y in years.items() if self.published is None or y >= self.published}
        if not future:
            return False
        target_col = max(future, key=lambda i: future[i])
        target_year = future[target_col]
        earlier = {i: y for i, y in years.items() if y < target_year}
        baseline_col = max(earlier, key=lambda i: earlier[i]) if earlier else None
        others = [i for i in range(len(header)) if i not in years]
        name_col = next(
            (i for i in others if re.search(r"指标|名称|项目", header[i])), others[0] if others else 0
        )
        base = self._population_base(table)
        for number, row in enumerate(rows, start=1):
            cells = [self.layout.cell_text(c) for c in row.cells]
            if len(cells) <= max(name_col, target_col):
                continue
            name_cell = cells[name_col]
            unit_match = UNIT_IN_NAME.search(name_cell)
            name = name_cell[: unit_match.start()].strip() if unit_match else name_cell
            unit = unit_match.group(1) if unit_match else ""
            cell = cells[target_col].replace(" ", "")
            cumulative = CUMULATIVE_CELL.match(cell)
            cell = cumulative.group(1) if cumulative else cell
            qual = rules.qualifier(re.sub(r"[\d.,~-]+.*$", "", cell), re.sub(r"^[^\d]*[\d.,]+", "", cell))
            range_match = re.match(r"^[^\d]*([\d.]+)\s*[-~至]\s*([\d.]+)", cell)
            value = _leading_number(re.sub(r"^[^\d]+", "", cell))
            if value is None or not name:
                continue
            match = self.catalogue.match_indicator(name)
            kind, kind_reason = rules.kind(
                before=name,
                indicator=name,
                unit=unit,
                is_range=bool(range_match),
                bound=qual.bound,
                is_flow=self.catalogue.is_flow(match.indicator_id),
            )
            if cumulative:
                kind, kind_reason = "cumulative", "〔 〕 in a plan table: a total over the plan period"
            attribute = next((m.group(1) for c in cells if (m := ATTRIBUTE.search(c))), None)
            label = int(cells[0]) if cells[0].isdigit() else number
            reasons = [] if match.indicator_id else ["indicator not in the catalogue"]
            candidate = Candidate(
                role="plan",
                source="table",
                start=row.start,
                end=row.end,
                section=section_path(table.section),
                indicator_as_written=name,
                match=match,
                value=value,
                value_high=float(range_match.group(2)) if range_match else None,
                unit=unit,
                value_as_written=cells[target_col],
                kind=kind,
                kind_reason=kind_reason,
                qualifier=qual,
                wording=f"{header[target_col]} {cells[target_col]}",
                year=rules.YearReading(target_year, "explicit"),
                region_code=self.issuer,
                region_basis="issuer",
                baseline_year=earlier[baseline_col] if baseline_col is not None else None,
                baseline_value=_leading_number(cells[baseline_col]) if baseline_col is not None else None,
                attribute=attribute,
                table_row=label,
                reasons=reasons,
                confidence=1.0 if match.indicator_id else 0.7,
            )
            if kind == "per_capita" and base:
                candidate.population_base, candidate.population_base_unit = base
            self.candidates.append(candidate)
        return True

    def _population_base(self, table) -> tuple[float, str] | None:
        """A population base stated in a note under the table: 注①：…预期人口1860万人为基准."""
        end = table.rows[-1].end
        for note in self.layout.notes:
            if note.start >= end:
                found = POPULATION_BASE.search(self.layout.masked[note.start : note.end])
                if found:
                    unit = found.group(2) if found.group(2) != "万" else "万人"
                    return float(found.group(1)), unit
                break
        return None

    def _review_table(self, section, header: list[str], rows) -> None:
        """目标值 / 完成值 / 完成情况: a past plan's targets, and the values it reports (a release)."""
        indicator_col = next((i for i, h in enumerate(header) if "指标" in h), 1)
        target_col = next(i for i, h in enumerate(header) if REVIEW_TARGET.search(h))
        target_year = int(REVIEW_TARGET.search(header[target_col]).group(1))
        done = {i: int(m.group(1)) for i, h in enumerate(header) if (m := REVIEW_DONE.search(h))}
        baseline_col = min(
            (i for i, y in done.items() if y < target_year), key=lambda i: done[i], default=None
        )
        outcome_col = next((i for i, y in done.items() if y == target_year), None)
        status_col = next((i for i, h in enumerate(header) if "情况" in h and i not in done), None)
        titles = section_path(section)
        for number, row in enumerate(rows, start=1):
            cells = [self.layout.cell_text(c) for c in row.cells]
            if len(cells) <= max(indicator_col, target_col):
                continue
            label = int(cells[0]) if cells[0].isdigit() else number
            name_cell = cells[indicator_col]
            unit_match = re.search(r"\(\s*([^()]+?)\s*\)\s*$", name_cell)
            unit = unit_match.group(1) if unit_match else ""
            name = name_cell[: unit_match.start()].strip() if unit_match else name_cell
            target_value = _leading_number(cells[target_col])
            if target_value is None:
                continue
            baseline_value = None
            if baseline_col is not None and baseline_col < len(cells):
                baseline_value = _leading_number(cells[baseline_col])
            status = cells[status_col] if status_col is not None and status_col < len(cells) else ""
            match = self.catalogue.match_indicator(name)
            self.candidates.append(
                Candidate(
                    role="past_plan",
                    source="review_table",
                    start=row.start,
                    end=row.end,
                    section=titles,
                    indicator_as_written=name,
                    match=match,
                    value=target_value,
                    value_high=None,
                    unit=unit,
                    value_as_written=cells[target_col],
                    kind="level_at_least",
                    kind_reason="a review table's target value",
                    qualifier=rules.Qualifier((), "exact", 0),
                    wording=header[target_col],
                    year=rules.YearReading(target_year, "explicit"),
                    region_code=self.issuer,
                    region_basis="issuer",
                    baseline_year=done[baseline_col] if baseline_col is not None else None,
                    baseline_value=baseline_value,
                    table_row=label,
                    reported_outcome_zh=status or None,
                    reported_achieved=bool(re.fullmatch(r"(已|提前|超额)?完成", status)) if status else None,
                    reasons=[] if match.indicator_id else ["indicator not in the catalogue"],
                    confidence=1.0 if match.indicator_id else 0.7,
                )
            )
            for column in (baseline_col, outcome_col):
                if column is not None and column < len(cells) and cells[column]:
                    self.figures.append(
                        [
                            self.issuer or "",
                            name,
                            str(done[column]),
                            self.layout.text[row.cells[column][0] : row.cells[column][1]].strip(),
                            unit,
                            f"reported in the review table ({titles}), row {label}",
                            "",
                        ]
                    )


def _leading_number(cell: str) -> float | None:
    """The number a table cell starts with: 80522（2020年1-11月数据…） → 80522."""
    found = re.match(r"\s*(\d[\d,]*(?:\.\d+)?)", cell)
    return read_number(found.group(1))[0] if found else None


def _in_quotes(text: str, position: int) -> bool:
    """Whether a position lies inside “…” (a name or slogan such as “两个转变”, “1125聚才计划”)."""
    before = text[:position]
    return before.count("“") > before.count("”")


def _first_region(catalogue: Catalogue, text: str) -> str | None:
    """The region a document's title or opening names first (its issuer)."""
    head = text[:600]
    best = None
    for label, code in catalogue.region_names:
        position = head.find(label)
        if position >= 0 and (best is None or position < best[0]):
            best = (position, code)
    return best[1] if best else None


def _merge(candidates: list[Candidate], catalogue: Catalogue) -> list[Candidate]:
    """One row per target: a table row and its prose (or a target restated) become one."""
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.source != "table", c.start)):
        twin = next((k for k in kept if _same_target(k, candidate, catalogue)), None)
        if twin is None:
            candidate.refs.append(_ref(candidate))
            kept.append(candidate)
            continue
        _absorb(twin, candidate)
    return sorted(kept, key=lambda c: c.start)  # a merged table row stands where its prose does


def _same_target(a: Candidate, b: Candidate, catalogue: Catalogue) -> bool:
    value_a = catalogue.canonical(a.value, a.unit)
    value_b = catalogue.canonical(b.value, b.unit)
    if (
        value_a[1] != value_b[1]
        or value_a[0] is None
        or abs(value_a[0] - value_b[0]) > 1e-9 * max(1, abs(value_a[0]))
    ):
        return False
    if a.year.year != b.year.year or a.region_code != b.region_code:
        return False
    default = "level_at_least"
    if a.kind != b.kind and default not in {a.kind, b.kind}:
        return False
    both_known = a.match.how in {"exact", "alias", "contained"} and b.match.how in {
        "exact",
        "alias",
        "contained",
    }
    if both_known:
        return a.match.indicator_id == b.match.indicator_id
    threshold = 0.45 if "table" in {a.source, b.source} else 0.6
    return dice(a.indicator_as_written, b.indicator_as_written) >= threshold


def _absorb(kept: Candidate, other: Candidate) -> None:
    """Merge a twin into the kept row: prose wording and clause, table attribute, one row."""
    table, prose = (kept, other) if kept.source == "table" else (other, kept)
    if kept.source == "table" and other.source == "prose":
        kept.start, kept.end = other.start, other.end
        kept.section = other.section
    if prose.qualifier.words and (table.qualifier.bound == "exact" or kept is table):
        kept.qualifier, kept.wording = prose.qualifier, prose.wording
    if kept.kind == "level_at_least" and other.kind != "level_at_least":
        kept.kind, kept.kind_reason = other.kind, other.kind_reason
    kept.attribute = kept.attribute or other.attribute
    kept.table_row = kept.table_row or other.table_row
    kept.population_base = kept.population_base or other.population_base
    kept.population_base_unit = kept.population_base_unit or other.population_base_unit
    if kept.match.how in {"none", "fuzzy"} and other.match.how not in {"none", "fuzzy"}:
        kept.match, kept.indicator_as_written = other.match, other.indicator_as_written
    kept.refs.append(_ref(other))
    if {table.source, prose.source} == {"table", "prose"} and table is not prose:
        kept.reasons.append("found in the table and in the text")
        kept.confidence = min(1.0, round(max(kept.confidence, other.confidence) + 0.05, 2))


def _ref(candidate: Candidate) -> str:
    if candidate.source in {"table", "review_table"}:
        return f"§{candidate.section} row {candidate.table_row}"
    return f"§{candidate.section}"


def _frame(
    candidates: list[Candidate], plan_id: str, document: Document, catalogue: Catalogue
) -> pl.DataFrame:
    rows = []
    for number, c in enumerate(candidates, start=1):
        canonical_value, canonical_unit = catalogue.canonical(c.value, c.unit)
        notes = [c.kind_reason, f"year: {c.year.basis}"]
        rows.append(
            {
                "target_id": f"{plan_id}-{number:02d}",
                "indicator_id": c.match.indicator_id,
                "region_code": c.region_code,
                "target_kind": c.kind,
                "baseline_year": c.baseline_year,
                "baseline_value": c.baseline_value,
                "target_year": c.year.year,
                "target_value": c.value,
                "target_value_high": c.value_high,
                "unit": c.unit,
                "wording_zh": c.wording,
                "attribute": c.attribute,
                "path": None,
                "population_base": c.population_base,
                "population_base_unit": c.population_base_unit,
                "source_ref": "; ".join(dict.fromkeys(c.refs or [_ref(c)])),
                "reported_outcome_zh": c.reported_outcome_zh,
                "reported_achieved": c.reported_achieved,
                "notes": "; ".join(notes),
                "plan_id": plan_id,
                "document": document.path.name,
                "clause": document.text[c.start : c.end],  # verbatim
                "span_start": c.start,
                "span_end": c.end,
                "section_path": c.section,
                "indicator_as_written": c.indicator_as_written,
                "indicator_match": c.match.how,
                "indicator_suggestions": "; ".join(c.match.suggestions) if not c.match.indicator_id else "",
                "qualifier": "+".join(c.qualifier.words),
                "bound": c.qualifier.bound,
                "value_as_written": c.value_as_written,
                "target_value_canonical": canonical_value,
                "unit_canonical": canonical_unit,
                "target_year_basis": c.year.basis,
                "region_basis": c.region_basis,
                "table_row": c.table_row,
                "confidence": c.confidence,
                "confidence_reasons": "; ".join(dict.fromkeys(c.reasons)),
            }
        )
    return pl.DataFrame(rows, schema=OUTPUT_SCHEMA)


OUTPUT_SCHEMA = {
    **{c: pl.String for c in TARGET_COLUMNS},
    **TARGET_TYPES,
    **{c: pl.String for c in EXTRA_COLUMNS},
    "span_start": pl.Int64,
    "span_end": pl.Int64,
    "target_value_canonical": pl.Float64,
    "table_row": pl.Int64,
    "confidence": pl.Float64,
}
OUTPUT_SCHEMA = {c: OUTPUT_SCHEMA[c] for c in [*TARGET_COLUMNS, *EXTRA_COLUMNS]}
