"""Benchmark: `make run` on the shipped data, timed as a user sees it. Prints figures; asserts nothing.

The shipped sources are small, so these times are the fixed cost of a run (issue 10's goals:
warm ≤ 20 s, cold ≤ 90 s, the sensor's single-release run ≤ 10 s). Each round, in each checkout:

- edited project: a comment appended to a model, then `make run` (dbt parses the project again and
  generates the docs again); the model is restored and built once more, untimed;
- nothing changed: `make run` right after that build (the whole command; nothing is built);
- warm: `make run REBUILD=1`;
- the sensor's job: `ingest_release` for one release, run in process on the checkout's own Dagster
  instance as a run worker would run it, loading the code timed apart;
- cold (with --cold): a fresh `git clone` of the checkout's commit beside `../shared`, then the whole
  `make run` (uv's cache as it is: warm after the first install).

For `make run` it prints the whole command's time, when the first ingest step started and the
time the run itself reports ("Built and published in"). With --against REF a git worktree of REF
is measured too, alternating with this checkout round by round, so that a machine whose speed
drifts affects both alike (the worktree and the clones sit beside the checkout and are removed
after). Uncommitted changes count in this checkout's runs, but not in its cold clone.

    make benchmark-shipped [AGAINST=154755c] [ROUNDS=3] [COLD=1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EDITED_MODEL = Path("dbt/planwatch/models/marts/dim_year.sql")
# What the Makefile exports for its own checkout: a child make in another checkout must not see ours.
MAKE_EXPORTS = (
    "DAGSTER_HOME",
    "PYTHONPATH",
    "UV_PROJECT_ENVIRONMENT",
    "VIRTUAL_ENV",
    "MAKEFLAGS",
    "MAKELEVEL",
)
FIRST_STEP = re.compile(r"\[\s*([\d.]+)s\] step \S+ started")
BUILT = re.compile(r"Built and published in ([\d.]+) s")

# Run by the checkout's own interpreter: the sensor's job for one release, as a run worker runs it.
SENSOR_JOB = """
import json, sys, time
started = time.perf_counter()
import dagster as dg
from pipelines import config
config.export_paths()
from pipelines.definitions import defs
from pipelines.defs.ingest.partitions import register_releases
from pipelines.defs.ingest.releases import release_ids
loaded = time.perf_counter()
with dg.DagsterInstance.get() as instance:
    release = sys.argv[1] or release_ids(config.sources_dir())[0]
    register_releases(instance, config.sources_dir())
    began = time.perf_counter()
    result = defs.resolve_job_def("ingest_release").execute_in_process(
        instance=instance, raise_on_error=False, partition_key=release,
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    ended = time.perf_counter()
figures = {"release": release, "ok": result.success, "load": loaded - started, "job": ended - began}
print("SENSOR_JOB " + json.dumps(figures))
"""


@dataclass
class Checkout:
    name: str
    path: Path
    seconds: dict[str, list[float]] = field(default_factory=dict)

    def record(self, measure: str, seconds: float, figure: str) -> None:
        """Keep `seconds` for the summary and print the figure as measured."""
        self.seconds.setdefault(measure, []).append(seconds)
        print(f"  {self.name:<12} {measure:<16} {figure}", flush=True)

    def record_run(self, measure: str, *args: str) -> None:
        """`make run` with `args` in this checkout, recorded as `measure`."""
        seconds, output = make_run(self.path, *args)
        self.record(measure, seconds, describe_run(seconds, output))


def child_env(checkout: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in MAKE_EXPORTS and not k.startswith("PLANWATCH_")}
    env.update(
        DAGSTER_HOME=str(checkout),
        PLANWATCH_DAGSTER_STORAGE=str(checkout / ".dagster" / "storage"),
        PLANWATCH_DAGSTER_COMPUTE_LOGS=str(checkout / ".dagster" / "compute_logs"),
        PYTHONPATH=str(checkout),
    )
    return env


def make_run(checkout: Path, *args: str) -> tuple[float, str]:
    """`make run` in `checkout`: seconds for the whole command, and its output. Fails loudly."""
    started = time.perf_counter()
    done = subprocess.run(
        ["make", "run", *args], cwd=checkout, env=child_env(checkout), capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"make run failed in {checkout} (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return seconds, done.stdout


def describe_run(seconds: float, output: str) -> str:
    first, built = FIRST_STEP.search(output), BUILT.search(output)
    if built is None:
        return f"{seconds:.2f} s (whole command; nothing built)"
    return f"{seconds:.1f} s (whole command); first step at {first.group(1)} s; built in {built.group(1)} s"


def edited_run(checkout: Checkout) -> None:
    model = checkout.path / EDITED_MODEL
    original = model.read_bytes()
    try:
        model.write_bytes(original + f"\n-- benchmarks/shipped.py: an edit at {time.time_ns()}\n".encode())
        checkout.record_run("edited project")
    finally:
        model.write_bytes(original)
    make_run(checkout.path)  # the restored project, built untimed, so the next run has nothing to do


def sensor_job(checkout: Checkout, release: str) -> None:
    python = checkout.path / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", SENSOR_JOB, release],
        cwd=checkout.path,
        env=child_env(checkout.path),
        capture_output=True,
        text=True,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("SENSOR_JOB ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(
            f"the sensor's job failed in {checkout.path}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    job = json.loads(line.removeprefix("SENSOR_JOB "))
    state = "ok" if job["ok"] else "FAILED"
    checkout.record(
        "sensor's job",
        job["job"],
        f"{job['job']:.1f} s in process ({state}, {job['release']}); "
        f"loading the code {job['load']:.1f} s more",
    )


def cold_run(checkout: Checkout) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=checkout.path, capture_output=True, text=True, check=True
    ).stdout.strip()
    clone = Path(tempfile.mkdtemp(prefix=".benchmark-cold-", dir=REPO.parent))  # beside ../shared
    try:
        subprocess.run(["git", "clone", "--quiet", str(checkout.path), str(clone)], check=True)
        subprocess.run(
            ["git", "-c", "advice.detachedHead=false", "checkout", "--quiet", commit], cwd=clone, check=True
        )
        seconds, output = make_run(clone)
        checkout.record("cold", seconds, describe_run(seconds, output))
    finally:
        shutil.rmtree(clone, ignore_errors=True)


def add_worktree(ref: str) -> Checkout:
    path = Path(tempfile.mkdtemp(prefix=".benchmark-against-", dir=REPO.parent))
    subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(path), ref], cwd=REPO, check=True)
    return Checkout(ref, path)


def summary(checkouts: list[Checkout]) -> None:
    print("\nsummary (seconds; each measure's runs in order):")
    for checkout in checkouts:
        print(f"  {checkout.name} ({checkout.path})")
        for measure, seconds in checkout.seconds.items():
            spread = f"median {statistics.median(seconds):.1f} s" if len(seconds) > 1 else ""
            print(f"    {measure:<16} {', '.join(f'{s:.1f}' for s in seconds)} s  {spread}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--against", metavar="REF", help="also measure this commit, alternating with the checkout"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also time a fresh clone's first make run")
    parser.add_argument(
        "--release", default="", help="the release the sensor's job takes (default: the first)"
    )
    args = parser.parse_args()

    checkouts = [Checkout("this checkout", REPO)]
    try:
        if args.against:
            checkouts.append(add_worktree(args.against))
        print("preparing: one untimed make run in each checkout …", flush=True)
        for checkout in checkouts:
            make_run(checkout.path)
        for round_ in range(1, args.rounds + 1):
            print(f"round {round_} of {args.rounds}", flush=True)
            for checkout in checkouts:
                edited_run(checkout)
                checkout.record_run("nothing changed")
                checkout.record_run("warm", "REBUILD=1")
                sensor_job(checkout, args.release)
                if args.cold:
                    cold_run(checkout)
        summary(checkouts)
    finally:
        for checkout in checkouts[1:]:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(checkout.path)], cwd=REPO, check=False
            )


if __name__ == "__main__":
    main()
