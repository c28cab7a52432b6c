"""`planwatch-dbt` (pipelines/defs/transform/dbt_launcher.py): dbt's command line whose loggers
do not format a line they would drop, and write every line they keep as dbt's own do; and dbt
started ahead of its command (dbt_ahead.py), which runs it as a newly started dbt would."""

import io
import logging
import os
import subprocess
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt.core import dbt_cli_invocation
from dbt_common.events import logger as dbt_logger
from dbt_common.events.base_types import EventLevel, msg_from_base_event
from dbt_common.events.functions import env_scrubber
from dbt_common.events.logger import LineFormat, LoggerConfig
from dbt_common.events.types import Note, PrintEvent

from pipelines.definitions import defs
from pipelines.defs.transform import dbt_ahead
from pipelines.defs.transform.dbt_ahead import start_dbt_ahead
from pipelines.defs.transform.dbt_cli import dbt_resource
from pipelines.defs.transform.dbt_launcher import skip_lines_no_log_keeps
from pipelines.defs.transform.project import planwatch_dbt_project


class CountingTextLogger(dbt_logger._TextLogger):  # noqa: SLF001 (dbt-common's console and file logger)
    """dbt-common's text logger, counting the lines it formats."""

    formatted = 0

    def create_line(self, msg):  # noqa: ANN001, ANN201
        self.formatted += 1
        return super().create_line(msg)


def text_logger(level: EventLevel) -> tuple[CountingTextLogger, io.StringIO]:
    stream = io.StringIO()
    config = LoggerConfig(
        name=f"planwatch_test_{level.value}",
        level=level,
        line_format=LineFormat.PlainText,
        scrubber=env_scrubber,
        output_stream=stream,
    )
    return CountingTextLogger(config), stream


@pytest.fixture(scope="module", autouse=True)
def launcher_in_place():
    assert skip_lines_no_log_keeps(), "this dbt-common lacks what planwatch-dbt relies on"
    assert skip_lines_no_log_keeps()  # a second call does not wrap it twice
    yield
    for name in ("planwatch_test_info", "planwatch_test_debug", "planwatch_test_error"):
        logging.getLogger(name).handlers.clear()


def test_a_line_below_the_level_is_not_formatted_one_at_it_is_written():
    logger, stream = text_logger(EventLevel.INFO)
    logger.write_line(msg_from_base_event(Note(msg="a SQL statement"), level=EventLevel.DEBUG))
    assert logger.formatted == 0
    logger.write_line(msg_from_base_event(Note(msg="1 of 3 OK created view")))
    logger.write_line(msg_from_base_event(Note(msg="a warning"), level=EventLevel.WARN))
    assert logger.formatted == 2
    lines = stream.getvalue().splitlines()
    assert [line[10:] for line in lines] == ["1 of 3 OK created view", "a warning"]  # after HH:MM:SS


def test_a_debug_log_keeps_every_line():
    logger, stream = text_logger(EventLevel.DEBUG)
    for level in (EventLevel.DEBUG, EventLevel.TEST, EventLevel.INFO):
        logger.write_line(msg_from_base_event(Note(msg=f"at {level.value}"), level=level))
    assert logger.formatted == 3
    assert [line[10:] for line in stream.getvalue().splitlines()] == ["at debug", "at test", "at info"]


def test_a_print_event_is_written_at_any_level():
    logger, stream = text_logger(EventLevel.ERROR)  # dbt --quiet
    logger.write_line(msg_from_base_event(PrintEvent(msg="printed")))
    logger.write_line(msg_from_base_event(Note(msg="not printed")))
    assert stream.getvalue().splitlines() == ["printed"]


def test_the_pipeline_runs_dbt_through_the_launcher():
    assert Path(defs.resources["dbt"].dbt_executable).name == "planwatch-dbt"


def listed_models(invocation) -> list[str]:  # noqa: ANN001
    """The node names `dbt ls` printed, from its JSON log lines, once it has ended."""
    names = [
        e.raw_event["info"]["msg"]
        for e in invocation.stream_raw_events()
        if e.raw_event["info"]["name"] == "PrintEvent"
    ]
    assert invocation.process.wait() == 0
    return sorted(names)


LIST_MARTS = ["ls", "--select", "marts", "--resource-type", "model", "--output", "name"]


def test_a_dbt_started_ahead_runs_the_next_command_as_a_new_dbt_would():
    """The waiting planwatch-dbt (dbt_ahead.py) takes the next command: the process that runs it
    is the one started ahead, and what it prints is what a newly started dbt prints."""
    resource = dbt_resource(planwatch_dbt_project)
    start_dbt_ahead(resource.dbt_executable, planwatch_dbt_project.project_dir)
    waiting = dbt_ahead._waiting.process  # noqa: SLF001
    ahead = resource.cli(LIST_MARTS)
    assert ahead.process is waiting
    assert dbt_cli_invocation.subprocess is subprocess  # the hand-over is undone
    assert dbt_ahead._waiting is None  # noqa: SLF001 (taken: the next command starts a new dbt)
    listed = listed_models(ahead)
    fresh = resource.cli(LIST_MARTS)
    assert fresh.process is not waiting
    assert "fct_target" in listed and "mart_target_attainment" in listed
    assert listed == listed_models(fresh)


def test_a_dbt_started_with_another_pythonpath_is_ended_and_a_new_one_runs_the_command(monkeypatch):
    resource = dbt_resource(planwatch_dbt_project)
    start_dbt_ahead(resource.dbt_executable, planwatch_dbt_project.project_dir)
    waiting = dbt_ahead._waiting.process  # noqa: SLF001
    monkeypatch.setenv("PYTHONPATH", f"{os.environ.get('PYTHONPATH', '')}{os.pathsep}/elsewhere")
    invocation = resource.cli(LIST_MARTS)
    assert invocation.process is not waiting and "fct_target" in listed_models(invocation)
    assert waiting.returncode is not None  # ended, not left behind


def test_a_dbt_no_command_reaches_ends_with_the_run():
    """A run that never reaches dbt (ingest failed, or its selection has no dbt model) leaves no
    planwatch-dbt behind: the resource's teardown ends it, as the process's exit would."""
    resource = dbt_resource(planwatch_dbt_project)
    with dg.build_resources({"dbt": resource}):
        waiting = dbt_ahead._waiting.process  # noqa: SLF001 (started as the resource is set up)
        assert waiting.poll() is None
    assert waiting.returncode is not None and dbt_ahead._waiting is None  # noqa: SLF001
