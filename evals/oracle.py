"""The eval oracle: does a fixed workflow, run from its trigger against the case's world, do its job?

A fix succeeds when the run reaches the status `accept` names, no node's error is ignored on the
way, and every output and call assertion holds. A fix that turns the run green by skipping the
failing node or dropping its data therefore fails: the skipped node has no output to assert on
and makes no call.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from jsonpath_ng.ext import parse as parse_jsonpath

from evals.cases import Accept, CallAssertion, LoadedCase
from evals.world import effective_fixtures
from tools.expressions import describe_value
from tools.replay import ReplayResult, run_workflow
from tools.replay.recording import plain_data

# Numbers are compared within this absolute tolerance, so 0.1 + 0.2 equals 0.3.
NUMBER_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Evaluation:
    """One evaluator's result: whether the assertion holds, and why."""

    ok: bool
    reason: str


@dataclass(frozen=True)
class OracleVerdict:
    success: bool
    reason: str
    run_status: str | None
    failed_assertions: list[str] = field(default_factory=list)


def check_fix(case: LoadedCase, definition: Any) -> OracleVerdict:
    """Run a definition from the case's trigger against its world and judge it by `accept`."""
    plain_definition = plain_data(definition)
    try:
        result = run_case(case, plain_definition)
    except ValueError as error:
        return OracleVerdict(False, f"the workflow cannot run: {error}", None, [str(error)])

    evaluations = evaluate_accept(result, case.case.accept)
    failed = [evaluation.reason for evaluation in evaluations if not evaluation.ok]
    if failed:
        return OracleVerdict(False, failed[0], result.run_status, failed)
    return OracleVerdict(True, f"the run {result.run_status} and all {len(evaluations)} checks hold", result.run_status)


def run_case(case: LoadedCase, definition: dict[str, Any]) -> ReplayResult:
    """Run a definition against the case's world, with the failed run's trigger data, variables and start.

    Raises:
        ValueError: the definition cannot run (no nodes, a cycle, the trigger is gone).
    """
    bundle = case.bundle
    execution = case.execution
    return run_workflow(
        definition,
        trigger_data=execution.get("trigger_data"),
        fixtures=effective_fixtures(definition, case.case.world.fixtures),
        env=bundle.variables.env if bundle.variables else None,
        credentials=bundle.credentials,
        started_at=execution.get("started_at"),
        trigger_node=_fired_trigger(case, definition),
    )


def _fired_trigger(case: LoadedCase, definition: dict[str, Any]) -> str | None:
    node_ids = {node.get("id") for node in definition.get("nodes") or [] if isinstance(node, dict)}
    for record in case.execution.get("nodes") or []:
        if record.get("node_type", "").startswith("trigger_") and record.get("status") == "completed":
            return record["node_id"] if record["node_id"] in node_ids else None
    return None


def evaluate_accept(result: ReplayResult, accept: Accept) -> list[Evaluation]:
    """Apply every evaluator of `accept` to a run, in a stable order."""
    evaluations = [check_status(result, accept.status), check_nothing_ignored(result)]
    for node_id, assertions in accept.outputs.items():
        for path, expected in assertions.items():
            evaluations.append(check_output(result, node_id, path, expected))
    for assertion in accept.calls:
        evaluations.append(check_call(result, assertion))
    return evaluations


def check_status(result: ReplayResult, expected: str) -> Evaluation:
    if result.run_status == expected:
        return Evaluation(True, f"the run {expected}")

    if result.failed_node is not None and result.error is not None:
        cause = f'node {result.failed_node} failed: {result.error.get("message")}'
    elif result.needed:
        cause = f"the world has no answer: {result.needed[0].get('reason', 'a request had no fixture')}"
    else:
        cause = f"its status is {result.run_status}"
    return Evaluation(False, f"expected the run to be {expected}, but {cause}")


def check_nothing_ignored(result: ReplayResult) -> Evaluation:
    ignored = [node_id for node_id, run in result.nodes.items() if run.error_ignored]
    if ignored:
        return Evaluation(False, f"the run only gets through because errors are ignored at {', '.join(ignored)}")
    return Evaluation(True, "no error was ignored")


def check_output(result: ReplayResult, node_id: str, path: str, expected: Any) -> Evaluation:
    run = result.nodes.get(node_id)
    if run is None or run.status != "completed":
        status = "absent from the workflow" if run is None else run.status
        return Evaluation(False, f"{node_id}{path.removeprefix('$')}: node {node_id} is {status}, so it has no output")

    matches = [match.value for match in parse_jsonpath(path).find(run.output)]
    where = f"{node_id}{path.removeprefix('$')}"
    if not matches:
        return Evaluation(False, f"{where}: nothing at this path in the output of {node_id}")
    actual = matches[0] if len(matches) == 1 else matches
    if not values_equal(actual, expected):
        return Evaluation(False, f"{where}: expected {_show(expected)}, got {_show(actual)}")
    return Evaluation(True, f"{where} is {_show(expected)}")


def check_call(result: ReplayResult, assertion: CallAssertion) -> Evaluation:
    calls = [entry["call"] for entry in result.intended_calls if entry.get("node") == assertion.node]
    if not calls:
        run = result.nodes.get(assertion.node)
        status = run.status if run is not None else "absent from the workflow"
        return Evaluation(False, f"{assertion.node} made no call (it is {status})")

    problems = [subset_problem(call, assertion.contains, "call") for call in calls]
    if any(problem is None for problem in problems):
        return Evaluation(True, f"{assertion.node}'s call contains the expected fields")
    return Evaluation(False, f"{assertion.node}: {problems[-1]}")


def values_equal(actual: Any, expected: Any) -> bool:
    """Compare JSON values; numbers within NUMBER_TOLERANCE, and a boolean never equals a number."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if _is_number(expected) and _is_number(actual):
        return math.isclose(actual, expected, rel_tol=0, abs_tol=NUMBER_TOLERANCE)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(values_equal(actual[key], expected[key]) for key in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(map(values_equal, actual, expected))
    return type(actual) is type(expected) and actual == expected


def subset_problem(actual: Any, expected: Any, where: str) -> str | None:
    """Describe where `expected` is not a recursive subset of `actual`, or return None when it is.

    Objects match when every expected key matches; lists match element by element, with the
    same length; anything else must be equal as `values_equal` compares.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {describe_value(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{where}.{key} is missing"
            problem = subset_problem(actual[key], value, f"{where}.{key}")
            if problem is not None:
                return problem
        return None

    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected a list of {len(expected)} items, got {describe_value(actual)}"
        for index, (item, wanted) in enumerate(zip(actual, expected, strict=True)):
            problem = subset_problem(item, wanted, f"{where}[{index}]")
            if problem is not None:
                return problem
        return None

    if not values_equal(actual, expected):
        return f"{where}: expected {_show(expected)}, got {_show(actual)}"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
