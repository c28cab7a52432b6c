"""dbt started ahead of its command, so that a run does not wait ~3.5 s for dbt to import.

A run starts one `planwatch-dbt --wait-for-command` (dbt_launcher.py) as it begins: `make run`
before it loads the definitions (pipelines/run.py), every other run as its dbt resource is set up
(dbt_cli.py). It imports dbt on the other core while the run loads and ingests; the run's next
dbt command is then handed to it (dbt_cli.waiting_dbt) instead of starting a new dbt. A command
it cannot take (another executable, another PYTHONPATH) starts a new dbt, as before; one it never
gets ends with the run or the process. Only the standard library here: `make run` imports this
before anything else, so the waiting dbt starts within the run's first second."""

import atexit
import contextlib
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from pipelines.defs.transform.dbt_launcher import WAIT_FOR_COMMAND


def dbt_executable() -> str:
    """This interpreter's `planwatch-dbt`, else its environment's `dbt`, else `dbt` from PATH."""
    scripts = Path(sys.executable).parent
    found = [path for path in (scripts / "planwatch-dbt", scripts / "dbt") if path.exists()]
    return str(found[0]) if found else "dbt"


# What Python reads only as it starts: a dbt started with other values cannot take the command.
STARTUP_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONHASHSEED", "PYTHONSAFEPATH", "PYTHONNOUSERSITE")


@dataclass(frozen=True)
class WaitingDbt:
    process: subprocess.Popen
    startup: dict[str, str | None]  # STARTUP_VARIABLES as it was started with

    def can_take(self, args: list[str], env: dict[str, str]) -> bool:
        same_start = self.startup == {name: env.get(name) for name in STARTUP_VARIABLES}
        return self.process.args[0] == args[0] and same_start and self.process.poll() is None

    def stop(self) -> None:
        """End it: it has no command yet, so it is only importing or waiting."""
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


_waiting: WaitingDbt | None = None  # at most one per process
_waiting_lock = threading.Lock()


def start_dbt_ahead(executable: str, project_dir: Path) -> None:
    """Start `planwatch-dbt --wait-for-command` (dbt_launcher.py), unless one is waiting already:
    it imports dbt now, on the other core, and waits for the command `take_waiting` gives it.
    Only planwatch-dbt can wait; for another dbt nothing is started."""
    global _waiting
    if Path(executable).name != "planwatch-dbt" or not Path(executable).exists():
        return
    with _waiting_lock:
        if _waiting is not None and _waiting.process.poll() is None:
            return
        process = subprocess.Popen(
            [executable, WAIT_FOR_COMMAND],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},  # as dagster-dbt starts dbt
            cwd=project_dir,
        )
        _waiting = WaitingDbt(process, {name: os.environ.get(name) for name in STARTUP_VARIABLES})


def take_waiting(args: list[str], env: dict[str, str]) -> subprocess.Popen | None:
    """The waiting planwatch-dbt's process, now no longer waiting, if it can run `args` in `env`
    (the same executable, started with the same STARTUP_VARIABLES); else None, and it is ended."""
    global _waiting
    with _waiting_lock:
        waiting, _waiting = _waiting, None
    if waiting is None:
        return None
    if not waiting.can_take(args, env):
        waiting.stop()
        return None
    return waiting.process


def stop_waiting_dbt() -> None:
    """End a planwatch-dbt still waiting for a command (the run or the process is ending)."""
    global _waiting
    with _waiting_lock:
        waiting, _waiting = _waiting, None
    if waiting is not None:
        waiting.stop()


atexit.register(stop_waiting_dbt)
