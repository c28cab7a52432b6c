"""The corpus of bad releases: each a SYNTHETIC package with one defect, written by code.

Each entry: the defect, a function writing the package, and what the error must say: the file
(relative to the package), the line or row, the column, and a phrase of the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from tests.release_packages import LONG_LAYOUT_WITHOUT_NOTES as LONG_LAYOUT
from tests.release_packages import write_manifest

HEADER = "地区,指标,年份,数值,单位\n"
GOOD_ROW = "郑州,专利代理机构数量,2024,96,家\n"


@dataclass(frozen=True)
class BadRelease:
    defect: str
    write: Callable[[Path], None]
    file: str
    line: int
    column: str
    rule: str


def _long_csv(
    folder: Path,
    body: str,
    *,
    encoding: str = "utf-8",
    declared: str = "utf-8",
    start_year: int = 2024,
    end_year: int = 2024,
) -> None:
    write_manifest(
        folder,
        title=f"bad release {folder.name}",
        path="data.csv",
        start_year=start_year,
        end_year=end_year,
        file_extra=f'encoding = "{declared}"',
        layout=LONG_LAYOUT,
    )
    (folder / "data.csv").write_bytes((HEADER + body).encode(encoding))


def _xlsx(folder: Path, *, truncate: bool) -> None:
    write_manifest(
        folder,
        title=f"bad release {folder.name}",
        path="data.xlsx",
        start_year=2024,
        end_year=2024,
        layout=LONG_LAYOUT,
    )
    workbook = xlsxwriter.Workbook(str(folder / "data.xlsx"))
    sheet = workbook.add_worksheet()
    for number, row in enumerate([HEADER, GOOD_ROW]):
        sheet.write_row(number, 0, row.strip().split(","))
    workbook.close()
    if truncate:
        data = (folder / "data.xlsx").read_bytes()
        (folder / "data.xlsx").write_bytes(data[: len(data) // 2])


CORPUS = [
    BadRelease(
        "wrong declared encoding",
        lambda f: _long_csv(
            f, GOOD_ROW + "深圳,专利代理师,2024,3000,人\n", encoding="gb18030", declared="utf-8"
        ),
        "data.csv",
        1,  # the header (地区 …) is already GB18030: line 1 is the first that is not UTF-8
        "",
        "not utf-8 as the manifest declares",
    ),
    BadRelease(
        "unknown indicator",
        lambda f: _long_csv(f, GOOD_ROW + "郑州,专利代理机构数目,2024,96,家\n"),
        "data.csv",
        3,
        "indicator",
        "closest known: 专利代理机构数量",
    ),
    BadRelease(
        "unknown region",
        lambda f: _long_csv(f, "郑洲,专利代理机构数量,2024,96,家\n"),
        "data.csv",
        2,
        "region",
        "must be a region code, name or alias",
    ),
    BadRelease(
        "unit mismatch",
        lambda f: _long_csv(f, "郑州,专利代理机构数量,2024,96,亿元\n"),
        "data.csv",
        2,
        "unit",
        "unit must convert to the indicator's canonical unit",
    ),
    BadRelease(
        "duplicate rows",
        lambda f: _long_csv(f, GOOD_ROW + GOOD_ROW),
        "data.csv",
        3,
        "release_id,indicator_id,region_code,period_start_year,period_year,period_end_month",
        "rows must be unique",
    ),
    BadRelease(
        "non-numeric cell",
        lambda f: _long_csv(f, "郑州,专利代理机构数量,2024,暂无统计,家\n"),
        "data.csv",
        2,
        "数值",
        "must be a figure",
    ),
    BadRelease(
        "year outside the manifest's period",
        lambda f: _long_csv(f, GOOD_ROW + "郑州,专利代理机构数量,2019,80,家\n"),
        "data.csv",
        3,
        "year",
        "reference period the manifest declares",
    ),
    BadRelease(
        "empty file",
        lambda f: (_long_csv(f, ""), (f / "data.csv").write_bytes(b"")),
        "data.csv",
        1,
        "",
        "the file is empty",
    ),
    BadRelease("header but no rows", lambda f: _long_csv(f, ""), "data.csv", 1, "", "no data rows"),
    BadRelease(
        "truncated XLSX",
        lambda f: _xlsx(f, truncate=True),
        "data.xlsx",
        0,
        "",
        "not a readable XLSX workbook",
    ),
    BadRelease(
        "manifest names a missing column",
        lambda f: (
            _long_csv(f, GOOD_ROW),
            (f / "manifest.toml").write_text(
                (f / "manifest.toml")
                .read_text(encoding="utf-8")
                .replace('value_column = "数值"', 'value_column = "数据"'),
                encoding="utf-8",
            ),
        ),
        "data.csv",
        1,
        "数据",
        "the manifest",
    ),
    BadRelease(
        "manifest without a publisher",
        lambda f: (
            _long_csv(f, GOOD_ROW),
            (f / "manifest.toml").write_text(
                (f / "manifest.toml")
                .read_text(encoding="utf-8")
                .replace('publisher = "SYNTHETIC publisher"\n', ""),
                encoding="utf-8",
            ),
        ),
        "manifest.toml",
        0,
        "publisher",
        "required",
    ),
]
