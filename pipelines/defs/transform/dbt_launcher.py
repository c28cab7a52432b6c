"""`planwatch-dbt`: dbt's own command line, without formatting log lines that no log will keep.

dbt formats every event it fires for each of its two logs (the console in JSON, which dagster-dbt
reads, and the file dbt.log as text), scrubbing secrets from it, before Python's logging drops
the line for being below the log's level. Most of dbt's events are debug events (every SQL
statement, every connection opened or closed), and both logs are at the info level: a standalone
`dbt build` of the shipped project took 20.2-21.1 s with dbt's entry point and 17.0-18.5 s with
this one (three each, alternating), with the same events on the console and the same dbt.log.

The one change: a log line is not formatted when the logger it is for would drop it, by the very
test the logging module applies next (`isEnabledFor` of the level dbt sends it at; dbt sends a
print event at the error level, so that one is always written). Everything else is dbt's
`dbt.cli.main:cli`. It relies on private names of dbt-common (`_Logger`, `_log_level_map`,
`_is_print_event`); where they are missing (a dbt-common that changed them), dbt runs unchanged,
only not sped up, and tests/test_dbt_launcher.py fails to say so.

`planwatch-dbt --wait-for-command` is dbt started ahead of its command (dbt_cli.py starts it while
the run does other work): it imports dbt (~3.2 s of every dbt command on 2 cores), then reads one
command from stdin, a JSON object {"args", "env", "cwd"}, and runs it as `planwatch-dbt <args>`
would, in that directory and environment. An empty stdin (the run ended without it) ends it.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from typing import Any

WAIT_FOR_COMMAND = "--wait-for-command"
# What dbt imports only once a command runs (measured: the modules `dbt build` and `dbt docs
# generate` add after `dbt.cli.main`), imported ahead too where this environment has them.
IMPORTED_BY_COMMANDS = (
    "dbt.adapters.duckdb",
    "dbt.adapters.duckdb.impl",
    "dbt.task.build",
    "dbt.task.docs.generate",
    "dbt.compilation",
)


def skip_lines_no_log_keeps() -> bool:
    """Make dbt-common's loggers skip lines below their level before formatting them.

    Returns whether the change is in place (False: this dbt-common lacks what it relies on)."""
    from dbt_common.events import logger as dbt_logger

    logger_class = getattr(dbt_logger, "_Logger", None)
    python_levels = getattr(dbt_logger, "_log_level_map", None)
    is_print_event = getattr(dbt_logger, "_is_print_event", None)
    write_line = getattr(logger_class, "write_line", None)
    if None in (logger_class, python_levels, is_print_event, write_line):
        return False
    if getattr(write_line, "skips_lines_no_log_keeps", False):
        return True

    def write_kept_line(self: Any, msg: Any) -> None:
        python_logger = getattr(self, "_python_logger", None)
        if python_logger is not None and not is_print_event(msg):
            level = python_levels.get(msg.info.level)  # keyed by EventLevel, a str enum
            if level is not None and not python_logger.isEnabledFor(level):
                return
        write_line(self, msg)

    write_kept_line.skips_lines_no_log_keeps = True  # type: ignore[attr-defined]
    logger_class.write_line = write_kept_line
    return True


def wait_for_command() -> None:
    """Import dbt, then run the one command that arrives on stdin (see the module's docstring)."""
    skip_lines_no_log_keeps()
    from dbt.cli.main import cli

    for module in IMPORTED_BY_COMMANDS:
        with contextlib.suppress(ImportError):  # another adapter, or a dbt that moved it
            importlib.import_module(module)
    line = sys.stdin.readline()
    if not line.strip():
        sys.exit(0)
    command = json.loads(line)
    os.chdir(command["cwd"])
    os.environ.clear()
    os.environ.update(command["env"])
    sys.argv = [sys.argv[0], *command["args"]]
    sys.exit(cli())


def main() -> None:
    if sys.argv[1:] == [WAIT_FOR_COMMAND]:
        wait_for_command()
    skip_lines_no_log_keeps()
    from dbt.cli.main import cli

    sys.exit(cli())


if __name__ == "__main__":
    main()
