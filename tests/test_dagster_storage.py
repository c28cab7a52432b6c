"""The instance dagster.yaml configures: Dagster's SQLite history with connections kept open
(pipelines/lib/dagster_storage.py) must store and read back exactly what Dagster's own does."""

import shutil

import dagster as dg
import pytest
import sqlalchemy as sa

from pipelines.config import REPO_ROOT
from pipelines.lib.dagster_storage import OPEN_RUN_FILES, PooledSqliteEventLogStorage


@dg.asset
def counted(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    context.log.info("a log line, stored as an event too")
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=counted)
def counted_has_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PLANWATCH_DAGSTER_STORAGE", str(tmp_path / "storage"))
    monkeypatch.setenv("PLANWATCH_DAGSTER_COMPUTE_LOGS", str(tmp_path / "compute_logs"))
    with dg.DagsterInstance.get() as instance:
        yield instance


def test_runs_are_stored_and_read_back_by_another_instance(instance, tmp_path):
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    runs = [dg.materialize([counted, counted_has_rows], instance=instance) for _ in range(OPEN_RUN_FILES + 3)]
    assert all(r.success for r in runs)
    # the newest run files stay open, older ones are closed
    assert len(instance.event_log_storage._engines) == OPEN_RUN_FILES + 1  # noqa: SLF001 (+ the index)

    # a second instance on the same files (as `dagster dev` or the daemon would be) sees every run
    with dg.DagsterInstance.get() as reader:
        for result in runs:
            events = reader.all_logs(result.run_id)
            types = {e.dagster_event_type for e in events if e.is_dagster_event}
            assert dg.DagsterEventType.ASSET_MATERIALIZATION in types
            assert dg.DagsterEventType.ASSET_CHECK_EVALUATION in types
            assert any("a log line" in e.user_message for e in events)
        latest = reader.get_latest_materialization_event(dg.AssetKey("counted"))
        assert latest.run_id == runs[-1].run_id
        assert latest.asset_materialization.metadata["rows"].value == 3
        records = reader.get_asset_records([dg.AssetKey("counted")])
        assert records[0].asset_entry.last_materialization_record.run_id == runs[-1].run_id

    # the check's executions table (written only when the storage finds that table)
    check_key = dg.AssetCheckKey(dg.AssetKey("counted"), "counted_has_rows")
    with dg.DagsterInstance.get() as reader:
        history = reader.event_log_storage.get_asset_check_execution_history(check_key, limit=100)
    assert [h.run_id for h in history] == [r.run_id for r in reversed(runs)]
    assert {h.status.value for h in history} == {"SUCCEEDED"}

    # an early run whose file was closed is read again from its file
    first = instance.all_logs(runs[0].run_id)
    assert any(e.is_dagster_event and e.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS for e in first)


def test_wipe_then_run_again(instance):
    before = dg.materialize([counted], instance=instance)
    instance.wipe()
    assert instance.all_logs(before.run_id) == []
    assert instance.get_latest_materialization_event(dg.AssetKey("counted")) is None
    after = dg.materialize([counted], instance=instance)
    assert after.success
    assert instance.get_latest_materialization_event(dg.AssetKey("counted")).run_id == after.run_id


def test_a_table_found_is_remembered_one_not_found_is_asked_again(instance):
    storage = instance.event_log_storage
    assert dg.materialize([counted, counted_has_rows], instance=instance).success
    assert {"asset_check_executions", "asset_event_tags"} <= storage._tables_found  # noqa: SLF001
    assert storage._asset_key_index_cols_found  # noqa: SLF001

    assert not storage.has_table("added_by_a_later_migration")
    with storage.index_connection() as conn:  # a migration adds it while this process runs
        conn.execute(sa.text("create table added_by_a_later_migration (id integer)"))
    assert storage.has_table("added_by_a_later_migration")
