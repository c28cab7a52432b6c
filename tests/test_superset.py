"""Apache Superset, in its own environment, reads the published warehouse read-only.

Slow (it installs Superset 6.1 into .superset-venv/ once, then initialises a throwaway
instance on loopback); run in CI like every other test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines.config import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.superset]
VENV = REPO_ROOT / ".superset-venv"
REQUIREMENTS = ["apache-superset[duckdb]==6.1.0", "rich", "cachetools", "flask-caching<2.5"]


def uv() -> str:
    return (
        str(REPO_ROOT / ".tools" / "bin" / "uv")
        if (REPO_ROOT / ".tools" / "bin" / "uv").exists()
        else shutil.which("uv")
    )


def install_superset() -> Path:
    marker = VENV / ".planwatch-installed"
    if not marker.exists() or marker.read_text() != repr(REQUIREMENTS):
        subprocess.run([uv(), "venv", "-q", str(VENV), "--python", "3.11", "--allow-existing"], check=True)
        subprocess.run(
            [uv(), "pip", "install", "-q", "--python", str(VENV / "bin" / "python"), *REQUIREMENTS],
            check=True,
        )
        marker.write_text(repr(REQUIREMENTS))
    return VENV / "bin" / "superset"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def superset(tmp_path_factory):
    """A running Superset on 127.0.0.1 with an admin user; stopped after the module."""
    binary = install_superset()
    home = tmp_path_factory.mktemp("superset")
    env = {
        **os.environ,
        "SUPERSET_HOME": str(home),
        "FLASK_APP": "superset",
        "SUPERSET_CONFIG_PATH": str(Path(__file__).parent / "superset" / "superset_config.py"),
    }
    for command in (
        ["db", "upgrade"],
        [
            "fab",
            "create-admin",
            "--username",
            "admin",
            "--firstname",
            "Plan",
            "--lastname",
            "Watch",
            "--email",
            "admin@example.invalid",
            "--password",
            "admin",
        ],
        ["init"],
    ):
        subprocess.run([str(binary), *command], env=env, check=True, capture_output=True, timeout=600)
    port = free_port()
    server = subprocess.Popen(
        [str(binary), "run", "-h", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.read() == b"OK":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        else:
            pytest.fail("Superset did not start")
        yield base
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """Stop the server's whole process group: politely, then for good (it may ignore SIGTERM)."""
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 30)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def api(base: str, method: str, path: str, body=None, token: str | None = None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def test_superset_lists_the_public_tables_and_returns_the_attainment_mart(superset, built):
    token = api(
        superset,
        "POST",
        "/api/v1/security/login",
        {"username": "admin", "password": "admin", "provider": "db"},
    )["access_token"]
    database = api(
        superset,
        "POST",
        "/api/v1/database/",
        {
            "database_name": "planwatch",
            "sqlalchemy_uri": f"duckdb:///{built.published}?access_mode=read_only",
            "expose_in_sqllab": True,
        },
        token,
    )
    tables = api(
        superset,
        "GET",
        f"/api/v1/database/{database['id']}/tables/?q=(schema_name:main,force:!t)",
        token=token,
    )
    names = {t["value"] for t in tables["result"]}
    assert {
        "mart_target_attainment",
        "mart_plan_scorecard",
        "mart_attainment_history",
        "fct_target",
        "fct_observation",
        "dim_region",
        "dim_indicator",
        "dim_plan",
        "dim_release",
        "dim_year",
    } <= names
    result = api(
        superset,
        "POST",
        "/api/v1/sqllab/execute/",
        {
            "database_id": database["id"],
            "schema": "main",
            "runAsync": False,
            "sql": "select target_id, status, status_zh from mart_target_attainment order by target_id",
        },
        token,
    )
    assert result["status"] == "success"
    rows = [(r["target_id"], r["status"], r["status_zh"]) for r in result["data"]]
    assert rows == built.query(
        "select target_id, status, status_zh from mart_target_attainment order by target_id"
    )
    assert {"完成", "未完成", "无数据"} <= {r[2] for r in rows}
