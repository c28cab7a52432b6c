"""One build at a time: `make run` holds an exclusive lock on warehouse/build/run.lock.

DuckDB allows one writer, so a second `make run` started while one is building waits for it
(saying so, with the first one's process id and log), instead of failing on DuckDB's file lock
or sharing its log.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def build_lock(lock_path: Path, log_path: Path, say=print) -> Iterator[None]:
    """Hold the build lock for the duration; wait (and say so) while another build holds it."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            say(f"  another build is running ({holder}); waiting for it to finish …", flush=True)
            started = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            say(
                f"  the other build finished after {time.monotonic() - started:.0f} s; building now",
                flush=True,
            )
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}, log {log_path}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
