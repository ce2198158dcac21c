"""Fault injectors: each breaks a base workflow the way real runs break, and names the fix.

An injector returns a Variant: the definition the failed run ran, the world it saw (which a
re-run sees too), and the reference fix in the model's edit language. The assembly step runs
the variant and rejects any whose failure or fix does not behave as declared.
"""

import copy
from collections.abc import Callable
from typing import Any

from evals.corpus_builder.base import (
    BaseRun,
    BuildError,
    Variant,
    discover_world,
    make_fixture,
)
from evals.corpus_builder.dsl import response
from tools.patching import apply_patch, build_patch, parse_data_path

RETRY_AFTER_BODY = {"error": {"type": "rate_limit_exceeded", "message": "Too many requests, slow down."}}
GATEWAY_PAGE = "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center></body></html>"


def edited(definition: dict[str, Any], edits: list[dict[str, Any]]) -> dict[str, Any]:
    return apply_patch(definition, build_patch(definition, edits))


def value_at(definition: dict[str, Any], node_id: str, path: str) -> Any:
    value: Any = next(item for item in definition["nodes"] if item["id"] == node_id)["data"]
    for key in parse_data_path(path):
        value = value[key]
    return value


def change_config(
    run: BaseRun,
    *,
    kind: str,
    slug: str,
    node: str,
    changes: dict[str, Any],
    description: str,
    extra_answer: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
    history: bool = False,
) -> Variant:
    """Break a node by setting data paths; the fix sets them back."""
    base = run.base
    originals = {path: value_at(base.definition, node, path) for path in changes}
    definition = edited(base.definition, [{"node": node, "set": changes}])
    world = _world_for(run, definition, extra_answer)
    return Variant(
        slug=slug,
        kind=kind,
        description=description,
        definition=definition,
        world=world,
        trigger_data=base.trigger_data,
        accept=base.accept,
        fixable=True,
        reference_fix={"edits": [{"node": node, "set": originals}]},
        history=history,
    )


def replace_text(run: BaseRun, *, kind: str, slug: str, node: str, path: str, old: str, new: str, description: str, **options: Any) -> Variant:
    """Break a text value of a node by replacing part of it."""
    text = value_at(run.base.definition, node, path)
    if not isinstance(text, str) or old not in text:
        raise BuildError(f"{run.base.name}/{slug}: {old!r} is not in {node}.{path}")
    return change_config(run, kind=kind, slug=slug, node=node, changes={path: text.replace(old, new)}, description=description, **options)


def _world_for(run: BaseRun, definition: dict[str, Any], extra_answer: Callable[[dict[str, Any]], dict[str, Any] | None] | None) -> list[dict[str, Any]]:
    if extra_answer is None:
        return copy.deepcopy(run.world)
    world, _ = discover_world(run.base, definition, extra_answer, known=copy.deepcopy(run.world))
    return world


# Data mapping.


def misspell_field(run: BaseRun, *, node: str, path: str, field: str, misspelt: str) -> Variant:
    return replace_text(
        run, kind="data_mapping", slug=f"misspelt_{field}", node=node, path=path, old=f".{field}", new=f".{misspelt}",
        description=f"{node} maps `{misspelt}`, a misspelling of the upstream field `{field}`.",
    )


def wrong_nesting(run: BaseRun, *, node: str, path: str, old: str, new: str, slug: str) -> Variant:
    return replace_text(
        run, kind="data_mapping", slug=slug, node=node, path=path, old=old, new=new,
        description=f"{node} reads `{new}` where the data sits at `{old}`: the mapping has the wrong nesting.",
    )


def wrong_node_reference(run: BaseRun, *, node: str, path: str, old: str, new: str, slug: str) -> Variant:
    return replace_text(
        run, kind="data_mapping", slug=slug, node=node, path=path, old=old, new=new,
        description=f"{node} reads from `{new}`, a node that does not carry the field; it belongs to `{old}`.",
    )


# Configuration.


def strip_url_scheme(run: BaseRun, *, node: str) -> Variant:
    url = value_at(run.base.definition, node, "config.url")
    bare = url.split("://", 1)[1]
    return change_config(
        run, kind="invalid_config", slug="url_without_scheme", node=node, changes={"config.url": bare},
        description=f"The URL of {node} was pasted without https://, so the request is never sent.",
    )


def bad_enum(run: BaseRun, *, node: str, path: str, value: Any, slug: str) -> Variant:
    return change_config(
        run, kind="invalid_config", slug=slug, node=node, changes={path: value},
        description=f"{node}.{path} is set to {value!r}, which is not one of the values the node accepts.",
    )


def invalid_json_body(run: BaseRun, *, node: str, old: str, new: str) -> Variant:
    return replace_text(
        run, kind="invalid_config", slug="invalid_json_body", node=node, path="config.body", old=old, new=new,
        description=f"The JSON body of {node} was edited by hand and is no longer valid JSON.",
    )


# Branching, loops and code.


def condition_on_missing_field(run: BaseRun, *, node: str, path: str, old: str, new: str) -> Variant:
    return replace_text(
        run, kind="branching", slug="condition_missing_field", node=node, path=path, old=old, new=new,
        description=f"The condition {node} tests `{new}`, a field the data does not have.",
    )


def loop_over_object(run: BaseRun, *, node: str, items: str) -> Variant:
    return change_config(
        run, kind="loop_shape", slug="loop_over_object", node=node, changes={"config.items": items},
        description=f"The loop {node} iterates `{items}`, an object, instead of the list inside it.",
    )


def code_bug(run: BaseRun, *, node: str, old: str, new: str, slug: str, what: str) -> Variant:
    return replace_text(
        run, kind="code_exception", slug=slug, node=node, path="config.code", old=old, new=new,
        description=f"The JavaScript of {node} throws: {what}.",
    )


# Upstream behaviour.


def _with_answers_before(run: BaseRun, node: str, answers: list[dict[str, Any]], *, replace: bool = False) -> list[dict[str, Any]]:
    """Put error answers for a node's first request before its recorded answer, or in its place."""
    world = copy.deepcopy(run.world)
    position = next((index for index, fixture in enumerate(world) if fixture.get("node_id") == node), None)
    if position is None:
        raise BuildError(f"{run.base.name}: {node} makes no request in the base run")
    first = world[position]
    needed = {"fingerprint": first["request_fingerprint"], "node": node, "request": first["request"]}
    inserted = [make_fixture(needed, answer) for answer in answers]
    if replace:
        world[position : position + 1] = inserted
    else:
        world[position:position] = inserted
    return world


def _retry_fix(node: str, attempts: int, backoff: str, delay_ms: int) -> dict[str, Any]:
    return {"edits": [{"node": node, "set": {"retry": {"max_attempts": attempts, "backoff": backoff, "delay_ms": delay_ms}}}]}


def _same_run(run: BaseRun, **fields: Any) -> dict[str, Any]:
    return {"definition": run.base.definition, "trigger_data": run.base.trigger_data, "accept": run.base.accept, **fields}


def rate_limited(run: BaseRun, *, node: str, retry_after: int, provider: str) -> Variant:
    answer = response(429, RETRY_AFTER_BODY, {"Retry-After": str(retry_after), "X-RateLimit-Remaining": "0"})
    return Variant(
        slug=f"rate_limited_{retry_after}s", kind="rate_limit",
        description=f"{provider} responded to {node} with 429 and Retry-After: {retry_after}; the node has no retry policy.",
        world=_with_answers_before(run, node, [answer]), fixable=True,
        reference_fix=_retry_fix(node, 3, "fixed", retry_after * 1000), **_same_run(run),
    )


def server_error(run: BaseRun, *, node: str, status: int, failures: int, provider: str) -> Variant:
    page = response(status, GATEWAY_PAGE.format(status=status), {"Content-Type": "text/html"})
    return Variant(
        slug=f"server_error_{status}", kind="transient_upstream",
        description=f"{provider} responded to {node} with {status} {failures} time(s) and then recovered; the node has no retry policy.",
        world=_with_answers_before(run, node, [page] * failures), fixable=True,
        reference_fix=_retry_fix(node, failures + 2, "exponential", 2000), **_same_run(run),
    )


def upstream_outage(run: BaseRun, *, node: str, status: int, provider: str) -> Variant:
    page = response(status, GATEWAY_PAGE.format(status=status), {"Content-Type": "text/html"})
    return Variant(
        slug=f"outage_{status}", kind="transient_upstream",
        description=f"{provider} is down: every request of {node} gets {status}, so retries cannot help.",
        world=_with_answers_before(run, node, [page] * 8, replace=True), fixable=False,
        reference_fix=_retry_fix(node, 4, "exponential", 2000), **_same_run(run),
    )


def flaky_timeout(run: BaseRun, *, node: str, provider: str) -> Variant:
    timeout = {"error": {"code": "HTTP_TIMEOUT", "message": None}}
    return Variant(
        slug="flaky_timeout", kind="timeout",
        description=f"One request of {node} to {provider} timed out; the next one succeeds at once. The node has no retry.",
        world=_with_answers_before(run, node, [timeout]), fixable=True,
        reference_fix=_retry_fix(node, 2, "fixed", 5000), **_same_run(run),
    )


def slow_upstream(run: BaseRun, *, node: str, timeout_s: int, latency_ms: int, provider: str) -> Variant:
    world = copy.deepcopy(run.world)
    for fixture in world:
        if fixture.get("node_id") == node:
            fixture["latency_ms"] = latency_ms
    definition = edited(run.base.definition, [{"node": node, "set": {"config.timeout": timeout_s}}])
    return Variant(
        slug=f"slow_{latency_ms // 1000}s", kind="timeout",
        description=f"{provider} now takes {latency_ms / 1000:g} s to respond to {node}, past its {timeout_s} s timeout; retrying cannot help.",
        definition=definition, world=world, trigger_data=run.base.trigger_data, accept=run.base.accept, fixable=True,
        reference_fix={"edits": [{"node": node, "set": {"config.timeout": 30}}]}, history=True,
    )


def expired_credential(run: BaseRun, *, node: str, credential: str, status: str, provider: str) -> Variant:
    body = {"error": {"type": "invalid_token", "message": f"The access token {'expired' if status == 'expired' else 'was revoked'}."}}
    credentials = [{**item, "status": status} if item["name"] == credential else item for item in run.base.credentials]
    return Variant(
        slug=f"credential_{status}", kind="auth_expired",
        description=f"{provider} returns 401: the credential {credential} is {status}. Only reconnecting it helps.",
        world=_with_answers_before(run, node, [response(401, body)] * 4, replace=True), fixable=False,
        reference_fix={"action": {"type": "reconnect_credential", "credential": credential}},
        expect_action="reconnect_credential", credentials=credentials, **_same_run(run),
    )


def missing_auth_scheme(run: BaseRun, *, node: str, provider: str) -> Variant:
    unauthorized = response(401, {"error": "invalid_authorization_header", "message": "Expected: Authorization: Bearer <token>"})
    return replace_text(
        run, kind="auth_expired", slug="missing_bearer_scheme", node=node, path="config.headers.Authorization",
        old="Bearer ", new="",
        description=f"{provider} returns 401 because the Authorization header of {node} lost its Bearer scheme.",
        extra_answer=lambda needed: make_fixture(needed, unauthorized) if needed.get("node") == node else None,
    )


def deleted_resource(run: BaseRun, *, node: str, provider: str, what: str) -> Variant:
    body = {"error": {"type": "not_found", "message": f"No such {what}."}}
    return Variant(
        slug="deleted_resource", kind="other",
        description=f"{provider} returns 404 for {node}: the {what} was deleted upstream, so no edit brings it back.",
        world=_with_answers_before(run, node, [response(404, body)] * 4, replace=True), fixable=False,
        reference_fix=None, **_same_run(run),
    )


def upstream_changed(
    run: BaseRun,
    *,
    node: str,
    reshape: Callable[[Any], Any],
    edits: list[dict[str, Any]],
    slug: str,
    description: str,
    kind: str = "api_schema_change",
) -> Variant:
    """Change a node's response bodies in the world; the last success saw the old shape."""
    world = copy.deepcopy(run.world)
    for fixture in world:
        if fixture.get("node_id") == node and fixture.get("response"):
            fixture["response"]["body"] = reshape(fixture["response"]["body"])
    return Variant(
        slug=slug, kind=kind, description=description, world=world, fixable=True,
        reference_fix={"edits": edits}, history=True, history_world=copy.deepcopy(run.world), **_same_run(run),
    )


def trigger_changed(
    run: BaseRun,
    *,
    reshape: Callable[[Any], Any],
    edits: list[dict[str, Any]] | None,
    slug: str,
    kind: str,
    description: str,
    fixable: bool = True,
    expect_action: str | None = None,
) -> Variant:
    """Send the workflow a trigger payload of another shape or type than it was built for."""
    trigger_data = reshape(copy.deepcopy(run.base.trigger_data))
    world, _ = discover_world(run.base, run.base.definition, lambda needed: None, trigger_data=trigger_data, known=copy.deepcopy(run.world))
    return Variant(
        slug=slug, kind=kind, description=description, definition=run.base.definition, world=world,
        trigger_data=trigger_data, accept=run.base.accept, fixable=fixable,
        reference_fix={"edits": edits} if edits else None, expect_action=expect_action,
    )
