import copy

from tests.bundles import make_bundle, make_execution
from tools.agent_tools import open_session
from tools.formats import FailureBundle

from .sessions import API_SCHEMA_CHANGE, DATA_MAPPING, sample_session


def test_open_session_finds_failed_node():
    session = sample_session(DATA_MAPPING)

    assert session.failed_node_id == "post_alert"
    assert session.recording.failed_node == "post_alert"


def test_open_session_keeps_definition_as_written():
    bundle = make_bundle()

    session = open_session(bundle)

    assert session.definition == bundle["workflow"]["definition"]
    assert session.execution == bundle["execution"]


def test_open_session_accepts_bundle_model():
    bundle = make_bundle()

    session = open_session(FailureBundle.model_validate(bundle))

    assert session.failed_node_id == "fetch_customer"
    assert session.node_ids() == ["order_hook", "fetch_customer"]


def test_open_session_reads_env_and_credentials():
    session = open_session(make_bundle())

    assert session.env == {"API_BASE": "https://api.example.com"}
    assert [credential["name"] for credential in session.credentials] == ["crm_token"]


def test_last_success_is_newest_completed_run():
    older = make_execution(execution_id="801", failed=False, started_at="2026-02-01T09:30:00Z")
    newer = make_execution(execution_id="805", failed=False, started_at="2026-02-20T09:30:00Z")
    failed = make_execution(execution_id="809", failed=True, started_at="2026-02-27T09:30:00Z")

    session = open_session(make_bundle(history=[newer, failed, older]))

    assert session.last_success is not None
    assert session.last_success["execution_id"] == "805"


def test_last_success_ignores_other_workflows():
    other = make_execution(execution_id="805", workflow_id="wf_other", failed=False)

    session = open_session(make_bundle(history=[other]))

    assert session.last_success is None


def test_last_success_of_sample_with_history():
    session = sample_session(API_SCHEMA_CHANGE)

    assert session.last_success is not None
    assert str(session.last_success["execution_id"]) == "4102"


def test_recorded_runs_are_failed_run_then_history():
    history = [make_execution(execution_id="805", failed=False)]
    bundle = make_bundle(history=copy.deepcopy(history))

    session = open_session(bundle)

    assert [run["execution_id"] for run in session.recorded_runs] == ["812", "805"]
