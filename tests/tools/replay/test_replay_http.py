"""HTTP requests: how they are built and fingerprinted, and how error responses fail the node."""

import pytest

from tests.tools.replay.builders import (
    chain,
    fixture,
    http,
    request,
    response,
    set_values,
    trigger,
    workflow,
)
from tools.replay import run_workflow

URL = "https://api.example.com/orders"


def _one_request(node: dict, fixtures: list[dict], trigger_data: object = None):
    definition = workflow(
        [trigger(), node, set_values("after", {"seen": "{{ fetch.status_code }}"})], chain("start", "fetch", "after")
    )
    return run_workflow(definition, trigger_data=trigger_data or {}, fixtures=fixtures)


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [(404, "HTTP_CLIENT_ERROR", "client error: status 404"), (503, "HTTP_SERVER_ERROR", "server error: status 503")],
)
def test_error_status_fails_node_with_response_as_output(status: int, code: str, message: str) -> None:
    result = _one_request(http("fetch", URL), [fixture(request(URL), response(status, {"error": "nope"}))])

    fetch = result.nodes["fetch"]
    assert fetch.status == "failed"
    assert fetch.error["code"] == code
    assert fetch.error["message"] == message
    assert fetch.output["body"] == {"error": "nope"}
    assert result.nodes["after"].status == "pending"


def test_on_error_continue_passes_response_on() -> None:
    result = _one_request(http("fetch", URL, onError="continue"), [fixture(request(URL), response(404))])

    assert result.nodes["fetch"].status == "failed"
    assert result.nodes["fetch"].error_ignored
    assert result.nodes["after"].status == "completed"
    assert result.nodes["after"].output["seen"] == 404
    assert result.run_status == "completed"


@pytest.mark.parametrize(
    ("url", "method", "message"),
    [
        (
            "api.shipbob.com/1.0/order",
            "POST",
            'HTTP request failed: Post "api.shipbob.com/1.0/order": unsupported protocol scheme ""',
        ),
        (
            "ftp://files.example.com/a",
            "GET",
            'HTTP request failed: Get "ftp://files.example.com/a": unsupported protocol scheme "ftp"',
        ),
        ("https:///path", "GET", 'HTTP request failed: Get "https:///path": http: no Host in request URL'),
    ],
)
def test_url_go_refuses_fails_like_engine(url: str, method: str, message: str) -> None:
    result = _one_request(http("fetch", url, method=method), [])

    assert result.nodes["fetch"].error["code"] == "HTTP_REQUEST_FAILED"
    assert result.nodes["fetch"].error["message"] == message


def test_missing_method_is_sent_as_get() -> None:
    node = http("fetch", URL)
    del node["data"]["config"]["method"]

    result = _one_request(node, [fixture(request(URL, method="GET"), response(200))])

    assert result.nodes["fetch"].status == "completed"


def test_object_body_keeps_key_order_and_types() -> None:
    body = {
        "total": "{{ trigger.total }}",
        "note": "order {{ trigger.id }}",
        "lines": "{{ trigger.lines }}",
        "fixed": True,
    }
    sent = request(URL, method="POST", body={"total": 12.5, "note": "order 7", "lines": [{"sku": "A"}], "fixed": True})
    trigger_data = {"total": 12.5, "id": 7, "lines": [{"sku": "A"}]}

    result = _one_request(http("fetch", URL, method="POST", body=body), [fixture(sent, response(201))], trigger_data)

    assert result.nodes["fetch"].status == "completed"


def test_reordered_body_misses_fixture() -> None:
    body = {"b": 1, "a": 2}
    reordered = request(URL, method="POST", body={"a": 2, "b": 1})

    result = _one_request(http("fetch", URL, method="POST", body=body), [fixture(reordered, response(201))])

    assert result.nodes["fetch"].status == "not_checked"


def test_json_text_body_is_sent_as_text() -> None:
    template = '{"id": {{ trigger.id }}, "tag": "{{ trigger.tag }}"}'
    sent = request(URL, method="POST", body='{"id": 7, "tag": "vip"}')

    result = _one_request(
        http("fetch", URL, method="POST", body=template), [fixture(sent, response(201))], {"id": 7, "tag": "vip"}
    )

    assert result.nodes["fetch"].status == "completed"


def test_invalid_json_text_body_fails_node() -> None:
    template = '{"id": {{ trigger.id }}, }'

    result = _one_request(http("fetch", URL, method="POST", body=template), [], {"id": 7})

    error = result.nodes["fetch"].error
    assert error["code"] == "INVALID_JSON_BODY"
    assert '"{\\"id\\": 7, }"' in error["message"]


def test_text_body_type_allows_any_text() -> None:
    node = http("fetch", URL, method="POST", body="hello {{ trigger.name }}")
    node["data"]["config"]["body_type"] = "text"
    sent = request(URL, method="POST", body="hello Ada")

    result = _one_request(node, [fixture(sent, response(200))], {"name": "Ada"})

    assert result.nodes["fetch"].status == "completed"


def test_rendered_values_are_not_url_encoded() -> None:
    node = http("fetch", "https://api.example.com/find?email={{ trigger.email }}")
    sent = request("https://api.example.com/find?email=a+b@example.com")

    result = _one_request(node, [fixture(sent, response(200))], {"email": "a+b@example.com"})

    assert result.nodes["fetch"].status == "completed"


def test_non_json_text_response_is_wrapped() -> None:
    answer = {"status_code": 200, "headers": {"Content-Type": "text/plain"}, "body": "pong"}

    result = _one_request(http("fetch", URL), [fixture(request(URL), answer)])

    assert result.nodes["fetch"].output == {
        "status_code": 200,
        "headers": {"Content-Type": "text/plain"},
        "body": {"body": "pong"},
    }


def test_json_text_response_is_parsed() -> None:
    answer = {"status_code": 200, "headers": {}, "body": '{"id": 3}'}

    result = _one_request(http("fetch", URL), [fixture(request(URL), answer)])

    assert result.nodes["fetch"].output["body"] == {"id": 3}


def test_missing_fixture_names_needed_request() -> None:
    result = _one_request(http("fetch", URL, method="DELETE"), [])

    needed = result.nodes["fetch"].needed
    assert needed["method"] == "DELETE"
    assert needed["url"] == URL
    assert len(needed["fingerprint"]) == 64
    assert result.needed == [needed]


def test_headers_that_are_not_an_object_fail_node() -> None:
    node = http("fetch", URL)
    node["data"]["config"]["headers"] = "{{ trigger.headers }}"

    result = _one_request(node, [], {"headers": ["Accept"]})

    assert result.nodes["fetch"].error["code"] == "INVALID_CONFIG"
    assert (
        result.nodes["fetch"].error["message"]
        == "headers: expected an object of header names to text, got a list of 1 item"
    )
