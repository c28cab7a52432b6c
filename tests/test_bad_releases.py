"""Every file of the bad-release corpus is rejected with an error naming file, location and rule."""

from __future__ import annotations

import pytest

from pipelines.defs.ingest.reference import load_reference
from pipelines.defs.ingest.releases import load_catalogue, load_release
from pipelines.lib.errors import SourceError
from tests.bad_release_corpus import CORPUS, BadRelease


@pytest.mark.parametrize("bad", CORPUS, ids=lambda b: b.defect)
def test_bad_release_is_rejected_precisely(workspace, bad: BadRelease):
    folder = workspace.sources / "releases" / "packages" / "synthetic-bad-release"
    folder.mkdir(parents=True)
    bad.write(folder)
    with pytest.raises(SourceError) as raised:
        load_release(
            workspace.sources,
            load_reference(workspace.sources),
            load_catalogue(workspace.sources),
            folder.name,
        )
    expected_file = f"sources/releases/packages/synthetic-bad-release/{bad.file}"
    matching = [
        i
        for i in raised.value.issues
        if i.file == expected_file and i.line == bad.line and i.column == bad.column and bad.rule in i.rule
    ]
    assert matching, f"expected {expected_file}:{bad.line} [{bad.column}] '{bad.rule}', got:\n{raised.value}"
