"""The eval oracle: its evaluators, and that fixes which cheat their way to a green run fail."""

from pathlib import Path

import pytest

from evals.cases import load_case
from evals.corpus_builder.injectors import edited
from evals.oracle import check_fix, subset_problem, values_equal
from evals.world import effective_fixtures

CORPUS_DIR = Path(__file__).resolve().parents[2] / "evals" / "corpus"


@pytest.fixture(scope="module")
def misspelt_case():
    return load_case(CORPUS_DIR / "injected" / "order_sync__misspelt_email.json")


@pytest.fixture(scope="module")
def slow_case():
    return load_case(CORPUS_DIR / "injected" / "order_sync__slow_14s.json")


@pytest.mark.parametrize(
    ("actual", "expected", "equal"),
    [
        (0.1 + 0.2, 0.3, True),
        (1499.99, 1499.99 + 1e-10, True),
        (1499.99, 1500.0, False),
        (1, 1.0, True),
        (True, 1, False),
        (0, False, False),
        ("12", 12, False),
        ({"a": [1, 2]}, {"a": [1, 2.0]}, True),
        ({"a": 1, "b": 2}, {"a": 1}, False),
        ([1, 2], [1, 2, 3], False),
        (None, None, True),
    ],
)
def test_values_equal_compares_json_values(actual, expected, equal):
    assert values_equal(actual, expected) is equal


@pytest.mark.parametrize(
    ("actual", "expected", "problem"),
    [
        ({"to": ["a@x.example"], "subject": "Hi"}, {"to": ["a@x.example"]}, None),
        ({"data": {"amount": 24900, "charge": "ch_1"}}, {"data": {"amount": 24900.0}}, None),
        ({"to": ["a@x.example", "b@x.example"]}, {"to": ["a@x.example"]}, "call.to: expected a list of 1 items"),
        ({"to": ["b@x.example"]}, {"to": ["a@x.example"]}, "call.to[0]: expected 'a@x.example'"),
        ({"subject": "Hi"}, {"to": ["a@x.example"]}, "call.to is missing"),
        ({"data": "text"}, {"data": {"amount": 1}}, "call.data: expected an object"),
    ],
)
def test_subset_problem_names_first_mismatch(actual, expected, problem):
    found = subset_problem(actual, expected, "call")

    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_check_fix_passes_correct_mapping(misspelt_case):
    fixed = edited(misspelt_case.definition, misspelt_case.case.reference_fix.edits)

    verdict = check_fix(misspelt_case, fixed)

    assert verdict.success, verdict.reason
    assert verdict.run_status == "completed"
    assert verdict.failed_assertions == []


def test_check_fix_broken_definition_names_failed_node(misspelt_case):
    verdict = check_fix(misspelt_case, misspelt_case.definition)

    assert not verdict.success
    assert verdict.run_status == "failed"
    assert "build_erp_payload" in verdict.reason


def test_check_fix_ignoring_error_fails(misspelt_case):
    suppressed = edited(misspelt_case.definition, [{"node": "build_erp_payload", "set": {"onError": "continue"}}])

    verdict = check_fix(misspelt_case, suppressed)

    assert not verdict.success
    assert any("errors are ignored at build_erp_payload" in reason for reason in verdict.failed_assertions)


def test_check_fix_dropping_the_data_fails(misspelt_case):
    dropped = edited(misspelt_case.definition, [{"node": "build_erp_payload", "set": {"config.values[1].value": ""}}])

    verdict = check_fix(misspelt_case, dropped)

    assert not verdict.success
    assert verdict.run_status != "completed" or any("customer_email" in reason for reason in verdict.failed_assertions)


def test_check_fix_wrong_value_fails_output_assertion(misspelt_case):
    wrong = edited(misspelt_case.definition, [{"node": "build_erp_payload", "set": {"config.values[1].value": "{{ fetch_customer.body.name }}"}}])

    verdict = check_fix(misspelt_case, wrong)

    assert not verdict.success
    assert any(reason.startswith("build_erp_payload.customer_email") for reason in verdict.failed_assertions)


def test_check_fix_unusable_definition_fails(misspelt_case):
    verdict = check_fix(misspelt_case, {"nodes": "none"})

    assert not verdict.success
    assert verdict.run_status is None


def test_check_fix_retry_does_not_fix_slow_upstream(slow_case):
    retried = edited(slow_case.definition, [{"node": "post_erp", "set": {"retry": {"max_attempts": 3, "delay_ms": 1000}}}])

    verdict = check_fix(slow_case, retried)

    assert not verdict.success
    assert verdict.run_status in ("failed", "incomplete")


def test_effective_fixtures_slow_answer_times_out(slow_case):
    fixtures = effective_fixtures(slow_case.definition, slow_case.case.world.fixtures)
    raised = edited(slow_case.definition, [{"node": "post_erp", "set": {"config.timeout": 30}}])

    slow = [fixture for fixture in fixtures if fixture.get("node_id") == "post_erp"]
    answered = [fixture for fixture in effective_fixtures(raised, slow_case.case.world.fixtures) if fixture.get("node_id") == "post_erp"]

    assert slow[0]["response"] is None
    assert slow[0]["error"]["code"] == "HTTP_TIMEOUT"
    assert answered[0]["response"]["status_code"] == 200
