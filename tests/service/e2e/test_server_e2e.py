"""The real server process, end to end over loopback: callback, queued analysis, fix, new version.

Runs `autofix serve` as a subprocess on a temporary SQLite database, so the in-process analysis
runner does the work. Without AUTOFIX_MODEL the deterministic diagnosers run alone, so no
network is used.
"""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.callbacks.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_callback

SAMPLE = Path(__file__).resolve().parents[3] / "evals" / "samples" / "incident_alert_data_mapping.json"
SIGNING_KEY = "whsec_e2e_7d3c1a9b"
START_TIMEOUT_SECONDS = 30.0
ANALYSIS_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
FINISHED_STATUSES = ("pending", "applied", "error")
ALL_STATUSES = ("queued", "running", "pending", "applied", "error")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(database: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AUTOFIX_") and name not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    }
    environment.update(
        AUTOFIX_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        AUTOFIX_CALLBACK_SIGNING_KEY=SIGNING_KEY,
        AUTOFIX_JOB_POLL_SECONDS="0.2",
        AUTOFIX_LOG_LEVEL="warning",
    )
    return environment


def _cli(environment: dict[str, str], *arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "service.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, f"autofix {' '.join(arguments)} failed: {completed.stderr}"
    return completed.stdout


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return _environment(tmp_path / "autofix.db")


@pytest.fixture
def server(environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """Start `autofix serve` on a free loopback port; stop it at the end of the test."""
    port = _free_port()
    log_file = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, base_url, tmp_path / "server.log")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        log_file.close()


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"autofix serve exited with status {process.returncode}: {log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"autofix serve did not answer /health within {START_TIMEOUT_SECONDS} seconds: {log_path.read_text()}")


def _callback_body(sample: dict[str, Any]) -> bytes:
    """Build the engine callback for the sample's failed run, carrying the definition it ran."""
    workflow = sample["workflow"]
    callback = dict(sample["execution"])
    callback["workflow"] = {"version": workflow["version"], "name": workflow["name"], "definition": workflow["definition"]}
    return json.dumps(callback).encode("utf-8")


def _signed_headers(body: bytes) -> dict[str, str]:
    timestamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign_callback(SIGNING_KEY, timestamp, body),
        "Content-Type": "application/json",
    }


def _find_analysis(client: httpx.Client, workspace_url: str, execution_id: str) -> dict[str, Any]:
    """Find the callback's analysis through the history filtered by status; it may move on between queries."""
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for status in ALL_STATUSES:
            response = client.get(f"{workspace_url}/ai/fix-history", params={"status": status})
            assert response.status_code == 200, response.text
            for analysis in response.json()["data"]:
                if analysis["execution_id"] == execution_id:
                    return analysis
        time.sleep(0.1)
    pytest.fail(f"no analysis of execution {execution_id} appeared within {ANALYSIS_TIMEOUT_SECONDS} seconds")


def _wait_until_finished(client: httpx.Client, analysis_url: str) -> tuple[dict[str, Any], list[str]]:
    """Poll the analysis until it leaves queued and running; return it and the statuses seen."""
    seen: list[str] = []
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        response = client.get(analysis_url)
        assert response.status_code == 200, response.text
        analysis = response.json()
        if not seen or seen[-1] != analysis["status"]:
            seen.append(analysis["status"])
        if analysis["status"] in FINISHED_STATUSES:
            return analysis, seen
        time.sleep(0.1)
    pytest.fail(f"analysis at {analysis_url} did not finish within {ANALYSIS_TIMEOUT_SECONDS} seconds; statuses {seen}")


def test_callback_to_applied_fix(environment: dict[str, str], server: str) -> None:
    sample = json.loads(SAMPLE.read_text())
    workspace_id = sample["workspace"]["id"]
    workflow_id = sample["workflow"]["id"]
    execution_id = str(sample["execution"]["execution_id"])

    _cli(environment, "workspace", "create", workspace_id)
    token = _cli(environment, "token", "create", "--workspace", workspace_id).strip().splitlines()[-1]
    workspace_url = f"{server}/api/v1/workspaces/{workspace_id}"

    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30.0) as client:
        policy = client.put(
            f"{workspace_url}/policy", json={"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.95}
        )
        body = _callback_body(sample)
        callback = client.post(f"{server}/api/v1/engine/callbacks", content=body, headers=_signed_headers(body))

        found = _find_analysis(client, workspace_url, execution_id)
        analysis, statuses = _wait_until_finished(client, f"{workspace_url}/ai/analyses/{found['analysis_id']}")

        applied_version = None
        if analysis["status"] == "pending":
            applied = client.post(
                f"{workspace_url}/executions/{execution_id}/ai/apply-fix",
                json={"suggestion_index": 0, "analysis_id": analysis["analysis_id"]},
            )
            assert applied.status_code == 200, applied.text
            applied_version = applied.json()["workflow_version"]
            assert applied.json()["applied_patch"]

        versions = client.get(f"{workspace_url}/workflows/{workflow_id}/versions")
        metrics = client.get(f"{server}/metrics")

    version_numbers = [version["version"] for version in versions.json()["data"]]
    assert policy.status_code == 200, policy.text
    assert callback.status_code == 201, callback.text
    assert callback.json()["analysis_queued"] is True
    assert analysis["status"] in ("pending", "applied"), analysis
    assert analysis["suggestions"], analysis
    assert set(statuses) <= set(ALL_STATUSES)
    assert versions.status_code == 200, versions.text
    assert max(version_numbers) > sample["workflow"]["version"]
    if applied_version is not None:
        assert applied_version in version_numbers
    assert "autofix_analyses_total" in metrics.text
