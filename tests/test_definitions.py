"""The Dagster definitions load with exactly the expected assets, checks, job, schedule and sensor.

A snapshot of asset keys: renaming a table is a breaking change for BI users, so it must
fail here loudly and be done on purpose.
"""

import hashlib
import subprocess
import threading
import time
from pathlib import Path

import dagster as dg
import msgpack
from dagster_dbt import DbtProject

from pipelines.definitions import defs
from pipelines.defs.transform.project import manifest_is_stale, parsed_in_file, prepare_dbt_project
from tests.conftest import copy_dbt_project

EXPECTED_ASSET_KEYS = {
    *(
        f"raw/{t}"
        for t in [
            "regions",
            "units",
            "indicators",
            "indicator_aliases",
            "plans",
            "targets",
            "monitored_indicators",
            "releases",
            "package_releases",
            "observations",
            "documents",
            "extracted_targets",
            "extracted_figures",
        ]
    ),
    *(
        f"staging/{m}"
        for m in [
            "stg_reference__regions",
            "stg_reference__units",
            "stg_reference__indicators",
            "stg_reference__indicator_aliases",
            "stg_reference__plans",
            "stg_plans__targets",
            "stg_plans__monitored_indicators",
            "stg_releases__releases",
            "stg_releases__observations",
            "stg_documents__documents",
            "stg_documents__extracted_targets",
        ]
    ),
    "intermediate/int_targets_converted",
    "intermediate/int_observations_converted",
    "intermediate/int_extracted_targets_converted",
    *(
        f"intermediate/{m}"
        for m in [
            "int_observations_dated",
            "int_target_values_gathered",
            "int_target_as_of_dates",
            "int_targets_to_assess",
            "int_target_dates_to_assess",
            "int_target_series_as_of",
            "int_target_inputs_resolved",
            "int_targets_assessed",
            "int_attainment_built_targets",
            "int_attainment_built_values",
        ]
    ),
    "main/attainment_statuses",
    *(
        f"main/{m}"
        for m in [
            "mart_target_attainment",
            "mart_attainment_history",
            "mart_plan_scorecard",
            "mart_monitored_indicator_trend",
            "mart_extraction_review",
        ]
    ),
    *(
        f"main/{m}"
        for m in [
            "dim_region",
            "dim_indicator",
            "dim_indicator_alias",
            "dim_plan",
            "dim_release",
            "dim_year",
            "fct_target",
            "fct_observation",
            "fct_plan_monitored_indicator",
            "dim_document",
        ]
    ),
    "warehouse/report",
    "warehouse/planwatch",
}


def asset_graph():
    return defs.resolve_asset_graph()


def test_asset_keys_match_snapshot():
    keys = {k.to_user_string() for k in asset_graph().get_all_asset_keys()}
    assert keys == EXPECTED_ASSET_KEYS


def test_lineage_runs_from_ingest_to_publish():
    graph = asset_graph()
    # dbt sources are the ingest assets themselves: staging depends on raw/* directly
    assert (
        dg.AssetKey(["raw", "targets"])
        in graph.get(dg.AssetKey(["staging", "stg_plans__targets"])).parent_keys
    )
    assert (
        dg.AssetKey(["main", "fct_observation"])
        in graph.get(dg.AssetKey(["warehouse", "planwatch"])).parent_keys
    )
    # plans and releases are validated against the reference tables
    assert dg.AssetKey(["raw", "regions"]) in graph.get(dg.AssetKey(["raw", "targets"])).parent_keys


def test_validation_and_dbt_tests_are_asset_checks():
    check_keys = {(c.asset_key.to_user_string(), c.name) for c in asset_graph().asset_check_keys}
    assert ("raw/observations", "source_rules_hold") in check_keys
    assert ("main/fct_target", "unique_fct_target_target_id") in check_keys
    assert len(check_keys) >= 100


def test_releases_are_dynamic_partitions():
    graph = asset_graph()
    observations = graph.get(dg.AssetKey(["raw", "observations"]))
    assert isinstance(observations.partitions_def, dg.DynamicPartitionsDefinition)
    assert observations.partitions_def.name == "releases"
    assert graph.get(dg.AssetKey(["main", "fct_observation"])).partitions_def is None


def test_ingest_release_job_takes_one_release_and_what_depends_on_it():
    keys = {
        k.to_user_string() for k in defs.resolve_job_def("ingest_release").asset_layer.executable_asset_keys
    }
    assert {"raw/releases", "raw/observations", "main/fct_observation", "warehouse/planwatch"} <= keys
    assert not keys & {"raw/regions", "raw/targets"}  # reference data and plans are not re-read


def test_on_spark_a_release_rebuilds_every_dbt_model():
    """Spark's catalog is empty at each dbt run, so the release job there selects every model."""
    from pipelines.defs.automation.jobs import release_selection
    from pipelines.defs.transform.assets import planwatch_dbt_models

    graph = asset_graph()
    models = set(planwatch_dbt_models.keys)
    on_duckdb = release_selection("duckdb").resolve(graph)
    on_spark = release_selection("spark").resolve(graph)
    assert dg.AssetKey(["main", "dim_region"]) not in on_duckdb  # reference data: not touched
    assert models <= on_spark and on_duckdb <= on_spark
    assert dg.AssetKey(["raw", "regions"]) not in on_spark  # still no re-reading of the sources


def test_job_schedule_and_sensor():
    job = defs.resolve_job_def("build_warehouse")
    assert job.executor_def.name == "in_process"
    assert defs.resolve_schedule_def("daily_build").cron_schedule == "0 6 * * *"
    sensor = defs.resolve_sensor_def("sources_changed_sensor")
    assert {j.name for j in sensor.jobs} == {"build_warehouse", "ingest_release"}


def test_the_saved_dbt_parse_is_reused_whole_and_made_again_when_the_project_moves(tmp_path, monkeypatch):
    """The saved parse a dbt run starts from re-parses no unchanged file: dagster-dbt's own
    preparer marks every seed changed in it (~1 s more in every run). A project moved elsewhere
    is parsed again, since its seeds hold their absolute path. The parse is one command, through
    planwatch-dbt: dagster-dbt's own preparer first runs `dbt --version` (~4 s). Parsed in a copy
    of the project, so that the repository's own parse, which other tests and runs read, is left alone."""
    commands = []

    class RecordingPopen(subprocess.Popen):  # the real Popen: every command it starts, recorded
        def __init__(self, args, *more, **options):  # noqa: ANN001, ANN002, ANN003
            commands.append([str(arg) for arg in args])
            super().__init__(args, *more, **options)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    copy = copy_dbt_project(tmp_path / "planwatch")
    project = DbtProject(project_dir=copy, profiles_dir=copy)
    assert manifest_is_stale(project)  # never parsed
    prepare_dbt_project(project)
    assert [(Path(command[0]).name, command[1:3]) for command in commands] == [
        ("planwatch-dbt", ["parse", "--quiet"])
    ]
    saved_parse = copy / project.target_path / "partial_parse.msgpack"
    files = msgpack.unpackb(saved_parse.read_bytes(), strict_map_key=False)["files"]
    seeds = {file_id: entry for file_id, entry in files.items() if entry["parse_file_type"] == "seed"}
    assert seeds
    for file_id, entry in seeds.items():
        seed = copy / entry["path"]["searched_path"] / entry["path"]["relative_path"]
        # dbt's checksum of a seed: sha256 of its stripped UTF-8 text
        expected = hashlib.sha256(seed.read_text(encoding="utf-8").strip().encode("utf-8")).hexdigest()
        assert entry["checksum"]["checksum"] == expected, file_id
    assert not manifest_is_stale(project)
    parsed_in_file(project).write_text("/elsewhere/dbt/planwatch", encoding="utf-8")
    assert manifest_is_stale(project)


def test_processes_loading_a_stale_project_at_once_parse_it_once(tmp_path, monkeypatch):
    """The definitions parse a stale project when they load; workers or `dagster dev`'s processes
    loading together wait for the first one's parse (a lock) instead of writing target/ at once."""
    from pipelines.defs.transform import project as project_module

    copy = copy_dbt_project(tmp_path / "planwatch")
    project = DbtProject(project_dir=copy, profiles_dir=copy)
    parses, inside, overlapped = [], threading.Event(), []

    def slow_parse(parsed: DbtProject) -> None:  # stands in for dbt parse: what it leaves behind
        overlapped.append(inside.is_set())
        inside.set()
        time.sleep(0.5)
        Path(parsed.manifest_path).parent.mkdir(parents=True, exist_ok=True)
        Path(parsed.manifest_path).write_text("{}", encoding="utf-8")
        parsed_in_file(parsed).write_text(str(parsed.project_dir), encoding="utf-8")
        parses.append(parsed.project_dir)
        inside.clear()

    monkeypatch.setattr(project_module, "prepare_dbt_project", slow_parse)
    loaders = [threading.Thread(target=project_module.prepare_if_stale, args=(project,)) for _ in range(3)]
    for loader in loaders:
        loader.start()
    for loader in loaders:
        loader.join()
    assert parses == [copy] and overlapped == [False]
    assert not manifest_is_stale(project)
