"""`planwatch-dbt` (pipelines/defs/transform/dbt_launcher.py): dbt's command line whose loggers
do not format a line they would drop, and write every line they keep as dbt's own do."""

import io
import logging
from pathlib import Path

import pytest
from dbt_common.events import logger as dbt_logger
from dbt_common.events.base_types import EventLevel, msg_from_base_event
from dbt_common.events.functions import env_scrubber
from dbt_common.events.logger import LineFormat, LoggerConfig
from dbt_common.events.types import Note, PrintEvent

from pipelines.definitions import defs
from pipelines.defs.transform.dbt_launcher import skip_lines_no_log_keeps


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
