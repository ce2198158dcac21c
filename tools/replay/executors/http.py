"""`action_http_request`: build the request as LinkFlow's engine would, and serve its response from fixtures.

The request is never sent. Its fingerprint, computed after redaction as import computes the
fixtures' fingerprints, selects the next unused fixture. A request with none left makes the node
not checked.
"""

import json
import re
from typing import Any

from tools.expressions import describe_value
from tools.expressions.values import template_text
from tools.fingerprint import fingerprint_request
from tools.redaction import redact
from tools.replay.executors.base import NodeCall, require_text
from tools.replay.executors.retry import retry_delay_ms, retry_policy
from tools.replay.failures import NodeFailure, NotChecked, invalid_config

# LinkFlow's HTTP client stops every request after this long, whatever the node's timeout.
CLIENT_TIMEOUT_S = 30

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_AUTHORITY_END = re.compile(r"[/?#]")
_SUPPORTED_SCHEMES = ("http", "https")
# Statuses that a retry can change; another 4xx status would come back the same.
_RETRYABLE_STATUSES = frozenset({408, 425, 429})


def execute_http_request(call: NodeCall) -> dict[str, Any]:
    """Serve the node's request from fixtures, retrying as its retry policy sets.

    Raises:
        NodeFailure: the configuration cannot make a request, or the fixture is an error response.
        NotChecked: no fixture is left for an attempt.
    """
    request = build_request(call)
    check_url(request)
    fingerprint = fingerprint_request(redact(request).value)
    policy = retry_policy(call)
    timeout_ms = _timeout_s(call) * 1000

    attempt = 1
    while True:
        call.attempts = attempt
        fixture = call.state.fixtures.take(fingerprint)
        if fixture is None:
            raise NotChecked(_needed(request, fingerprint, attempt))
        try:
            return answer_from_fixture(fixture, request, fingerprint, attempt, timeout_ms, call)
        except NodeFailure as failure:
            if attempt >= policy.max_attempts or not failure.detail.get("retryable"):
                raise
            call.state.clock.advance(retry_delay_ms(policy, attempt, failure.output))
        attempt += 1


def build_request(call: NodeCall) -> dict[str, Any]:
    """Render method, url, headers and body into the request LinkFlow's engine would send.

    `query_params` is left out, because LinkFlow's engine does not add it to the request.
    """
    method = require_text(call.config_value("method", "GET"), "method") or "GET"
    if "url" not in call.config or call.config["url"] in (None, ""):
        raise invalid_config("url is missing: an HTTP request node needs an absolute http:// or https:// URL")
    url = call.render_text(call.config["url"], where="url")
    return {"method": method, "url": url, "headers": _headers(call), "body": _body(call)}


def check_url(request: dict[str, Any]) -> None:
    """Fail a URL that Go's HTTP client refuses, with the message LinkFlow's engine reports."""
    url = request["url"]
    match = _SCHEME.match(url)
    scheme = match.group(1) if match else ""
    if scheme.lower() not in _SUPPORTED_SCHEMES:
        reason = f'unsupported protocol scheme "{scheme}"'
    elif not _host(url[len(scheme) + 1 :]):
        reason = "http: no Host in request URL"
    else:
        return

    raise NodeFailure(
        "HTTP_REQUEST_FAILED",
        f'HTTP request failed: {_operation(request)} "{url}": {reason}',
        {"url": url, "scheme": scheme, "reason": reason},
    )


def _host(after_scheme: str) -> str:
    # Without "//" Go reads the rest as an opaque path, which has no host either.
    if not after_scheme.startswith("//"):
        return ""
    authority = _AUTHORITY_END.split(after_scheme[2:], maxsplit=1)[0]
    return authority.rsplit("@", 1)[-1].split(":", 1)[0]


def answer_from_fixture(
    fixture: dict[str, Any], request: dict[str, Any], fingerprint: str, attempt: int, timeout_ms: int, call: NodeCall
) -> dict[str, Any]:
    """Turn a fixture into the node's output, or into the failure it records.

    Raises:
        NodeFailure: the fixture is an error response or has status 400 or more.
        ValueError: the fixture's response is not an object, so the fixture itself is broken.
    """
    response = fixture.get("response")
    if response is None:
        raise _fixture_error(fixture, request, fingerprint, attempt, timeout_ms, call)
    if not isinstance(response, dict):
        raise ValueError(
            f"fixture {fingerprint} for {request['method']} {request['url']} has a response that is not an object: "
            f"{describe_value(response)}; a response is {{status_code, headers, body}}"
        )

    output = normalize_response(response)
    status = output["status_code"]
    if isinstance(status, int) and status >= 400:
        kind = "server" if status >= 500 else "client"
        raise NodeFailure(
            f"HTTP_{kind.upper()}_ERROR",
            f"{kind} error: status {status}",
            {
                "status_code": status,
                "fingerprint": fingerprint,
                "attempt": attempt,
                "retryable": status >= 500 or status in _RETRYABLE_STATUSES,
            },
            output=output,
        )
    return output


def normalize_response(response: dict[str, Any]) -> dict[str, Any]:
    """Give a fixture's response the node output's shape; a text body that is not JSON is wrapped."""
    body = response.get("body")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            body = {"body": body}
    headers = response.get("headers")
    return {
        "status_code": response.get("status_code", 200),
        "headers": headers if isinstance(headers, dict) else {},
        "body": body,
    }


def _fixture_error(
    fixture: dict[str, Any], request: dict[str, Any], fingerprint: str, attempt: int, timeout_ms: int, call: NodeCall
) -> NodeFailure:
    error = fixture.get("error") if isinstance(fixture.get("error"), dict) else {}
    code = error.get("code") or "HTTP_REQUEST_FAILED"
    if code == "HTTP_TIMEOUT":
        # The attempt took the whole timeout before it failed.
        call.state.clock.advance(timeout_ms)
        default_message = f'HTTP request failed: {_operation(request)} "{request["url"]}": context deadline exceeded'
    else:
        default_message = f'HTTP request failed: {_operation(request)} "{request["url"]}": no response'
    return NodeFailure(
        code,
        error.get("message") or default_message,
        {"fingerprint": fingerprint, "attempt": attempt, "retryable": True, "fixture_error": True},
    )


def _operation(request: dict[str, Any]) -> str:
    # Go names the operation after the method with only its first letter capitalized: `Post "..."`.
    method = request["method"]
    return method[:1].upper() + method[1:].lower()


def _headers(call: NodeCall) -> dict[str, str]:
    raw = call.config.get("headers")
    if raw is None:
        return {}
    headers = call.render(raw, where="headers")
    if not isinstance(headers, dict):
        raise invalid_config(f"headers: expected an object of header names to text, got {describe_value(headers)}")

    rendered: dict[str, str] = {}
    for name, value in headers.items():
        rendered[str(name)] = value if isinstance(value, str) else template_text(value)
    return rendered


def _body(call: NodeCall) -> Any:
    body = call.config.get("body")
    body_type = call.config_value("body_type", "json")
    if body is None or body_type == "none":
        return None
    if not isinstance(body, str):
        return call.render(body, where="body")

    text = call.render_text(body, where="body")
    if body_type == "json":
        _check_json_text(text)
    return text


def _check_json_text(text: str) -> None:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        preview = text if len(text) <= 80 else text[:77] + "..."
        raise NodeFailure(
            "INVALID_JSON_BODY",
            f"body: with body_type json the rendered body must be valid JSON, but {json.dumps(preview)} is not "
            f"({error.args[0] if error.args else error})",
            {"field": "body", "body": preview},
        ) from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def _timeout_s(call: NodeCall) -> float:
    timeout = call.config_value("timeout", CLIENT_TIMEOUT_S)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise invalid_config(f"timeout: expected a positive number of seconds, got {describe_value(timeout)}")
    return min(timeout, CLIENT_TIMEOUT_S)


def _needed(request: dict[str, Any], fingerprint: str, attempt: int) -> dict[str, Any]:
    return {
        "reason": f"no fixture left for attempt {attempt} of {request['method']} {request['url']}",
        "method": request["method"],
        "url": request["url"],
        "fingerprint": fingerprint,
        "attempt": attempt,
        "request": redact(request).value,
    }
