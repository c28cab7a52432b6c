"""SYNTHETIC release packages of every supported shape, written by code for the tests.

Labels (regions, indicators, units) are real catalogue labels so the figures are matched;
every value, release and publisher is SYNTHETIC and says so.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

MANIFEST = """\
# SYNTHETIC release package written by tests/release_packages.py
publisher = "SYNTHETIC publisher"
title = "{title}"
citation = "SYNTHETIC: {title}"
published_on = {published_on}
published_on_precision = "day"
release_kind = "official_statistics"
source_tier = 1
status = "{status}"

[period]
start_year = {start_year}
end_year = {end_year}

[file]
path = "{path}"
header_row = {header_row}
{file_extra}

[layout]
{layout}
"""


def write_manifest(
    folder: Path,
    *,
    title: str,
    path: str,
    layout: str,
    start_year: int,
    end_year: int,
    header_row: int = 1,
    file_extra: str = "",
    status: str = "final",
    published_on: str = "2026-03-01",
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.toml").write_text(
        MANIFEST.format(
            title=title,
            path=path,
            layout=layout,
            start_year=start_year,
            end_year=end_year,
            header_row=header_row,
            file_extra=file_extra,
            status=status,
            published_on=published_on,
        ),
        encoding="utf-8",
    )


# The columns of a long CSV without notes (地区,指标,年份,数值,单位), and as long_csv writes it,
# with them (…,备注).
LONG_LAYOUT_WITHOUT_NOTES = """\
kind = "long"
region_column = "地区"
indicator_column = "指标"
year_column = "年份"
value_column = "数值"
unit_column = "单位"
"""
LONG_LAYOUT = LONG_LAYOUT_WITHOUT_NOTES + 'note_column = "备注"\n'


def long_csv(root: Path, release_id: str = "synthetic-long-csv") -> Path:
    """Long layout, UTF-8 CSV: one value per row, Chinese number forms in the cells."""
    folder = root / release_id
    write_manifest(
        folder,
        title="long CSV",
        path="figures.csv",
        start_year=2024,
        end_year=2024,
        layout=LONG_LAYOUT,
    )
    (folder / "figures.csv").write_text(
        "地区,指标,年份,数值,单位,备注\n"
        '郑州,知识产权服务机构数量,2024,"1,234",家,SYNTHETIC\n'
        "Zhengzhou,商标代理机构数量,2024,近1100,家,SYNTHETIC\n"
        "深圳,专利代理师,2024,超过2900,人,SYNTHETIC\n",
        encoding="utf-8",
    )
    return folder


def wide_indicators_gb18030(root: Path, release_id: str = "synthetic-wide-indicators-gbk") -> Path:
    """Regions down, indicators across, in GB18030 with a title row above the header."""
    folder = root / release_id
    write_manifest(
        folder,
        title="wide by indicator, GB18030",
        path="表1.csv",
        start_year=2024,
        end_year=2024,
        header_row=2,
        file_extra='encoding = "gb18030"',
        layout="""\
kind = "wide_indicators"
region_column = "地区"
ignore_columns = ["备注"]
[layout.indicators]
"专利代理师（人）" = { indicator = "专利代理师", unit = "人" }
"中级以上知识产权师（人）" = { indicator = "中级以上知识产权师", unit = "人" }
""",
    )
    (folder / "表1.csv").write_bytes(
        "2024年知识产权人才统计（SYNTHETIC）\n"
        "地区,专利代理师（人）,中级以上知识产权师（人）,备注\n"
        "深圳市,２９５０,—,SYNTHETIC\n"
        "郑州市,610①,88,SYNTHETIC\n".encode("gb18030")
    )
    return folder


def wide_years_xlsx(root: Path, release_id: str = "synthetic-wide-years-xlsx") -> Path:
    """Regions down, years across, one indicator, in an XLSX sheet with a title row."""
    folder = root / release_id
    write_manifest(
        folder,
        title="wide by year, XLSX",
        path="专利代理机构.xlsx",
        start_year=2022,
        end_year=2024,
        header_row=3,
        file_extra='sheet = "表2"',
        layout="""\
kind = "wide_years"
region_column = "地区"
indicator = "专利代理机构数量"
unit = "家"
""",
    )
    workbook = xlsxwriter.Workbook(str(folder / "专利代理机构.xlsx"))
    sheet = workbook.add_worksheet("表2")
    sheet.write_row(0, 0, ["郑州市专利代理机构数 (SYNTHETIC)"])
    sheet.write_row(2, 0, ["地区", "2022年", "2023年", "2024年"])
    sheet.write_row(3, 0, ["郑州市", 80, 90, 110])
    workbook.close()
    return folder


def long_xlsx_provisional(root: Path, release_id: str = "synthetic-long-xlsx") -> Path:
    """Long layout in XLSX, a provisional release."""
    folder = root / release_id
    write_manifest(
        folder,
        title="long XLSX, provisional",
        path="data.xlsx",
        start_year=2025,
        end_year=2025,
        status="provisional",
        layout="""\
kind = "long"
region_column = "region"
indicator_column = "indicator"
value_column = "value"
unit = "亿元"
""",
    )
    workbook = xlsxwriter.Workbook(str(folder / "data.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["region", "indicator", "value"])
    sheet.write_row(1, 0, ["Zhengzhou", "知识产权质押融资登记金额", "9.5"])
    workbook.close()
    return folder


SHAPES = {
    "long_csv": long_csv,
    "wide_indicators_gb18030": wide_indicators_gb18030,
    "wide_years_xlsx": wide_years_xlsx,
    "long_xlsx_provisional": long_xlsx_provisional,
}
