"""`autofix analyze` on bundle files and stored executions, storing each analysis."""

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from service.db import create_engine, session_factory
from service.db.models import AiFixSuggestion, ExecutionRunbook
from service.settings import Settings
from tests.agent.samples import SAMPLES_DIR
from tests.bundles import make_bundle
from tests.service.cli.cli_helpers import autofix, write_bundle

SAMPLE = str(SAMPLES_DIR / "incident_alert_data_mapping.json")


@pytest.fixture
def migrated_url(database_url: str) -> str:
    result = autofix(database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    return database_url


def _stored(database_url: str) -> tuple[list[AiFixSuggestion], list[ExecutionRunbook]]:
    async def read():
        engine = create_engine(Settings(database_url=database_url))
        try:
            async with session_factory(engine)() as session:
                analyses = list(await session.scalars(select(AiFixSuggestion)))
                runbooks = list(await session.scalars(select(ExecutionRunbook)))
                return analyses, runbooks
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_analyze_file_prints_json_shape(migrated_url: str):
    result = autofix(migrated_url, "analyze", SAMPLE, "--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document)[:5] == ["analysis_id", "diagnosis", "suggestions", "model_used", "tokens_used"]
    assert document["model_used"] == "rules"
    assert document["suggestions"][0]["verification"]["status"] == "passed"


def test_analyze_file_stores_analysis_and_runbook(migrated_url: str):
    result = autofix(migrated_url, "analyze", SAMPLE, "--json")

    analyses, runbooks = _stored(migrated_url)
    assert [str(row.id) for row in analyses] == [json.loads(result.stdout)["analysis_id"]]
    assert analyses[0].status == "pending"
    assert analyses[0].failed_node_key == "post_alert"
    assert analyses[0].prompt_version == "analysis-system/1"
    assert len(runbooks) == 1


def test_analyze_stored_execution_by_ids(migrated_url: str):
    autofix(migrated_url, "import", SAMPLE)

    result = autofix(migrated_url, "analyze", "ws_helio/15507", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["suggestions"][0]["source"] == "rule:data_mapping"


def test_analyze_again_creates_new_analysis_same_runbook(migrated_url: str):
    autofix(migrated_url, "analyze", SAMPLE)
    autofix(migrated_url, "analyze", SAMPLE)

    analyses, runbooks = _stored(migrated_url)
    assert len(analyses) == 2
    assert len(runbooks) == 1


def test_analyze_prints_diagnosis_and_table(migrated_url: str):
    result = autofix(migrated_url, "analyze", SAMPLE)

    assert result.exit_code == 0, result.output
    assert "Node post_alert (action_slack_message) failed" in result.stdout
    assert "rule:data_mapping" in result.stdout
    assert "passed" in result.stdout


def test_analyze_completed_execution_exits_2(migrated_url: str, tmp_path: Path):
    bundle = make_bundle()
    bundle["execution"]["status"] = "completed"
    bundle["execution"].pop("error")

    result = autofix(migrated_url, "analyze", write_bundle(tmp_path, "ok.json", bundle))

    assert result.exit_code == 2
    assert "only failed executions can be analysed" in result.stderr


@pytest.mark.parametrize("target", ["nowhere/at/all", "ws_helio/99999"])
def test_analyze_unknown_target_exits_2(migrated_url: str, target: str):
    result = autofix(migrated_url, "analyze", target)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}: ")
