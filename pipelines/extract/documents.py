"""Plan documents as text: .txt/.md, .html, .docx and .pdf (text layer), tables included.

Every format becomes one plain text in which a heading is a line (DOCX heading styles and HTML
<h1>-<h6> are written as Markdown ``#`` lines) and a table row is a line of tab-separated cells.
The extractor reads that text; character spans it reports index it.

A file that cannot be read raises DocumentError with the cause and what to do: a scanned PDF
(no text layer), an encrypted PDF, a legacy Word .doc, a file whose bytes are not its format,
an empty file, or a text file in no encoding we can tell.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipelines import config

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc, .xls) compound file
# A page number alone on a line of a PDF: "3", "- 3 -", "第 3 页", "3 / 20".
PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-—]\s*\d{1,4}\s*[-—]|\d{1,4}(?:\s*/\s*\d{1,4})?|第\s*\d{1,4}\s*页.*)\s*$"
)


class DocumentError(Exception):
    """A document that cannot be read: which file, why, and what to do."""

    def __init__(self, path: Path | str, cause: str, what_to_do: str):
        self.path, self.cause, self.what_to_do = str(path), cause, what_to_do
        super().__init__(f"{self.path}: {cause}. {what_to_do}")


@dataclass(frozen=True)
class Document:
    """A plan document read as text."""

    path: Path
    format: str  # txt, md, html, docx, pdf
    text: str
    encoding: str = "utf-8"
    sha256: str = ""  # of the file's bytes as read


def check_type(path: Path | str, suffix: str) -> None:
    """A document's type must be one the readers know (.doc is refused as legacy, later)."""
    if suffix not in SUFFIXES | {".doc"}:
        raise DocumentError(
            path,
            f"unsupported document type '{suffix or '(none)'}'",
            "Supported: .txt, .md, .html, .docx, .pdf (with a text layer). Convert the file to one of them.",
        )


def read_document(path: Path) -> Document:
    """Read a plan document of any supported format into text (see module docstring)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DocumentError(path, "no such file", "Check the path (a link must point at an existing file).")
    size = path.stat().st_size
    if suffix == ".docx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:  # what it unpacks to, known before it is opened
            size = sum(info.file_size for info in archive.infolist())
    if size > config.max_file_bytes():
        raise DocumentError(
            path,
            f"the document holds {size:,} bytes, over the limit of {config.max_file_bytes():,} "
            "(PLANWATCH_MAX_FILE_BYTES)",
            "Split it, or raise the limit if the document is genuine.",
        )
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError(path, "the file is empty", "Replace it with the plan document's full text.")
    if suffix == ".doc" or (data.startswith(OLE_MAGIC) and suffix in {".docx", ".doc"}):
        raise DocumentError(
            path,
            "a legacy Word .doc file (binary OLE format) cannot be read",
            "Open it in Word or LibreOffice and save it as .docx (or export a PDF), then run again.",
        )
    check_type(path, suffix)
    encoding = "utf-8"
    if suffix in TEXT_SUFFIXES:
        text, encoding = _decode(path, data)
        form, text = ("md" if suffix != ".txt" else "txt"), _normalise_newlines(text)
    elif suffix in HTML_SUFFIXES:
        text, encoding = _decode(path, data)
        form, text = "html", _html_text(text)
    elif suffix == ".docx":
        form, text = "docx", _docx_text(path, data)
    else:
        form, text = "pdf", _pdf_text(path, data)
    return Document(path, form, text, encoding, hashlib.sha256(data).hexdigest())


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM); otherwise the encoding charset-normalizer is sure of."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(
            path,
            "the text is in no encoding that could be recognised",
            "Save the document as UTF-8 text (or as .docx/.pdf) and run again.",
        )
    # GB2312 and GBK are subsets of GB18030: decode with the superset so no character is lost.
    encoding = "gb18030" if best.encoding.lower() in {"gb2312", "gbk", "gb18030"} else best.encoding
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DocumentError(
            path,
            f"the text looks like {best.encoding} but does not decode as it ({exc})",
            "Save the document as UTF-8 text and run again.",
        ) from exc


def _html_text(html: str) -> str:
    """Visible text of an HTML page: headings as # lines, table rows as tab-separated lines."""
    from bs4 import BeautifulSoup
    from bs4.element import NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    lines: list[str] = []
    current: list[str] = []
    blocks = {"p", "div", "li", "ul", "ol", "section", "article", "body", "blockquote", "pre", "dd", "dt"}

    def flush() -> None:
        line = "".join(current).strip()
        if line:
            lines.append(re.sub(r"[ \t\r\n]+", " ", line))
        current.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in {"Comment", "Doctype", "Declaration", "ProcessingInstruction"}:
                    continue
                current.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in {"script", "style", "noscript", "head", "template"}:
                continue
            if name == "br":
                flush()
            elif name == "table":
                flush()
                for row in child.find_all("tr"):
                    cells = [c.get_text(" ", strip=True) for c in row.find_all(["td", "th"])]
                    if any(cells):
                        lines.append("\t".join(re.sub(r"\s+", " ", c) for c in cells))
            elif re.fullmatch(r"h[1-6]", name):
                flush()
                lines.append("#" * int(name[1]) + " " + child.get_text(" ", strip=True))
            elif name in blocks:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(soup)
    flush()
    return "\n".join(lines)


def _docx_text(path: Path, data: bytes) -> str:
    """Paragraphs and tables of a .docx in document order; heading styles become # lines."""
    if not data.startswith(b"PK"):
        raise DocumentError(
            path, "the file is not a .docx (no ZIP container)", "Save it from Word as .docx and run again."
        )
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(
            path, f"the .docx cannot be opened ({exc})", "Open and re-save it in Word or LibreOffice."
        ) from exc
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            level = re.match(r"(?:Heading|标题)\s*(\d)", style)
            lines.append(("#" * int(level.group(1)) + " " if level else "") + text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell repeats: keep it once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(re.sub(r"\s+", " ", cell.text).strip())
                if any(cells):
                    lines.append("\t".join(cells))
    return "\n".join(lines)


def _pdf_text(path: Path, data: bytes) -> str:
    """The text layer of a PDF, page after page, without lone page numbers."""
    if not data.startswith(b"%PDF"):
        raise DocumentError(
            path, "the file is not a PDF (no %PDF header)", "Check that the file is a real PDF."
        )
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentError(
                path,
                "the PDF is encrypted (password protected)",
                "Ask the publisher for an unprotected copy, or open it with the password and save an "
                "unprotected PDF, then run again.",
            ) from exc
        raise DocumentError(
            path, f"the PDF cannot be opened ({exc})", "Check that the file is complete (not truncated)."
        ) from exc
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    text = "\n".join(_unwrap(_normalise_newlines(page)) for page in pages)
    if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
        raise DocumentError(
            path,
            f"the PDF has no text layer ({len(pages)} page(s) of images: a scan)",
            "Run OCR on it (e.g. ocrmypdf --language chi_sim) or use the publisher's text PDF, "
            "then run again.",
        )
    return text


def _unwrap(page: str) -> str:
    """Join the lines a PDF wrapped mid-sentence; drop lone page numbers.

    A line that fills the page's width (within 85 % of its longest line) and does not end a
    sentence continues on the next line; a short line (a heading, a sentence's last line) ends.
    """
    lines = [line.rstrip() for line in page.split("\n") if not PAGE_NUMBER_LINE.match(line)]
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and out:
            out[-1] += line.lstrip()
        else:
            out.append(line)
        joining = len(line) >= 0.85 * width and width >= 20 and not re.search(r"[。；;！？!?：:]$", line)
    return "\n".join(out)
