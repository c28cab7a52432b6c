"""Dagster's SQLite run history, with its database connections kept open between events.

Dagster's own SQLite event log opens a new SQLAlchemy engine, and with it a new SQLite connection,
for every statement group: two or three per event. A `make run` of the shipped data stores about
900 events (one per model, test, release partition and step), and those connections cost about
4 s of a 25 s run on this 2-core machine. This storage keeps one engine per database file instead:
the index file, and the newest few run files (each run has its own file; older ones are closed so
a long-lived daemon or UI does not hold every run's file open).

Everything else (the files, their layout under `base_dir`, the schema, what is stored) is
Dagster's `DagsterSqliteStorage`, so `dagster dev` and the daemon read the same history. It is
selected in dagster.yaml (`storage: custom:`).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._serdes import ConfigurableClassData

# Run files kept open besides the index: the run being written, and the UI or the progress
# printer reading a recent one.
OPEN_RUN_FILES = 4


def _commit_without_fsync(dbapi_connection, _record) -> None:
    """A commit goes to Dagster's write-ahead log without waiting for the disk (~0.5 s of a warm
    `make run`'s ~950 events, measured; py-spy put ~1.6 s in the commits). Dagster creates these
    files in WAL mode, where SQLite's synchronous=NORMAL cannot corrupt them: a power cut can
    lose the last events, not the file."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage that reuses one engine (and its pooled connection) per database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._tables_found: set[str] = set()
        self._asset_key_index_cols_found = False

    # Dagster asks the index file's schema while storing each event: whether the asset check
    # table exists (every check event) and the asset event tags table (every materialization),
    # each time through a new engine and connection, and which columns the asset key table has.
    # A table or column Dagster's migrations added stays, so what is found once is remembered;
    # what is not found is asked again (a migration may add it). py-spy put ~1 s of a warm
    # `make run`'s ~950 events in these questions.
    def has_table(self, table_name: str) -> bool:
        if table_name not in self._tables_found and super().has_table(table_name):
            self._tables_found.add(table_name)
        return table_name in self._tables_found

    def _has_asset_key_index_cols_on_connection(self, conn: sa.Connection) -> bool:
        if not self._asset_key_index_cols_found:
            self._asset_key_index_cols_found = super()._has_asset_key_index_cols_on_connection(conn)
        return self._asset_key_index_cols_found

    def _engine(self, shard: str) -> sa.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = sa.create_engine(
            self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        sa.event.listen(engine, "connect", _commit_without_fsync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for old in runs[: max(0, len(runs) - OPEN_RUN_FILES)]:
            self._engines.pop(old).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        # The same lock and transaction as Dagster's own _connect; only the engine outlives it.
        with self._db_lock:
            engine = self._engine(shard)
            if not os.path.exists(self.path_for_shard(shard)):
                # the file was removed under us (wipe, delete): start it again like a new shard
                self._engines.pop(shard).dispose()
                self._initialized_dbs.discard(shard)
                engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_engines()  # before the run files are removed
        super().wipe()

    def dispose(self) -> None:
        """Close every kept connection (Dagster calls this when its instance is disposed)."""
        self._close_engines()
        super().dispose()


class PlanwatchSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage with the pooled event log above; same `base_dir` layout."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(self._event_log_storage._base_dir)  # noqa: SLF001

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: dict) -> DagsterSqliteStorage:
        # Dagster's own names DagsterSqliteStorage here, not cls
        return cls.from_local(inst_data=inst_data, **config_value)
