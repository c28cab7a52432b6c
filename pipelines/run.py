"""`make run`: build the warehouse from sources/ by a real Dagster run of every asset.

Prints progress asset by asset as the run goes and ends with a summary: what was built,
row counts, where the warehouse is and a query to try. Exit status 1 if the run failed; the
previously published warehouse is then left as it was. When nothing changed since the last good
build (pipelines/lib/last_build.py), it says so and builds nothing; --rebuild builds anyway.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
import uuid
from datetime import date
from typing import TYPE_CHECKING

from pipelines import config
from pipelines.lib import last_build
from pipelines.lib.run_lock import build_lock

if TYPE_CHECKING:  # Dagster is imported only when there is something to build (~2 s)
    import dagster as dg

TERMINAL = sys.stdout
KEPT_LOGS = 20  # per-run logs kept in warehouse/build/logs/
QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
PASSED_TESTS_EVERY = 2.0  # seconds of silence before a line counts the data tests passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.run", description=__doc__)
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="assess every target as known on this date, into warehouse/as-of/<date>/ (the current "
        "warehouse is left as it is)",
    )
    parser.add_argument(
        "--engine",
        choices=config.ENGINES,
        help="the engine dbt builds the models on (default: env PLANWATCH_ENGINE, else duckdb); spark "
        "runs a local Spark session and needs Java 17",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="build even when nothing changed since the last build (make run REBUILD=1)",
    )
    args = parser.parse_args(argv)
    if args.engine:
        os.environ["PLANWATCH_ENGINE"] = args.engine
    try:
        engine = config.engine()
    except ValueError as error:
        parser.error(str(error))
    if engine == "spark":  # before the build starts, not after ingest
        from pipelines.lib.spark import SparkSetupError, require_java

        try:
            require_java()
        except SparkSetupError as error:
            print(f"planwatch: cannot build on Spark here.\n{error}", file=sys.stderr)
            return 1
    # one build at a time across the current and every as-of warehouse (they share dbt's target/)
    lock = config.build_db_path().parent / "run.lock"
    if args.as_of:
        os.environ["PLANWATCH_WAREHOUSE_DIR"] = str(config.warehouse_dir() / "as-of" / args.as_of.isoformat())
        os.environ["PLANWATCH_AS_OF"] = args.as_of.isoformat()
    config.export_paths()
    run_id = str(uuid.uuid4())  # as Dagster makes its run ids
    logs = config.build_db_path().parent / "logs"
    log_path = logs / f"{time.strftime('%Y%m%d-%H%M%S')}-{run_id[:8]}.log"  # one log a run
    as_of = f", as known on {args.as_of}" if args.as_of else ""
    print(f"planwatch: building from {config.sources_dir()}{as_of}, models on {engine}", flush=True)
    with build_lock(lock, log_path):
        started = time.monotonic()
        inputs, current = last_build.up_to_date()
        if current and not args.rebuild:
            _print_up_to_date(current, time.monotonic() - started)
            return 0
        return _build(run_id, log_path, inputs.digest, started)


def _print_up_to_date(previous: last_build.LastBuild, elapsed: float) -> None:
    print(
        f"  nothing to build: the sources, the seed documents, the dbt project, the code and the settings "
        f"are those of the last build (run {previous.run_id}, finished {previous.finished_at}), and what it "
        "published is still the current warehouse.",
        flush=True,
    )
    _print_summary(f"Up to date (checked in {elapsed:.2f} s); make run REBUILD=1 builds anyway.")


def _build(run_id: str, log_path, inputs_digest: str, started: float) -> int:
    import dagster as dg

    from pipelines.defs.transform.dbt_ahead import dbt_executable, start_dbt_ahead

    start_dbt_ahead(dbt_executable(), config.DBT_PROJECT_DIR)  # dbt imports while the definitions load
    print("  loading the Dagster definitions (the dbt project is re-parsed only if it changed) …", flush=True)
    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get() if _has_dagster_home() else dg.DagsterInstance.ephemeral()
    from pipelines.defs.ingest.partitions import all_partitions_tags, register_releases

    keys = register_releases(instance, config.sources_dir())
    print(f"  {len(keys)} release partitions", flush=True)
    done = threading.Event()
    printer = threading.Thread(target=_print_progress, args=(instance, run_id, done, started), daemon=True)
    printer.start()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for old in sorted(log_path.parent.glob("*.log"))[:-KEPT_LOGS]:
        old.unlink()
    latest = log_path.parent.parent / "last_run.log"  # a link to the newest run's log
    with contextlib.suppress(FileNotFoundError):
        latest.unlink()
    latest.symlink_to(log_path)
    # dagster-dbt echoes every dbt log line to stdout; keep them in a file, show progress here.
    with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=instance,
            run_id=run_id,
            raise_on_error=False,
            run_config=QUIET_LOGGERS,
            tags={**all_partitions_tags(keys), last_build.INPUTS_TAG: inputs_digest},  # recorded at publish
        )
    done.set()
    printer.join()
    elapsed = time.monotonic() - started
    if not result.success:
        _print_failure(result)
        print(
            f"\nRun {run_id} FAILED after {elapsed:.1f} s. The published warehouse was not changed:"
            f"\n  {config.published_db_path()}\nFull log: {log_path}",
            flush=True,
        )
        return 1
    _print_summary(f"Built and published in {elapsed:.1f} s (run {run_id}).")
    return 0


def _has_dagster_home() -> bool:
    return bool(os.environ.get("DAGSTER_HOME"))


def _print_progress(instance: dg.DagsterInstance, run_id: str, done: threading.Event, started: float) -> None:
    """Print each step, each table built, each failed check and each progress message of the run.
    Passing data tests and checks are counted on one line after a few silent seconds (dbt tests
    after its last model), before a progress message and at the end."""
    import dagster as dg

    cursor = None
    shown: set[str] = set()
    passed = reported = 0
    last_printed = started

    def show(line: str) -> None:
        nonlocal last_printed
        last_printed = time.monotonic()
        print(f"  [{last_printed - started:6.1f}s] {line}", file=TERMINAL, flush=True)

    def show_passed() -> None:
        nonlocal reported
        if passed > reported:
            show(f"data tests and checks: {passed} passed")
            reported = passed

    while True:
        finished = done.is_set()
        connection = instance.get_records_for_run(run_id, cursor=cursor)
        cursor = connection.cursor
        for record in connection.records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None:
                if entry.user_message.startswith(config.PROGRESS_PREFIX):
                    show_passed()  # those before this next phase (the dbt docs)
                    show(entry.user_message.removeprefix(config.PROGRESS_PREFIX))
                continue
            is_check = event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
            if is_check and event.event_specific_data.passed:
                passed += 1
                continue
            line = _describe(event)
            if line in shown:  # a partitioned asset reports once per partition
                continue
            shown.add(line)
            if line:
                show(line)
        if finished or time.monotonic() - last_printed >= PASSED_TESTS_EVERY:
            show_passed()
        if finished:
            return
        time.sleep(0.3)


def _describe(event: dg.DagsterEvent) -> str | None:
    import dagster as dg

    shown_events = {
        dg.DagsterEventType.STEP_START,
        dg.DagsterEventType.ASSET_MATERIALIZATION,
        dg.DagsterEventType.ASSET_CHECK_EVALUATION,
        dg.DagsterEventType.STEP_FAILURE,
    }
    if event.event_type not in shown_events:
        return None
    if event.event_type == dg.DagsterEventType.STEP_START:
        return f"step {event.step_key} started"
    if event.event_type == dg.DagsterEventType.STEP_FAILURE:
        return f"step {event.step_key} FAILED"
    if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
        evaluation = event.event_specific_data
        return f"check FAILED: {evaluation.asset_key.to_user_string()} {evaluation.check_name}"
    materialization = event.event_specific_data.materialization
    meta = materialization.metadata
    if "releases" in meta:  # a run over release partitions
        unchanged = meta["releases_unchanged"].value
        count = f" ({meta['releases'].value} releases, {meta['figures_taken'].value} figures"
        count += f"; {unchanged} unchanged, kept as they were)" if unchanged else ")"
    else:
        count = f" ({meta['dagster/row_count'].value} rows)" if "dagster/row_count" in meta else ""
    return f"built {materialization.asset_key.to_user_string()}{count}"


# Causes a user can act on, recognised in an error's message: what to do about each.
REMEDIES = [
    (
        "Could not set lock on file",
        "Another process holds the build database open: a run under `make dev`, or a client that "
        "opened warehouse/build/ (clients must open warehouse/planwatch.duckdb, read-only). Let it "
        "finish or close it, then run again.",
    ),
    ("No space left on device", "The disk is full: free space under warehouse/, then run again."),
    (
        "dbt",
        "A dbt model or test failed: the log above names it (its SQL is under dbt/planwatch/models/).",
    ),
]


def _print_failure(result: dg.ExecuteInProcessResult) -> None:
    """Each failed step with its cause (not only Dagster's wrapper) and what to do about it."""
    import dagster as dg

    for event in result.all_events:
        if event.event_type != dg.DagsterEventType.STEP_FAILURE:
            continue
        error = event.event_specific_data.error
        chain = []
        while error is not None:
            chain.append(error)
            error = error.cause
        messages = [e.message.strip() for e in chain if e.message and "DagsterExecutionStep" not in e.message]
        cause = "\n".join(dict.fromkeys(messages)) or (chain[0].message if chain else "")
        print(f"\n{event.step_key} failed:\n{cause}", file=sys.stderr, flush=True)
        remedy = next((r for key, r in REMEDIES if key in cause), None)
        if remedy:
            print(f"What to do: {remedy}", file=sys.stderr, flush=True)


def _print_summary(headline: str) -> None:
    from pipelines.lib.warehouse import table_row_counts

    published = config.published_db_path()
    counts = table_row_counts(published)
    width = max(len(t) for t in counts)
    print(f"\n{headline}")
    print(f"Warehouse: {published}")
    root = config.warehouse_dir()
    print(f"Report:    {root / 'report' / 'index.html'}  (open in a browser; works offline)")
    print(f"dbt docs:  {root / 'docs' / 'index.html'}")
    print(f"Parquet:   {root / 'parquet'}/<table>.parquet")
    print("Public tables (schema main):")
    for table, n in counts.items():
        print(f"  {table:<{width}}  {n:>8,} rows")
    _print_documents(published)
    print(
        "\nTry:\n"
        f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{published}', read_only=True)"
        ".sql('select plan_id, status, status_zh, count(*) n "
        "from mart_target_attainment group by all order by 1, 2'))\""
    )


def _print_documents(published) -> None:
    """What the extractor found in each plan document, and every document it could not read."""
    from pipelines.lib.warehouse import connect_read_only

    con = connect_read_only(published)
    try:
        review = con.execute(
            "select review_status, count(*) from mart_extraction_review group by review_status order by 1"
        ).fetchall()
        unreadable = con.execute(
            "select source_file, error_cause, what_to_do from dim_document where status <> 'read' order by 1"
        ).fetchall()
    finally:
        con.close()
    if review:
        counts = ", ".join(f"{n} {status}" for status, n in review)
        print(f"Plan documents against the curated plan tables (mart_extraction_review): {counts}")
    if unreadable:
        print(f"\n{len(unreadable)} plan document(s) could not be read (the rest of the run went on):")
        for source_file, cause, what_to_do in unreadable:
            print(f"  {source_file}: {cause}.\n    What to do: {what_to_do}")


if __name__ == "__main__":
    sys.exit(main())
