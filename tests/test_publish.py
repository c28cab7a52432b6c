"""One publish: the database and its Parquet, docs and report switch together (issue 9, class 7)."""

from __future__ import annotations

import os

import duckdb
import pytest

from pipelines import config
from pipelines.lib import warehouse

LINKS = ("planwatch.duckdb", "parquet", "docs", "report")


class Killed(BaseException):
    """Stands for the process being killed half way (pytest keeps KeyboardInterrupt for itself)."""


def publication_of(root) -> set:
    """The export folder each published path resolves to (one folder when consistent)."""
    return {(root / name).resolve().parent for name in LINKS}


def test_a_publish_that_dies_half_way_leaves_one_consistent_publication(built_copy, monkeypatch):
    workspace = built_copy  # one publication of the shipped sources
    root = workspace.warehouse
    (before,) = publication_of(root)
    assert all((root / name).is_symlink() for name in LINKS)
    reader = duckdb.connect(str(workspace.published), read_only=True)

    def killed(*args, **kwargs):
        raise Killed("killed while copying the docs")

    monkeypatch.setattr(warehouse.shutil, "copytree", killed)
    with pytest.raises(Killed):
        warehouse.publish(config.build_db_path(), config.build_exports_dir(), root)
    monkeypatch.undo()
    # the database was staged, the exports were not: readers still see the old publication whole
    assert publication_of(root) == {before}
    assert reader.execute("select count(*) from fct_target").fetchone()[0] == 63
    assert list(root.glob("exports/.*.partial"))  # what the killed run left
    (root / "planwatch.duckdb.wal").write_bytes(b"stray")
    reader.close()

    after = warehouse.publish(config.build_db_path(), config.build_exports_dir(), root)
    assert publication_of(root) == {after} and after != before
    assert not list(root.glob("exports/.*.partial")) and not (root / "planwatch.duckdb.wal").exists()
    assert workspace.query("select count(*) from fct_target") == [(63,)]
    assert os.readlink(root / "current") == str(after.relative_to(root))
