"""The release step's writes (take_releases, write_release): a release the build file already holds exactly is
left as it is, a changed one is replaced, a new one is added and a gone one removed; the raw
tables end as a first build of the same sources gives them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.defs.ingest.reference import load_reference
from pipelines.defs.ingest.releases import (
    DIGEST_UNKNOWN,
    ensure_release_tables,
    load_catalogue,
    read_compiled_figures,
    release_ids,
    take_releases,
)
from pipelines.lib import warehouse
from tests.release_packages import SHAPES
from tests.sourcefiles import set_cell


def take(sources: Path, build: Path, ids: list[str] | None = None) -> dict[str, bool]:
    """Take releases (all by default) into `build` as the release step does; whether each was
    written."""
    ensure_release_tables(build)
    reference, catalogue = load_reference(sources), load_catalogue(sources)
    con = warehouse.connect_build(build)
    try:
        ids = ids if ids is not None else release_ids(sources)
        taken = take_releases(con, sources, reference, catalogue, ids, read_compiled_figures(sources))
        return {release_id: written for release_id, _, written in taken}
    finally:
        con.close()


def raw_tables(build: Path) -> dict[str, pl.DataFrame]:
    """raw.observations and raw.package_releases, sorted by every column."""
    con = warehouse.connect_read_only(build)
    try:
        return {
            "observations": con.sql("select * from raw.observations order by all").pl(),
            "package_releases": con.sql("select * from raw.package_releases order by all").pl(),
        }
    finally:
        con.close()


def assert_same_tables(got: dict[str, pl.DataFrame], expected: dict[str, pl.DataFrame]) -> None:
    for name, frame in expected.items():
        assert got[name].select(frame.columns).equals(frame), name


def test_releases_taken_again_are_written_only_where_they_changed(workspace, tmp_path):
    for make in SHAPES.values():
        make(workspace.sources / "releases" / "packages")
    sources, build = workspace.sources, tmp_path / "build.duckdb"

    first = take(sources, build)
    assert first and all(first.values()), "a first build writes every release"
    after_first = raw_tables(build)
    assert after_first["observations"].height > 200
    assert after_first["package_releases"].height == len(SHAPES)

    again = take(sources, build)
    assert again.keys() == first.keys()
    assert not any(again.values()), "nothing changed, so nothing is written"
    assert_same_tables(raw_tables(build), after_first)

    set_cell(
        sources / "releases" / "figures" / "published_figures.csv",
        {"region": "Shenzhen", "indicator": "PCT国际专利申请量", "year": "2021"},
        "value",
        "12345",
    )
    changed = take(sources, build)
    written = [r for r, wrote in changed.items() if wrote]
    assert len(written) == 1, written
    assert raw_tables(build)["observations"].filter(pl.col("value") == 12345.0).height == 1
    # the file holds what a first build of the changed sources gives
    assert_same_tables(raw_tables(build), raw_tables(_first_build(sources, tmp_path / "fresh.duckdb")))


def test_a_gone_release_is_removed_and_a_changed_package_row_alone_rewrites(workspace, tmp_path):
    packages = workspace.sources / "releases" / "packages"
    folders = [make(packages) for make in SHAPES.values()]
    sources, build = workspace.sources, tmp_path / "build.duckdb"
    take(sources, build)
    gone, renamed = folders[0], folders[1]

    # a package removed from the sources: taking its partition removes its rows, once
    for path in sorted(gone.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    gone.rmdir()
    assert take(sources, build, [gone.name]) == {gone.name: True}
    assert take(sources, build, [gone.name]) == {gone.name: False}
    held = raw_tables(build)
    assert gone.name not in held["observations"]["release_id"].to_list()
    assert gone.name not in held["package_releases"]["release_id"].to_list()

    # the manifest's citation changes, the figures do not: the package row is replaced
    manifest = renamed / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('citation = "', 'citation = "new: '))
    assert take(sources, build, [renamed.name]) == {renamed.name: True}
    citation = raw_tables(build)["package_releases"].filter(pl.col("release_id") == renamed.name)["citation"]
    assert citation.to_list()[0].startswith("new: ")
    assert_same_tables(raw_tables(build), raw_tables(_first_build(sources, tmp_path / "fresh.duckdb")))


def test_rows_whose_digest_is_unknown_are_written_again(workspace, tmp_path):
    """Rows an older planwatch loaded (digest unknown) are never taken for unchanged."""
    sources, build = workspace.sources, tmp_path / "build.duckdb"
    take(sources, build)
    before = raw_tables(build)
    con = warehouse.connect_build(build)
    try:  # what ensure_release_tables fills in where an older planwatch kept no digest
        con.execute(f"update raw.observations set release_digest = {DIGEST_UNKNOWN}")
    finally:
        con.close()
    rewritten = take(sources, build)
    assert rewritten and all(rewritten.values())
    assert_same_tables(raw_tables(build), before)


def _first_build(sources: Path, build: Path) -> Path:
    take(sources, build)
    return build
