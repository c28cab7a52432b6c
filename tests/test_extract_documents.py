"""Plan documents in every format read to the same targets; bad files get a clear error.

The documents are SYNTHETIC, written here by code (python-docx, reportlab, plain strings).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract.catalogue import Catalogue
from pipelines.extract.documents import OLE_MAGIC, DocumentError, read_document
from pipelines.extract.extractor import extract
from tests.conftest import REPO_SOURCES

CATALOGUE = Catalogue.from_sources(REPO_SOURCES)
TITLE = "某市知识产权服务业发展行动计划（2024-2026年）"  # SYNTHETIC
HEADING = "三、主要指标"
TABLE = [["序号", "指标", "指标属性"], ["1", "专利代理机构数量 200 家", "约束性指标"]]
PROSE = "到2026年，专利代理机构数量突破200家，知识产权保护社会满意度达到82分以上，新增知识产权服务机构50家。"
EXPECTED = [
    ("patent_agencies", 200.0, "level_at_least", 2026),
    ("ip_protection_satisfaction", 82.0, "score", 2026),
    ("ip_service_institutions", 50.0, "increment", 2026),
]


def read_targets(path: Path) -> list[tuple]:
    result = extract(read_document(path), CATALOGUE, plan_id="synthetic-plan", region_code="440300")
    return [
        (r["indicator_id"], r["target_value"], r["target_kind"], r["target_year"])
        for r in result.targets.iter_rows(named=True)
    ]


def attribute_of_agencies(path: Path) -> str | None:
    result = extract(read_document(path), CATALOGUE, plan_id="synthetic-plan", region_code="440300")
    return result.targets.filter(result.targets["indicator_id"] == "patent_agencies")["attribute"][0]


def write_markdown(path: Path) -> Path:
    rows = ["| " + " | ".join(r) + " |" for r in TABLE]
    rows.insert(1, "|---|---|---|")
    path.write_text(f"# {TITLE}\n\n## {HEADING}\n\n" + "\n".join(rows) + f"\n\n{PROSE}\n", encoding="utf-8")
    return path


def write_html(path: Path) -> Path:
    cells = "".join(
        "<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{c}</{'th' if i == 0 else 'td'}>" for c in r) + "</tr>"
        for i, r in enumerate(TABLE)
    )
    path.write_text(
        f"<html><head><title>x</title><style>p{{color:red}}</style><script>var a=100;</script></head><body>"
        f"<h1>{TITLE}</h1><h2>{HEADING}</h2><table>{cells}</table><p>{PROSE}</p>"
        "<!-- 到2026年，评论里的300家不是目标 --></body></html>",
        encoding="utf-8",
    )
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    document.add_heading(HEADING, level=2)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph(PROSE)
    document.save(str(path))
    return path


def _pdf_canvas(path: Path, **kwargs):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built into reportlab: no font file
    pdf = canvas.Canvas(str(path), **kwargs)
    pdf.setFont("STSong-Light", 11)
    return pdf


def write_pdf(path: Path, **kwargs) -> Path:
    """The prose wrapped over lines of equal width, as a PDF of a plan prints it."""
    pdf = _pdf_canvas(path, **kwargs)
    lines = [TITLE, HEADING, *[PROSE[i : i + 24] for i in range(0, len(PROSE), 24)], "- 1 -"]
    for n, line in enumerate(lines):
        pdf.drawString(50, 800 - 18 * n, line)
    pdf.showPage()
    pdf.save()
    return path


def test_markdown_with_a_table(tmp_path):
    path = write_markdown(tmp_path / "plan.md")
    assert read_targets(path) == EXPECTED
    assert attribute_of_agencies(path) == "约束性"


def test_html_with_a_table_ignores_scripts_and_comments(tmp_path):
    path = write_html(tmp_path / "plan.html")
    assert read_targets(path) == EXPECTED
    assert attribute_of_agencies(path) == "约束性"


def test_docx_with_heading_styles_and_a_table(tmp_path):
    path = write_docx(tmp_path / "plan.docx")
    document = read_document(path)
    assert f"# {TITLE}" in document.text  # the heading style became a heading line
    assert read_targets(path) == EXPECTED
    assert attribute_of_agencies(path) == "约束性"


def test_pdf_text_layer_with_wrapped_lines(tmp_path):
    path = write_pdf(tmp_path / "plan.pdf")
    document = read_document(path)
    assert PROSE in document.text  # the wrapped sentence is whole again
    assert "- 1 -" not in document.text  # the page number is gone
    assert read_targets(path) == EXPECTED


def test_gb18030_text_is_recognised(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(f"{TITLE}\n{HEADING}\n{PROSE}\n".encode("gb18030"))
    assert read_document(path).encoding == "gb18030"
    assert read_targets(path) == EXPECTED


# --- files that cannot be read --------------------------------------------------------------------


def scanned_pdf(path: Path) -> Path:
    pdf = _pdf_canvas(path)
    pdf.rect(50, 50, 400, 600, fill=1)  # a page that is only an image, as a scan is
    pdf.showPage()
    pdf.save()
    return path


def encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt

    return write_pdf(path, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))


def legacy_doc(path: Path) -> Path:
    path.write_bytes(OLE_MAGIC + b"\x00" * 512)
    return path


def truncated_pdf(path: Path) -> Path:
    data = write_pdf(path).read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def docx_that_is_not(path: Path) -> Path:
    path.write_text("这不是一个 Word 文件", encoding="utf-8")
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def rtf(path: Path) -> Path:
    path.write_text("{\\rtf1 到2026年}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "make", "cause", "what_to_do"),
    [
        ("scan.pdf", scanned_pdf, "no text layer", "OCR"),
        ("locked.pdf", encrypted_pdf, "encrypted", "unprotected"),
        ("old.doc", legacy_doc, "legacy Word .doc", "save it as .docx"),
        ("old-renamed.docx", legacy_doc, "legacy Word .doc", "save it as .docx"),
        ("cut.pdf", truncated_pdf, "cannot be opened", "not truncated"),
        ("fake.docx", docx_that_is_not, "not a .docx", "save it from Word"),
        ("empty.txt", empty, "empty", "full text"),
        ("plan.rtf", rtf, "unsupported document type '.rtf'", "Convert"),
    ],
)
def test_unreadable_files_say_why_and_what_to_do(tmp_path, name, make, cause, what_to_do):
    path = make(tmp_path / name)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    error = caught.value
    assert error.path == str(path)
    assert cause in error.cause
    assert what_to_do.lower() in error.what_to_do.lower()
    assert str(path) in str(error)


def test_a_document_over_the_byte_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "plan.docx")
    monkeypatch.setenv("PLANWATCH_MAX_FILE_BYTES", "1000")  # the .docx unpacks to more
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert "over the limit" in caught.value.cause and "PLANWATCH_MAX_FILE_BYTES" in caught.value.cause
