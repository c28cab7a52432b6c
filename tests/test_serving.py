"""Serving: real clients read the published warehouse, and keep reading while it rebuilds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy

from tests.release_packages import SHAPES

pytestmark = pytest.mark.slow
CJK = re.compile(r"[\u4e00-\u9fff]")
CLI = Path(sys.executable).parent / "duckdb"


def test_a_reader_never_errors_while_a_rebuild_publishes(built_copy):
    workspace = built_copy  # a published warehouse of the shipped sources
    SHAPES["long_csv"](workspace.sources / "releases" / "packages")  # the rebuild will add 3 figures
    reader = duckdb.connect(str(workspace.published), read_only=True)
    before = reader.execute("select count(*) from fct_observation").fetchone()[0]
    errors, reads, stop = [], [], threading.Event()

    def keep_reading():
        while not stop.is_set():
            try:
                reads.append(reader.execute("select count(*), sum(value) from fct_observation").fetchone())
            except Exception as exc:  # noqa: BLE001 - any error is a failure of the test
                errors.append(exc)
            stop.wait(0.01)  # hundreds of reads over the rebuild, leaving it a core

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        result = workspace.build()  # the writer is never blocked by the open reader
    finally:
        stop.set()
        thread.join()
    assert result.success
    assert errors == [] and len(reads) > 10
    assert {r[0] for r in reads} == {before}  # the open connection keeps seeing its snapshot
    reader.close()
    fresh = duckdb.connect(str(workspace.published), read_only=True)
    assert fresh.execute("select count(*) from fct_observation").fetchone()[0] == before + 3
    fresh.close()


def test_duckdb_15_cli_from_pypi_reads_the_marts(built):
    version = subprocess.run([CLI, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.5")  # a separate, older engine build than the pipeline's
    out = subprocess.run(
        [
            CLI,
            "-readonly",
            "-json",
            str(built.published),
            "-c",
            "select target_id, status, status_zh from mart_target_attainment where plan_id = 'sz-ip-13fyp' "
            "order by target_id",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = json.loads(out)
    expected = built.query(
        "select target_id, status, status_zh from mart_target_attainment "
        "where plan_id = 'sz-ip-13fyp' order by 1"
    )
    assert [(r["target_id"], r["status"], r["status_zh"]) for r in rows] == expected
    assert {"完成", "未完成"} <= {r["status_zh"] for r in rows}


def test_sqlalchemy_dialect_lists_and_reads_the_marts(built):
    engine = sqlalchemy.create_engine(f"duckdb:///{built.published}", connect_args={"read_only": True})
    try:
        tables = set(sqlalchemy.inspect(engine).get_table_names())
        assert {"mart_target_attainment", "mart_plan_scorecard", "fct_observation", "dim_region"} <= tables
        with engine.connect() as connection:
            rows = connection.execute(
                sqlalchemy.text(
                    "select status_zh, count(*) from mart_target_attainment group by 1 order by 1"
                )
            ).fetchall()
        assert sum(n for _, n in rows) == 63 and any(CJK.search(s) for s, _ in rows)
    finally:
        engine.dispose()


def test_tables_and_columns_carry_english_and_chinese_comments(built):
    tables = built.query(
        "select table_name, comment from duckdb_tables() where schema_name = 'main' "
        "and (table_name like 'dim%' or table_name like 'fct%' or table_name like 'mart%')"
    )
    assert len(tables) >= 13 and all(comment for _, comment in tables)
    columns = built.query(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'main' "
        "and (table_name like 'dim%' or table_name like 'fct%' or table_name like 'mart%')"
    )
    missing = [
        (t, c)
        for t, c, comment in columns
        if not comment or not CJK.search(comment) or not re.search(r"[A-Za-z]{3}", comment)
    ]
    assert missing == []


def test_parquet_exports_hold_every_public_table(built):
    folder = built.warehouse / "parquet"
    assert folder.is_symlink()  # switched atomically to each new export
    for (table,) in built.query(
        "select table_name from duckdb_tables() where schema_name = 'main' "
        "and regexp_matches(table_name, '^(dim|fct|mart)_')"
    ):
        frame = pl.read_parquet(folder / f"{table}.parquet")
        assert frame.height == built.query(f"select count(*) from {table}")[0][0], table


def test_dbt_docs_are_generated_with_the_build(built):
    page = (built.warehouse / "docs" / "index.html").read_text(encoding="utf-8")
    assert "mart_target_attainment" in page
    # descriptions travel inside the page's JSON, Chinese as \u escapes ("完成度")
    assert "完成度".encode("ascii", "backslashreplace").decode() in page


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    not chromium() and not os.environ.get("CI"),
    reason="headless Chromium not installed (CI installs it: .ci/run)",
)
def test_report_renders_in_headless_chromium(built, tmp_path):
    from PIL import Image

    page = built.warehouse / "report" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") >= 15 and "规划目标完成情况报告" in html
    assert "<script" not in html and "http://" not in html.split("<body>")[1].replace(
        'xmlns="http://www.w3.org', ""
    )
    fonts = subprocess.run(["fc-match", "-s", "sans-serif:lang=zh-cn"], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts or "Noto Sans CJK" in fonts, "no CJK font: Chinese would render as boxes"
    shot = tmp_path / "report.png"
    run = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1300,1600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists(), run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    image = Image.open(shot).convert("RGB")
    pixels = list(image.getdata())
    assert image.size == (1300, 1600)
    assert sum(p != (255, 255, 255) for p in pixels) / len(pixels) > 0.05  # rendered content, not blank
    achieved_green, not_achieved_red = (0x1A, 0x7F, 0x37), (0xCF, 0x22, 0x2E)
    assert pixels.count(achieved_green) > 200 and pixels.count(not_achieved_red) > 100  # coloured by status


def test_the_report_draws_a_bounded_number_of_targets_per_plan(built, tmp_path, monkeypatch):
    """A county plan has hundreds of thousands of targets: the report draws the first few of each
    plan (assessed first) and says where the others are; its scorecards still count them all."""
    from pipelines.lib import report

    monkeypatch.setattr(report, "CARDS_PER_PLAN", 3)
    counts = report.build_report(built.published, tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    per_plan = dict(built.query("select plan_id, count(*) from mart_target_attainment group by 1"))
    assert counts["targets"] == sum(min(3, n) for n in per_plan.values())
    assert page.count('<div class="target"') == counts["targets"]
    assert f"3 of {per_plan['sz-ip-13fyp']} targets drawn" in page
    assert "mart_target_attainment where plan_id = 'sz-ip-13fyp'" in page
