"""The layout of a plan's text: headings and the section path, sentences, tables.

Headings are recognised by Markdown ``#`` and by the numbering Chinese official documents use
(第一章, 一、, （一）, 1., （1）, ——标题。); a heading printed at the start of its paragraph
(``（五）强化……作用。支持……``) is split from its body, and so is a ``一、`` heading printed
inside a long line. Table-of-contents lines (a heading followed by a page number) are skipped.
A table row is a line of tab-separated cells or a Markdown ``| a | b |`` row.

Every piece keeps its character span in the document's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipelines.extract.numbers import fold

CN = "一二三四五六七八九十"
NUMBERING = [
    # (pattern at the start of a heading, level)
    (re.compile(rf"^第[{CN}百零]+[章篇部分]"), 1),
    (re.compile(rf"^第[{CN}百零]+节"), 2),
    (re.compile(rf"^第[{CN}百零]+条"), 3),
    (re.compile(rf"^[{CN}]+[、.]"), 1),
    (re.compile(rf"^\([{CN}]+\)"), 2),
    (re.compile(r"^\d{1,2}(?:[、]|\.(?!\d))"), 3),
    (re.compile(r"^\(\d{1,2}\)"), 4),
    (re.compile(r"^——"), 5),
]
CAPTION_LEVEL = 6  # an unnumbered heading: a table caption or a titled block
MARKUP = re.compile(r"<[^>\n]{1,40}>|\*\*|__")
TOC_LINE = re.compile(r"[\t ]*[-—.·…]*\s*\d{1,3}\s*$")
SENTENCE_END = re.compile(r"[。！？；;!?]")
INLINE_LEVEL1 = re.compile(rf"(?<=[\s。:])([{CN}]{{1,3}}、)")


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    start: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of running text (or one table cell), with its span and section."""

    start: int
    end: int
    section: tuple[Heading, ...]


@dataclass
class TableRow:
    start: int
    end: int
    cells: list[tuple[int, int]]  # span of each cell


@dataclass
class Table:
    section: tuple[Heading, ...]
    rows: list[TableRow] = field(default_factory=list)


@dataclass
class Layout:
    """The document's text, masked for reading, with its sentences, tables and headings."""

    text: str  # as read
    masked: str  # folded to ASCII digits and punctuation, markup blanked: same length as text
    sentences: list[Sentence]
    tables: list[Table]
    notes: list[Sentence]  # 注①: lines under a table

    def cell_text(self, span: tuple[int, int]) -> str:
        return self.masked[span[0] : span[1]].strip()


def mask(text: str) -> str:
    """Fold full-width characters and blank Markdown/HTML markup, keeping every offset."""
    return MARKUP.sub(lambda m: " " * len(m.group(0)), fold(text))


def read_layout(text: str) -> Layout:
    """Split a document's text into sections, sentences and tables."""
    masked = mask(text)
    sentences: list[Sentence] = []
    tables: list[Table] = []
    notes: list[Sentence] = []
    stack: list[Heading] = []
    table: Table | None = None
    offset = 0
    for raw_line in masked.split("\n"):
        start, offset = offset, offset + len(raw_line) + 1
        line = raw_line.strip()
        if not line:
            continue  # a blank line does not end a table (tables break across pages)
        lead = start + len(raw_line) - len(raw_line.lstrip())
        cells = _table_cells(raw_line, start)
        if cells is not None:
            if _is_toc(line):
                continue
            if table is None:
                table = Table(section=tuple(stack))
                tables.append(table)
            table.rows.append(TableRow(lead, start + len(raw_line.rstrip()), cells))
            continue
        table = None
        if re.match(r"^注\s*[①-⑳\d]*\s*[:：]?", line) and tables:
            notes.append(Sentence(lead, start + len(raw_line.rstrip()), tuple(stack)))
            continue
        for piece_start, piece in _inline_sections(line, lead):
            heading, body_start = _heading(piece, piece_start)
            if heading is not None:
                if _is_toc(piece):
                    continue
                while stack and stack[-1].level >= heading.level:
                    stack.pop()
                stack.append(heading)
            body = masked[body_start : piece_start + len(piece)]
            sentences.extend(_sentences(body, body_start, tuple(stack)))
    return Layout(text, masked, sentences, tables, notes)


def section_path(section: tuple[Heading, ...]) -> str:
    """The heading path as printed, outermost first: ``三、调控指标 > 核心指标``."""
    return " > ".join(h.title for h in section)


def _table_cells(line: str, start: int) -> list[tuple[int, int]] | None:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        if re.fullmatch(r"[|:\-\s]+", stripped):
            return []  # the separator row of a Markdown table: part of the table, no cells
        return _split_cells(line, start, "|", skip_outer=True)
    if "\t" in line.strip():
        return _split_cells(line, start, "\t")
    return None


def _split_cells(line: str, start: int, separator: str, skip_outer: bool = False) -> list[tuple[int, int]]:
    spans, position = [], 0
    for part in line.split(separator):
        left = len(part) - len(part.lstrip())
        spans.append((start + position + left, start + position + len(part.rstrip())))
        position += len(part) + 1
    return spans[1:-1] if skip_outer else spans


def _is_toc(line: str) -> bool:
    """A contents line: a numbered heading followed by a page number."""
    if not TOC_LINE.search(line):
        return False
    head = TOC_LINE.sub("", line).strip()
    return bool(head) and any(p.match(head) for p, _ in NUMBERING) or head.startswith(("目", "目录"))


def _inline_sections(line: str, start: int) -> Iterator[tuple[int, str]]:
    """A long line holding several ``一、…`` sections (003 prints its whole body on one line)."""
    cuts = [m.start() for m in INLINE_LEVEL1.finditer(line)] if len(line) > 200 else []
    bounds = [0, *cuts, len(line)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = line[a:b]
        if piece.strip():
            yield start + a + (len(piece) - len(piece.lstrip())), piece.strip()


def _heading(line: str, start: int) -> tuple[Heading | None, int]:
    """The heading a line starts with, if any, and where the body after it starts."""
    markdown = re.match(r"^(#{1,6})\s+", line)
    text = line[markdown.end() :] if markdown else line
    text_start = start + (markdown.end() if markdown else 0)
    level = next((lvl for pattern, lvl in NUMBERING if pattern.match(text)), None)
    if level is None:
        if markdown:
            return Heading(CAPTION_LEVEL, text.strip(), text_start), start + len(line)
        if len(text) <= 30 and not SENTENCE_END.search(text) and _looks_like_title(text):
            return Heading(CAPTION_LEVEL, text.strip(), text_start), start + len(line)
        return None, start
    # A numbered heading with its body on the same line ends at its first full stop, or (003's
    # inline sections) at the first space; a short line with no body is the heading alone.
    end = re.search(r"[。]", text)
    space = re.search(r"\s", text.rstrip())
    if space and space.start() <= 30 and (not end or space.start() < end.start()) and len(text) > 60:
        title_end = space.start()
    elif end and end.start() <= 60:
        title_end = end.end()
    elif len(text) <= 60:
        title_end = len(text)
    else:
        space = re.search(r"\s", text)
        if not space or space.start() > 30:
            return None, start  # a numbered paragraph (1.加强……), not a heading
        title_end = space.start()
    return Heading(level, text[:title_end].strip(" 。"), text_start), text_start + title_end


def _looks_like_title(text: str) -> bool:
    """A short unpunctuated line that names a part of the document (a caption, a plan title)."""
    return bool(re.search(r"(指标|目标|规划|计划|措施|意见|方案|表|情况|任务|重点)\s*$", text))


def _sentences(body: str, start: int, section: tuple[Heading, ...]) -> Iterator[Sentence]:
    position = 0
    for match in SENTENCE_END.finditer(body):
        yield from _sentence(body, start, position, match.end(), section)
        position = match.end()
    yield from _sentence(body, start, position, len(body), section)


def _sentence(body: str, start: int, a: int, b: int, section: tuple[Heading, ...]) -> Iterator[Sentence]:
    piece = body[a:b]
    if piece.strip():
        left = len(piece) - len(piece.lstrip())
        yield Sentence(start + a + left, start + a + len(piece.rstrip()), section)
