"""Analysis routes: analyze, apply-fix, dismiss, revert, runbook, fix history, stats and outcomes."""

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from evals.calibration_fit import read_outcomes
from service.db import session_factory
from service.db.models import AiFixSuggestion, Execution, FixEvent
from tests.service.api.conftest import WorkspaceAccess
from tests.service.cli.cli_helpers import autofix

CORPUS = Path(__file__).resolve().parents[3] / "evals" / "corpus" / "injected"
JSON = {"Content-Type": "application/json"}


def corpus_bundle(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))["bundle"]


# ws_shopline, workflow wf_daily_sales version 8: a misspelt env variable that a verified patch fixes.
MAPPING = "daily_report__misspelt_REPORT_RECIPIENT"
# The same workspace and workflow: an expired credential, for which the analysis suggests a reconnect action.
CREDENTIAL = "daily_report__credential_expired"


class Api:
    def __init__(self, client: AsyncTestClient[Litestar], access: WorkspaceAccess) -> None:
        self.client = client
        self.access = access

    async def import_bundle(self, bundle: dict[str, Any]) -> str:
        response = await self.client.post(
            self.access.url("/executions"), content=json.dumps(bundle).encode(), headers={**self.access.headers, **JSON}
        )
        assert response.status_code in (200, 201), response.text
        return str(bundle["execution"]["execution_id"])

    async def post(self, path: str, body: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
        return await self.client.post(self.access.url(path), json=body or {}, headers=self.access.headers)

    async def get(self, path: str, **params: Any):  # type: ignore[no-untyped-def]
        return await self.client.get(self.access.url(path), params=params, headers=self.access.headers)

    async def put_policy(self, **policy: Any) -> None:
        body = {"ai_auto_fix_enabled": False, "ai_auto_fix_confidence_threshold": 0.95, **policy}
        response = await self.client.put(self.access.url("/policy"), json=body, headers=self.access.headers)
        assert response.status_code == 200, response.text

    async def analyze(self, execution_id: str, *, auto_apply: bool = False):  # type: ignore[no-untyped-def]
        return await self.post(f"/executions/{execution_id}/ai/analyze", {"auto_apply": auto_apply})

    async def apply(self, execution_id: str, index: int = 0, **extra: Any):  # type: ignore[no-untyped-def]
        return await self.post(f"/executions/{execution_id}/ai/apply-fix", {"suggestion_index": index, **extra})

    async def current_definition(self, workflow_id: str) -> dict[str, Any]:
        response = await self.get(f"/workflows/{workflow_id}")
        return response.json()["definition"]

    async def sync(self, workflow_id: str, definition: dict[str, Any]) -> int:
        response = await self.client.put(
            self.access.url(f"/workflows/{workflow_id}"), json={"definition": definition}, headers=self.access.headers
        )
        assert response.status_code in (200, 201), response.text
        return response.json()["version"]


@pytest.fixture
def api(client: AsyncTestClient[Litestar], shopline: WorkspaceAccess) -> Api:
    return Api(client, shopline)


async def _analysis_count(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        return await session.scalar(select(func.count()).select_from(AiFixSuggestion)) or 0


async def _set_execution(engine: AsyncEngine, execution_id: str, **values: Any) -> None:
    async with session_factory(engine)() as session, session.begin():
        await session.execute(update(Execution).where(Execution.external_id == execution_id).values(**values))


ANALYSIS_KEYS = {
    "analysis_id",
    "execution_id",
    "workflow_id",
    "status",
    "diagnosis",
    "suggestions",
    "model_used",
    "tokens_used",
    "prompt_version",
    "auto_applied",
    "created_at",
}


async def test_analyze_returns_201_with_analysis_object(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))

    response = await api.analyze(execution_id)

    body = response.json()
    assert response.status_code == 201
    assert ANALYSIS_KEYS <= set(body)
    assert body["status"] == "pending"
    assert body["execution_id"] == execution_id
    assert body["workflow_id"] == "wf_daily_sales"
    assert body["suggestions"][0]["verification"]["status"] == "passed"
    assert body["auto_applied"] is False
    assert body["auto_apply"]["reason"] == "the request set auto_apply to false"


async def test_analyze_again_creates_new_analysis(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))

    first = await api.analyze(execution_id)
    second = await api.analyze(execution_id)

    assert first.json()["analysis_id"] != second.json()["analysis_id"]


async def test_analyze_completed_execution_returns_422(api: Api, engine: AsyncEngine) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await _set_execution(engine, execution_id, status="completed")

    response = await api.analyze(execution_id)

    assert response.status_code == 422
    assert response.json()["code"] == "not_a_failure"
    assert await _analysis_count(engine) == 0


async def test_analyze_without_definition_returns_422(api: Api, engine: AsyncEngine) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await _set_execution(engine, execution_id, workflow_version_id=None)

    response = await api.analyze(execution_id)

    assert response.status_code == 422
    assert response.json()["code"] == "definition_missing"
    assert await _analysis_count(engine) == 0


async def test_analyze_over_daily_limit_returns_429(api: Api, engine: AsyncEngine) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await api.put_policy(daily_analysis_limit=1)
    await api.analyze(execution_id)

    response = await api.analyze(execution_id)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    assert await _analysis_count(engine) == 1


async def test_analyze_unknown_execution_returns_404(api: Api) -> None:
    response = await api.analyze("no_such_run")

    assert response.status_code == 404


async def test_analyze_auto_apply_with_policy_on_applies(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await api.put_policy(ai_auto_fix_enabled=True, ai_auto_fix_confidence_threshold=0.9)

    response = await api.analyze(execution_id, auto_apply=True)

    body = response.json()
    assert body["status"] == "applied"
    assert body["auto_applied"] is True
    assert body["auto_apply"]["applied"] is True
    assert body["auto_apply"]["verification"]["status"] == "passed"
    assert body["auto_apply"]["confidence"] >= 0.9
    assert (await api.get("/workflows/wf_daily_sales")).json()["version"] == 9


async def test_analyze_auto_apply_with_policy_off_names_rule(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))

    response = await api.analyze(execution_id, auto_apply=True)

    body = response.json()
    assert body["status"] == "pending"
    assert body["auto_apply"]["applied"] is False
    assert body["auto_apply"]["reason"] == "the workspace policy has auto-fix disabled"
    assert (await api.get("/workflows/wf_daily_sales")).json()["version"] == 8


async def test_apply_fix_creates_version_and_event(api: Api, engine: AsyncEngine) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis = (await api.analyze(execution_id)).json()

    response = await api.apply(execution_id)

    body = response.json()
    assert response.status_code == 200
    assert body["workflow_version"] == 9
    assert body["applied_patch"] == analysis["suggestions"][0]["patch"]
    definition = await api.current_definition("wf_daily_sales")
    assert definition["nodes"][3]["data"]["config"]["to"][0] == "{{ env.REPORT_RECIPIENT }}"
    async with session_factory(engine)() as session:
        event = await session.scalar(select(FixEvent))
    assert event is not None
    assert event.payload["event"] == "fix.applied"
    assert event.payload["workflow_version"] == 9


async def test_apply_fix_twice_returns_409(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = (await api.analyze(execution_id)).json()["analysis_id"]
    await api.apply(execution_id)

    response = await api.apply(execution_id, analysis_id=analysis_id)

    assert response.status_code == 409
    assert response.json()["code"] == "fix_conflict"
    assert "applied" in response.json()["detail"]


async def test_apply_fix_without_analysis_returns_404(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))

    response = await api.apply(execution_id)

    assert response.status_code == 404


async def test_apply_fix_index_out_of_range_returns_422(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await api.analyze(execution_id)

    response = await api.apply(execution_id, index=7)

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.suggestion_index"


async def test_apply_action_suggestion_returns_422_with_instruction(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(CREDENTIAL))
    analysis = (await api.analyze(execution_id)).json()
    credential = analysis["suggestions"][0]["action"]["credential"]

    response = await api.apply(execution_id)

    assert response.status_code == 422
    assert response.json()["code"] == "action_required"
    assert f"reconnect the credential {credential} in LinkFlow" in response.json()["detail"]


async def test_apply_fix_on_moved_workflow_applies_to_current(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await api.analyze(execution_id)
    moved = await api.current_definition("wf_daily_sales")
    moved["nodes"][0]["data"]["label"] = "Renamed trigger"
    assert await api.sync("wf_daily_sales", moved) == 9

    response = await api.apply(execution_id)

    assert response.status_code == 200
    assert response.json()["workflow_version"] == 10
    definition = await api.current_definition("wf_daily_sales")
    assert definition["nodes"][0]["data"]["label"] == "Renamed trigger"
    assert definition["nodes"][3]["data"]["config"]["to"][0] == "{{ env.REPORT_RECIPIENT }}"


async def test_apply_fix_when_workflow_changed_returns_409(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await api.analyze(execution_id)
    moved = await api.current_definition("wf_daily_sales")
    moved["nodes"][3]["data"]["config"]["to"][0] = "ops@example.com"
    await api.sync("wf_daily_sales", moved)

    response = await api.apply(execution_id)

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "fix_conflict"
    assert "moved from version 8 to 9" in body["detail"]
    assert body["changes"][0]["path"] == "/nodes/3/data/config/to/0"
    assert (await api.get("/workflows/wf_daily_sales")).json()["version"] == 9


async def test_dismiss_pending_analysis(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = (await api.analyze(execution_id)).json()["analysis_id"]

    response = await api.post(f"/ai/analyses/{analysis_id}/dismiss")
    again = await api.post(f"/ai/analyses/{analysis_id}/dismiss")
    apply = await api.apply(execution_id, analysis_id=analysis_id)

    assert response.json()["status"] == "dismissed"
    assert again.status_code == 409
    assert apply.status_code == 409


async def test_get_analysis_of_other_workspace_returns_404(
    api: Api, client: AsyncTestClient[Litestar], other: WorkspaceAccess
) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = (await api.analyze(execution_id)).json()["analysis_id"]

    own = await api.get(f"/ai/analyses/{analysis_id}")
    foreign = await client.get(other.url(f"/ai/analyses/{analysis_id}"), headers=other.headers)

    assert own.status_code == 200
    assert own.json()["analysis_id"] == analysis_id
    assert foreign.status_code == 404


async def test_revert_creates_version_equal_to_before(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = (await api.analyze(execution_id)).json()["analysis_id"]
    before = await api.current_definition("wf_daily_sales")
    await api.apply(execution_id)

    response = await api.post(f"/ai/analyses/{analysis_id}/revert")
    again = await api.post(f"/ai/analyses/{analysis_id}/revert")

    assert response.status_code == 201
    assert response.json()["workflow_version"] == 10
    assert await api.current_definition("wf_daily_sales") == before
    assert again.status_code == 409


async def test_revert_pending_analysis_returns_409(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = (await api.analyze(execution_id)).json()["analysis_id"]

    response = await api.post(f"/ai/analyses/{analysis_id}/revert")

    assert response.status_code == 409


async def test_runbook_after_analysis(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    missing = await api.get(f"/executions/{execution_id}/runbook")
    await api.analyze(execution_id)

    response = await api.get(f"/executions/{execution_id}/runbook")

    assert missing.status_code == 404
    assert response.status_code == 200
    assert response.json()["steps"]


def _next_run(bundle: dict[str, Any], definition: dict[str, Any], version: int, *, succeeded: bool) -> dict[str, Any]:
    """The failed run again as a later run of the fixed version, completed or failed at the same node."""
    later = copy.deepcopy(bundle)
    later["workflow"]["version"] = version
    later["workflow"]["definition"] = definition
    execution = later["execution"]
    execution["execution_id"] = f"{execution['execution_id']}_next"
    execution["workflow_version"] = version
    if succeeded:
        execution["status"] = "completed"
        execution.pop("error", None)
        for node in execution["nodes"]:
            node["status"] = "completed"
            node.pop("error", None)
    return later


async def test_fix_history_records_next_run_outcome(api: Api) -> None:
    bundle = corpus_bundle(MAPPING)
    execution_id = await api.import_bundle(bundle)
    await api.analyze(execution_id)
    await api.apply(execution_id)
    fixed = await api.current_definition("wf_daily_sales")
    before = (await api.get("/ai/fix-history", workflow_id="wf_daily_sales")).json()

    await api.import_bundle(_next_run(bundle, fixed, 9, succeeded=False))
    after = (await api.get("/ai/fix-history", workflow_id="wf_daily_sales")).json()

    assert before["meta"] == {"total": 1, "limit": 50, "offset": 0}
    assert before["data"][0]["workflow_version"] == 9
    assert before["data"][0]["outcome"] is None
    assert after["data"][0]["outcome"]["status"] == "failed"
    assert after["data"][0]["outcome"]["execution_id"] == f"{execution_id}_next"


async def test_fix_history_filters_by_workflow_and_status(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = (await api.analyze(execution_id)).json()["analysis_id"]
    await api.post(f"/ai/analyses/{analysis_id}/dismiss")

    applied = (await api.get("/ai/fix-history")).json()
    dismissed = (await api.get("/ai/fix-history", status="dismissed")).json()
    elsewhere = (await api.get("/ai/fix-history", status="dismissed", workflow_id="wf_other")).json()

    assert applied["meta"]["total"] == 0
    assert [item["analysis_id"] for item in dismissed["data"]] == [analysis_id]
    assert elsewhere["data"] == []


async def test_stats_count_applied_dismissed_and_kinds(api: Api) -> None:
    first = await api.import_bundle(corpus_bundle(MAPPING))
    repeat = corpus_bundle(MAPPING)
    repeat["execution"]["execution_id"] = "30909_again"
    second = await api.import_bundle(repeat)
    await api.analyze(first)
    await api.apply(first)
    dismissed = (await api.analyze(second)).json()["analysis_id"]
    await api.post(f"/ai/analyses/{dismissed}/dismiss")

    response = await api.get("/ai/stats", since="2000-01-01T00:00:00Z")

    body = response.json()
    assert response.status_code == 200
    assert body["applied"] == 1
    assert body["dismissed"] == 1
    assert body["applied_share"] == 0.5
    assert body["next_run_succeeded_share"] is None
    assert body["median_seconds_to_verified_suggestion"] >= 0
    assert body["by_failure_kind"] == {"data_mapping": 2}


async def test_stats_with_invalid_since_returns_422(api: Api) -> None:
    response = await api.get("/ai/stats", since="yesterday")

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "query.since"


async def test_succeeded_next_run_counts_and_exports(api: Api, database_url: str, tmp_path: Path) -> None:
    bundle = corpus_bundle(MAPPING)
    execution_id = await api.import_bundle(bundle)
    await api.analyze(execution_id)
    await api.apply(execution_id)
    fixed = await api.current_definition("wf_daily_sales")
    await api.import_bundle(_next_run(bundle, fixed, 9, succeeded=True))
    exported = tmp_path / "outcomes.jsonl"

    history = (await api.get("/ai/fix-history")).json()
    stats = (await api.get("/ai/stats")).json()
    result = await asyncio.to_thread(autofix, database_url, "outcomes", "export", str(exported))

    assert history["data"][0]["outcome"]["status"] == "succeeded"
    assert stats["next_run_succeeded_share"] == 1.0
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in exported.read_text().splitlines()]
    assert len(records) == 1
    assert records[0]["success"] is True
    assert records[0]["workflow_id"] == "wf_daily_sales"
    assert records[0]["source"] == "rule:data_mapping"
    assert isinstance(records[0]["raw_score"], float)
    assert read_outcomes(exported)[0].success is True


async def test_analyze_auto_apply_on_changed_workflow_stays_pending(api: Api) -> None:
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    moved = await api.current_definition("wf_daily_sales")
    moved["nodes"][3]["data"]["config"]["to"][0] = "ops@example.com"
    await api.sync("wf_daily_sales", moved)
    await api.put_policy(ai_auto_fix_enabled=True, ai_auto_fix_confidence_threshold=0.9)

    response = await api.analyze(execution_id, auto_apply=True)

    body = response.json()
    assert body["status"] == "pending"
    assert body["suggestions"]
    assert body["auto_apply"]["eligible"] is True
    assert body["auto_apply"]["applied"] is False
    assert body["auto_apply"]["reason"].startswith("the fix could not be applied: workflow wf_daily_sales moved")
    assert (await api.get("/workflows/wf_daily_sales")).json()["version"] == 9
