"""Inputs a hostile or careless user would try (issue 9): nothing read from outside, nothing
changed or dropped silently, dates that cannot be true refused, resources bounded.

Every package here is SYNTHETIC, written by code.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from pipelines import config
from pipelines.defs.ingest.plans import load_plans
from pipelines.defs.ingest.reference import load_reference
from pipelines.defs.ingest.releases import load_catalogue, load_release
from pipelines.lib import quarantine
from pipelines.lib.errors import ISSUES_PER_RULE, SourceError, SourceIssue
from tests.bad_release_corpus import GOOD_ROW, HEADER, LONG_LAYOUT, _long_csv
from tests.release_packages import write_manifest
from tests.sourcefiles import read_rows, write_rows

SECRET = "OUTSIDE-SECRET-CONTENT-7f3a"  # must never appear in an error or report


def packages(workspace) -> Path:
    return workspace.sources / "releases" / "packages"


def ingest(workspace, release_id: str):
    return load_release(
        workspace.sources, load_reference(workspace.sources), load_catalogue(workspace.sources), release_id
    )


def rejected(workspace, release_id: str) -> SourceError:
    with pytest.raises(SourceError) as raised:
        ingest(workspace, release_id)
    return raised.value


def outside_file(workspace) -> Path:
    path = workspace.sources.parent / "outside.csv"
    path.write_text(HEADER + GOOD_ROW + f"# {SECRET}\n", encoding="utf-8")
    return path


def package_naming(folder: Path, path: str) -> None:
    write_manifest(
        folder, title="SYNTHETIC escape", path=path, start_year=2024, end_year=2024, layout=LONG_LAYOUT
    )


# --- 1. confinement ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "rule"),
    [
        ("dotdot", "must not leave the package folder"),
        ("absolute", "not an absolute path"),
        ("symlink", "must not be a link"),
        ("hardlink", "must not be a hard link"),
    ],
)
def test_a_data_file_outside_its_package_is_refused_unread(workspace, how, rule):
    outside = outside_file(workspace)
    folder = packages(workspace) / "synthetic-escape"
    folder.mkdir(parents=True)
    if how == "dotdot":
        package_naming(folder, os.path.relpath(outside, folder))
    elif how == "absolute":
        package_naming(folder, str(outside))
    elif how == "symlink":
        package_naming(folder, "data.csv")
        (folder / "data.csv").symlink_to(outside)
    else:
        package_naming(folder, "data.csv")
        os.link(outside, folder / "data.csv")
    error = rejected(workspace, "synthetic-escape")
    (issue,) = error.issues
    assert (issue.file, issue.column) == (
        "sources/releases/packages/synthetic-escape/manifest.toml",
        "file.path",
    )
    assert rule in issue.rule and issue.line > 0
    report = quarantine.quarantine("synthetic-escape", error).read_text(encoding="utf-8")
    assert SECRET not in str(error) and SECRET not in report


def test_a_manifest_that_links_outside_is_refused_unread(workspace):
    folder = packages(workspace) / "synthetic-linked-manifest"
    _long_csv(folder, GOOD_ROW)
    outside = workspace.sources.parent / "outside.toml"
    outside.write_text(
        (folder / "manifest.toml").read_text(encoding="utf-8") + f"# {SECRET}\n", encoding="utf-8"
    )
    (folder / "manifest.toml").unlink()
    (folder / "manifest.toml").symlink_to(outside)
    error = rejected(workspace, "synthetic-linked-manifest")
    (issue,) = error.issues
    assert issue.file == "sources/releases/packages/synthetic-linked-manifest/manifest.toml"
    assert "not a link" in issue.rule and SECRET not in str(error)


@pytest.mark.parametrize(
    ("path", "rule"),
    [("folder.csv", "must name a file, not a folder"), ("data\\u0000.csv", "no control characters")],
)
def test_a_data_file_path_that_is_no_plain_file_is_refused(workspace, path, rule):
    folder = packages(workspace) / "synthetic-odd-path"
    package_naming(folder, path)
    (folder / "folder.csv").mkdir()  # a folder named like a data file
    error = rejected(workspace, "synthetic-odd-path")
    (issue,) = error.issues
    assert issue.column == "file.path" and rule in issue.rule


@pytest.mark.parametrize("name", ["Synthetic-Upper", "synthetic_underscore", "synthetic package"])
def test_a_package_folder_must_be_named_by_the_release_id_rule(workspace, name):
    _long_csv(packages(workspace) / name, GOOD_ROW)
    error = rejected(workspace, name)
    assert any(i.column == "release_id" and "lower-case letters" in i.rule for i in error.issues)


def test_two_folders_differing_only_in_case_are_refused(workspace):
    _long_csv(packages(workspace) / "synthetic-twin", GOOD_ROW)
    _long_csv(packages(workspace) / "SYNTHETIC-twin", GOOD_ROW)
    error = rejected(workspace, "synthetic-twin")
    assert any("differs only in case" in i.rule and "SYNTHETIC-twin" in i.rule for i in error.issues)


# --- 3. no silent loss ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "where", "closest"),
    [
        ('stauts = "final"', "stauts", "status"),
        ('layot = "long"', "layot", "layout"),
        ('encodng = "utf-8"', "file.encodng", "encoding"),
    ],
)
def test_an_unknown_manifest_key_is_named_with_the_closest_valid_one(workspace, typo, where, closest):
    folder = packages(workspace) / "synthetic-typo"
    _long_csv(folder, GOOD_ROW)
    text = (folder / "manifest.toml").read_text(encoding="utf-8")
    if where.startswith("file."):
        text = text.replace('encoding = "utf-8"', typo)
    else:
        text = text.replace("[period]", f"{typo}\n\n[period]")
    (folder / "manifest.toml").write_text(text, encoding="utf-8")
    error = rejected(workspace, "synthetic-typo")
    issue = next(i for i in error.issues if i.column == where)
    assert f"did you mean '{closest}'" in issue.rule and issue.line > 0


def test_a_formula_with_no_saved_value_is_an_error(workspace):
    folder = packages(workspace) / "synthetic-formula"
    write_manifest(
        folder,
        title="SYNTHETIC formula",
        path="data.xlsx",
        start_year=2024,
        end_year=2024,
        layout=LONG_LAYOUT,
    )
    workbook = openpyxl.Workbook()  # openpyxl stores formulas without their computed values
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["郑州", "专利代理机构数量", 2024, "=90+6", "家"])
    workbook.save(folder / "data.xlsx")
    error = rejected(workspace, "synthetic-formula")
    (issue,) = error.issues
    assert (issue.line, issue.column, issue.value) == (2, "D", "=90+6")
    assert "formula with no saved value" in issue.rule


def test_data_under_a_merged_header_cell_is_an_error(workspace):
    folder = packages(workspace) / "synthetic-merged"
    layout = LONG_LAYOUT + 'note_column = "备注"\n'
    write_manifest(
        folder, title="SYNTHETIC merged", path="data.xlsx", start_year=2024, end_year=2024, layout=layout
    )
    workbook = xlsxwriter.Workbook(str(folder / "data.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["地区", "指标", "年份", "数值", "单位"])
    sheet.merge_range(0, 5, 0, 6, "备注")  # one header over two columns
    sheet.write_row(1, 0, ["郑州", "专利代理机构数量", "2024", "96", "家", "含分支机构", "另有12家待批"])
    workbook.close()
    error = rejected(workspace, "synthetic-merged")
    assert any(i.column == "column 7" and "merged header" in i.rule for i in error.issues)


def test_a_duplicated_column_in_a_plan_file_is_an_error(workspace):
    path = workspace.sources / "plans" / "sz-ip-14fyp.csv"
    header, rows = read_rows(path)
    write_rows(path, [*header, "target_value"], [[*r, "1"] for r in rows])
    with pytest.raises(SourceError) as raised:
        load_plans(workspace.sources, load_reference(workspace.sources))
    assert any(i.column == "target_value" and "must be unique" in i.rule for i in raised.value.issues)


def test_a_plan_file_with_no_rows_is_an_error_unless_the_plan_is_withdrawn(workspace):
    path = workspace.sources / "plans" / "gd-ip-services-2014.csv"
    header, _ = read_rows(path)
    write_rows(path, header, [])
    with pytest.raises(SourceError) as raised:
        load_plans(workspace.sources, load_reference(workspace.sources))
    assert any("header and no rows" in i.rule for i in raised.value.issues)
    plans = workspace.sources / "reference" / "plans.csv"
    header, rows = read_rows(plans)
    for row in rows:
        if row[0] == "gd-ip-services-2014":
            row[header.index("status")] = "withdrawn"
    write_rows(plans, header, rows)
    assert load_plans(workspace.sources, load_reference(workspace.sources)).targets.height == 60


# --- 4. dates that cannot be true -----------------------------------------------------------------


def test_a_release_dated_after_the_build_date_is_refused(workspace):
    folder = packages(workspace) / "synthetic-future"
    write_manifest(
        folder,
        title="SYNTHETIC future",
        path="data.csv",
        start_year=2024,
        end_year=2024,
        layout=LONG_LAYOUT,
        published_on="2999-01-01",
    )
    (folder / "data.csv").write_text(HEADER + GOOD_ROW, encoding="utf-8")
    error = rejected(workspace, "synthetic-future")
    assert any(i.column == "published_on" and "after the build date" in i.rule for i in error.issues)


def test_a_catalogued_release_in_the_future_is_refused(workspace):
    path = workspace.sources / "releases" / "releases.csv"
    header, rows = read_rows(path)
    rows[0][header.index("published_on")] = "2999-01-01"
    write_rows(path, header, rows)
    with pytest.raises(SourceError) as raised:
        load_catalogue(workspace.sources)
    assert any(i.line == 2 and "after the build date" in i.rule for i in raised.value.issues)


def test_a_manifest_claiming_another_release_id_is_refused(workspace):
    folder = packages(workspace) / "synthetic-claim"
    _long_csv(folder, GOOD_ROW)
    text = (folder / "manifest.toml").read_text(encoding="utf-8")
    (folder / "manifest.toml").write_text('release_id = "zz-daily-2023-02-25"\n' + text, encoding="utf-8")
    error = rejected(workspace, "synthetic-claim")
    assert any(i.column == "release_id" and "must equal the package folder" in i.rule for i in error.issues)


# --- 5. bounded resources ----------------------------------------------------------------------------


def test_a_csv_with_too_many_rows_is_refused_where_reading_stopped(workspace, monkeypatch):
    monkeypatch.setenv("PLANWATCH_MAX_ROWS", "1000")
    _long_csv(packages(workspace) / "synthetic-many-rows", GOOD_ROW * 5000)
    started = time.monotonic()
    error = rejected(workspace, "synthetic-many-rows")
    assert time.monotonic() - started < 10
    (issue,) = error.issues
    assert "more than 1,000 rows" in issue.rule and issue.line == 1001


def test_an_xlsx_that_decompresses_past_the_limit_is_refused_before_reading(workspace, monkeypatch):
    folder = packages(workspace) / "synthetic-bomb"
    write_manifest(
        folder, title="SYNTHETIC bomb", path="data.xlsx", start_year=2024, end_year=2024, layout=LONG_LAYOUT
    )
    workbook = xlsxwriter.Workbook(str(folder / "data.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER.strip().split(","))
    for row in range(1, 20_000):  # compresses well: a small file that unpacks large
        sheet.write_row(row, 0, GOOD_ROW.strip().split(","))
    workbook.close()
    size = (folder / "data.xlsx").stat().st_size
    monkeypatch.setenv("PLANWATCH_MAX_FILE_BYTES", str(size * 2))
    error = rejected(workspace, "synthetic-bomb")
    (issue,) = error.issues
    assert "once decompressed" in issue.rule and "PLANWATCH_MAX_FILE_BYTES" in issue.rule


def test_a_report_lists_a_bounded_number_of_issues_per_rule():
    issues = [SourceIssue("f.csv", n, "value", "x", "must be a figure") for n in range(2, 1002)]
    issues.append(SourceIssue("f.csv", 5, "region", "郑洲", "must be a region"))
    error = SourceError(issues)
    assert len(error.issues) == 1001
    table = error.markdown_table()
    assert table.count("must be a figure") == ISSUES_PER_RULE + 1  # the shown rows and the count of the rest
    assert f"{1000 - ISSUES_PER_RULE} more" in table and "must be a region" in table
    assert f"… and {1000 - ISSUES_PER_RULE} more breaking the rule: must be a figure" in str(error)


# --- 6. every failure explained ----------------------------------------------------------------------


def test_a_cell_over_the_csv_field_limit_is_located(workspace):
    folder = packages(workspace) / "synthetic-open-quote"
    _long_csv(folder, GOOD_ROW + '郑州,专利代理机构数量,2024,"96,家\n' + "x" * 200_000 + "\n")
    error = rejected(workspace, "synthetic-open-quote")
    (issue,) = error.issues
    assert issue.line >= 3 and "quote" in issue.rule and "131,072" in issue.rule


def test_a_plan_file_that_is_not_utf8_says_what_it_looks_like(workspace):
    path = workspace.sources / "plans" / "zz-ip-services-2023.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(SourceError) as raised:
        load_plans(workspace.sources, load_reference(workspace.sources))
    (issue,) = [i for i in raised.value.issues if i.file.endswith("zz-ip-services-2023.csv")]
    assert "must be UTF-8" in issue.rule and "gb18030" in issue.rule and "iconv" in issue.rule


def test_the_build_date_can_be_pinned(monkeypatch):
    monkeypatch.setenv("PLANWATCH_BUILD_DATE", "2024-06-30")
    assert str(config.build_date()) == "2024-06-30"
