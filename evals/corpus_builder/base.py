"""Base workflows, their worlds, and the variants that fault injectors make of them.

A base workflow authors only the responses of its HTTP nodes, in call order. The requests are
found by running the workflow: each request the engine finds no fixture for is answered with the
node's next response, until the run needs nothing more. The fixtures therefore carry exactly the
requests the engine sends, with their fingerprints.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evals.world import effective_fixtures
from tools.replay import ReplayResult, run_workflow
from tools.replay.fixtures import fixture_fingerprint

# A workflow whose run needs more requests than this is looping on the builder's answers.
MAX_REQUESTS = 200

Answer = Callable[[dict[str, Any]], dict[str, Any] | None]


class BuildError(RuntimeError):
    """A base workflow or variant that does not behave as its author declared."""


@dataclass(frozen=True)
class BaseWorkflow:
    """A realistic workflow with the world of one successful run.

    `answers` lists, per HTTP node, the responses it gets in call order. `accept` is what the
    successful run achieves, in the case format's `accept` shape.
    """

    name: str
    title: str
    workflow_id: str
    workspace_id: str
    version: int
    definition: dict[str, Any]
    trigger_data: Any
    answers: dict[str, list[dict[str, Any]]]
    accept: dict[str, Any]
    credentials: list[dict[str, Any]]
    started_at: str
    env: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BaseRun:
    """A base workflow with its discovered world and the result of running it there."""

    base: BaseWorkflow
    world: list[dict[str, Any]]
    result: ReplayResult


@dataclass
class Variant:
    """One broken run of a base workflow: what failed, what a re-run sees, and the fix.

    `definition` is what the failed run ran and `world` what it saw, which is also what a re-run
    sees. `history` adds the last successful run (the base definition against `history_world`).
    """

    slug: str
    kind: str
    description: str
    definition: dict[str, Any]
    world: list[dict[str, Any]]
    trigger_data: Any
    accept: dict[str, Any]
    fixable: bool
    reference_fix: dict[str, Any] | None
    expect_action: str | None = None
    credentials: list[dict[str, Any]] | None = None
    history: bool = False
    history_world: list[dict[str, Any]] | None = None


def run_against(
    base: BaseWorkflow, definition: dict[str, Any], fixtures: list[dict[str, Any]], *, trigger_data: Any = None
) -> ReplayResult:
    return run_workflow(
        definition,
        trigger_data=base.trigger_data if trigger_data is None else trigger_data,
        fixtures=effective_fixtures(definition, fixtures),
        env=base.env,
        credentials=base.credentials,
        started_at=base.started_at,
    )


def discover_world(
    base: BaseWorkflow,
    definition: dict[str, Any],
    answer: Answer,
    *,
    trigger_data: Any = None,
    known: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], ReplayResult]:
    """Answer every request the run makes that `known` has no fixture for, until it needs nothing.

    Raises:
        BuildError: `answer` has no response for a request, or the run never stops asking.
    """
    fixtures = list(known or [])
    for _ in range(MAX_REQUESTS):
        result = run_against(base, definition, fixtures, trigger_data=trigger_data)
        if not result.needed:
            return fixtures, result
        for needed in result.needed:
            fixture = answer(needed)
            if fixture is None:
                raise BuildError(f"{base.name}: no response for {needed.get('reason')}")
            fixtures.append(fixture)
    raise BuildError(f"{base.name}: the run asked for more than {MAX_REQUESTS} requests")


def queued_answers(answers: dict[str, list[dict[str, Any]]]) -> Answer:
    """Answer each node's requests with its responses, in order."""
    used: dict[str, int] = {}

    def answer(needed: dict[str, Any]) -> dict[str, Any] | None:
        node_id = needed.get("node")
        queue = answers.get(node_id, [])
        position = used.get(node_id, 0)
        if position >= len(queue):
            return None
        used[node_id] = position + 1
        return make_fixture(needed, queue[position])

    return answer


def make_fixture(needed: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """Build a fixture for a request the engine needed; `answer` is a response or {"error": ...}."""
    fixture: dict[str, Any] = {
        "request_fingerprint": needed["fingerprint"],
        "node_id": needed["node"],
        "node_type": "action_http_request",
        "request": needed["request"],
    }
    if "error" in answer:
        fixture["response"] = None
        fixture["error"] = {**answer["error"], "message": answer["error"].get("message") or _go_error(needed["request"])}
    else:
        latency = answer.get("latency_ms")
        fixture["response"] = {key: value for key, value in answer.items() if key != "latency_ms"}
        if latency is not None:
            fixture["latency_ms"] = latency
    return fixture


def prepare_base(base: BaseWorkflow) -> BaseRun:
    """Discover a base workflow's world and check that its run completes and meets `accept`.

    Raises:
        BuildError: the run does not complete or misses its accept assertions.
    """
    world, result = discover_world(base, base.definition, queued_answers(base.answers))
    if result.run_status != "completed":
        raise BuildError(f"{base.name}: the base run is {result.run_status}: {result.error}")
    return BaseRun(base=base, world=world, result=result)


def consumed_fixtures(
    base: BaseWorkflow, definition: dict[str, Any], world: list[dict[str, Any]], *, trigger_data: Any = None
) -> tuple[list[dict[str, Any]], ReplayResult]:
    """Run a definition against a world and list the fixtures it used, in the order it used them.

    Raises:
        BuildError: the run makes a request the world has no answer left for.
    """
    remaining = [(fixture_fingerprint(fixture), fixture) for fixture in world]
    used: list[dict[str, Any]] = []

    def take(needed: dict[str, Any]) -> dict[str, Any] | None:
        for position, (fingerprint, fixture) in enumerate(remaining):
            if fingerprint == needed["fingerprint"]:
                del remaining[position]
                return fixture
        return None

    used, result = discover_world(base, definition, take, trigger_data=trigger_data, known=used)
    return used, result


def _go_error(request: dict[str, Any]) -> str:
    """Write a timeout as Go's HTTP client reports it: `Get "https://...": context deadline exceeded`."""
    method = str(request.get("method") or "GET")
    return f'HTTP request failed: {method[:1].upper()}{method[1:].lower()} "{request.get("url")}": context deadline exceeded'
