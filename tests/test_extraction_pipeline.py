"""Plan documents through the real pipeline and the real command line.

- `planwatch extract` (the installed console script) writes a plan table that drops into
  sources/plans/ and passes the plan validation rules unchanged;
- a Dagster run reads sources/documents/, and mart_extraction_review agrees with the
  comparison the benchmark makes;
- unreadable documents (a scan, a document for no known plan, a link leading outside) are
  recorded with their cause and what to do, fail a warning check, and the run still publishes.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.defs.ingest.plans import load_plans
from pipelines.defs.ingest.reference import load_reference
from pipelines.extract.catalogue import Catalogue
from pipelines.extract.documents import read_document
from pipelines.extract.extractor import extract
from pipelines.extract.review import compare, read_plan_table
from pipelines.plan_table import TARGET_COLUMNS
from tests.conftest import REPO_SOURCES, SHARED
from tests.test_extract_documents import encrypted_pdf, scanned_pdf

PLANWATCH = Path(sys.executable).parent / "planwatch"
SEED_004 = glob.glob(str(SHARED / "seeds" / "004_*.txt"))[0]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PLANWATCH), *args], capture_output=True, text=True, timeout=120)


def test_cli_writes_a_plan_table_that_drops_in(tmp_path):
    out = tmp_path / "extracted" / "sz-ip-14fyp.csv"
    done = run_cli("extract", SEED_004, "--plan-id", "sz-ip-14fyp", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "10 target(s)" in done.stderr and "15 target(s) of the past plan sz-ip-13fyp" in done.stderr
    table = pl.read_csv(out, infer_schema=False)
    assert table.columns[: len(TARGET_COLUMNS)] == TARGET_COLUMNS
    # the reviewed files replace the curated ones and keep every validation rule
    sources = tmp_path / "sources"
    shutil.copytree(REPO_SOURCES, sources)
    shutil.copy(out, sources / "plans" / "sz-ip-14fyp.csv")
    shutil.copy(out.with_name("sz-ip-14fyp.past-plan.csv"), sources / "plans" / "sz-ip-13fyp.csv")
    plans = load_plans(sources, load_reference(sources))
    assert plans.targets.filter(pl.col("plan_id") == "sz-ip-14fyp").height == 10
    assert plans.targets.filter(pl.col("plan_id") == "sz-ip-13fyp").height == 15
    figures = pl.read_csv(out.with_name("sz-ip-14fyp.reported-figures.csv"), infer_schema=False)
    assert figures.height == 30


def test_cli_writes_csv_to_stdout_without_a_file():
    done = run_cli("extract", SEED_004, "--plan-id", "sz-ip-14fyp")
    assert done.returncode == 0
    assert done.stdout.startswith(",".join(TARGET_COLUMNS))
    assert "use -o FILE" in done.stderr


def test_cli_explains_the_numbers_it_did_not_take():
    done = run_cli("extract", SEED_004, "--plan-id", "sz-ip-14fyp", "--explain")
    assert done.returncode == 0
    assert "16万件" in done.stderr and "a historical fact" in done.stderr


def test_cli_explains_an_unreadable_document(tmp_path):
    done = run_cli("extract", str(encrypted_pdf(tmp_path / "locked.pdf")))
    assert done.returncode == 2
    assert "locked.pdf" in done.stderr and "encrypted" in done.stderr and "What to do" in done.stderr
    assert "Traceback" not in done.stderr


def test_review_mart_agrees_with_the_benchmark_comparison(built):
    catalogue = Catalogue.from_sources(REPO_SOURCES)
    expected = {}
    for path in sorted((REPO_SOURCES / "documents").iterdir()):
        result = extract(read_document(path), catalogue, path.stem)
        pairs = [(path.stem, result.targets), (result.past_plan_id, result.past_plan_targets)]
        for plan_id, frame in pairs:
            curated_path = REPO_SOURCES / "plans" / f"{plan_id}.csv"
            if not curated_path.exists():
                continue
            comparison = compare(frame, read_plan_table(curated_path), catalogue)
            for status, rows in [
                ("matched", comparison.matched),
                ("extracted_only", comparison.extracted_only),
                ("curated_only", comparison.curated_only),
            ]:
                if rows:
                    expected[(plan_id, status)] = len(rows)
    counted = built.query("select plan_id, review_status, count(*) from mart_extraction_review group by all")
    assert {(p, s): n for p, s, n in counted} == expected
    assert built.query("select status, count(*) from dim_document group by all") == [("read", 5)]


def test_unreadable_documents_are_recorded_and_the_run_goes_on(workspace, capsys):
    documents = workspace.sources / "documents"
    (documents / "gd-ip-services-2014.txt").unlink()
    scanned_pdf(documents / "gd-ip-services-2014.pdf")
    (documents / "no-such-plan.txt").write_text("到2026年，专利代理机构达到300家。", encoding="utf-8")
    outside = workspace.sources.parent / "outside.txt"
    outside.write_text("到2026年，专利代理机构达到300家。", encoding="utf-8")
    (documents / "sz-ip-ops-2015.txt").unlink()
    (documents / "sz-ip-ops-2015.txt").symlink_to(outside)

    result = workspace.build()
    assert result.success  # published despite the three documents
    check = next(
        e.event_specific_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and e.event_specific_data.check_name == "documents_readable"
    )
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    rows = {
        r[0]: r[1:]
        for r in workspace.query(
            "select source_file, status, error_cause, what_to_do from dim_document order by source_file"
        )
    }
    assert rows["sources/documents/gd-ip-services-2014.pdf"][:2] == (
        "unreadable",
        rows["sources/documents/gd-ip-services-2014.pdf"][1],
    )
    assert "no text layer" in rows["sources/documents/gd-ip-services-2014.pdf"][1]
    assert "no plan 'no-such-plan'" in rows["sources/documents/no-such-plan.txt"][1]
    assert "outside" in rows["sources/documents/sz-ip-ops-2015.txt"][1]
    assert rows["sources/documents/sz-ip-14fyp.txt"][0] == "read"
    reviewed = {r[0] for r in workspace.query("select distinct plan_id from mart_extraction_review")}
    assert reviewed == {"sz-ip-14fyp", "sz-ip-13fyp", "sz-ip-services-2024", "zz-ip-services-2023"}
    # the curated plan tables are still what the marts assess
    assert workspace.query("select count(*) from mart_target_attainment") == [(63,)]

    from pipelines.run import _print_documents

    _print_documents(workspace.published)
    printed = capsys.readouterr().out
    assert "3 plan document(s) could not be read" in printed
    assert "sources/documents/gd-ip-services-2014.pdf: the PDF has no text layer" in printed
    assert "What to do: Run OCR" in printed


@pytest.mark.parametrize("name", ["sz-ip-14fyp.pdf"])
def test_two_documents_for_one_plan_are_both_refused(workspace, name):
    from pipelines.defs.ingest.documents import load_documents

    scanned_pdf(workspace.sources / "documents" / name)
    tables = load_documents(workspace.sources, Catalogue.from_sources(workspace.sources))
    refused = tables.documents.filter(pl.col("plan_id") == "sz-ip-14fyp")
    assert refused["status"].to_list() == ["unreadable", "unreadable"]
    assert all("several documents" in c for c in refused["error_cause"])
