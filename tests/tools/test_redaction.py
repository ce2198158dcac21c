import copy
import json

import pytest

from tools.redaction import (
    CROSS_REPLACE_MIN_LENGTH,
    DEFINITION_FINDING_MESSAGE,
    SECRET_MASK,
    BundleRedactionResult,
    RedactionResult,
    is_secret_name,
    redact,
    redact_bundle,
    split_name_words,
)

BEARER_TOKEN = "eyJhbGciOiJIUzI1NiJ9.c3ViMTIz.sig_4f9a8b7c"
LITERAL_API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dc"
CRM_PASSWORD = "Tr0ub4dor&3"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("X-Api-Key", ["x", "api", "key"]),
        ("clientSecret", ["client", "secret"]),
        ("APIKey", ["api", "key"]),
        ("apikey", ["apikey"]),
        ("api-key", ["api", "key"]),
        ("signingKey", ["signing", "key"]),
        ("private_key", ["private", "key"]),
        ("Set-Cookie", ["set", "cookie"]),
        ("session.id", ["session", "id"]),
        ("refresh token", ["refresh", "token"]),
        ("oauth2Token", ["oauth", "2", "token"]),
        ("HTTPSProxy", ["https", "proxy"]),
        ("", []),
    ],
)
def test_split_name_words_table(name, words):
    assert split_name_words(name) == words


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Api-Key",
        "clientSecret",
        "access_key",
        "signingKey",
        "private_key",
        "secret_key",
        "apiKey",
        "APIKey",
        "api-key",
        "apikey",
        "x-auth-token",
        "session_id",
        "password",
        "passwd",
        "pwd",
        "signature",
        "X-Amz-Signature",
        "access_token",
        "refreshToken",
        "client_secret",
        "auth",
        "tokens",
        "api_keys",
    ],
)
def test_is_secret_name_with_secret_word_returns_true(name):
    assert is_secret_name(name) is True


@pytest.mark.parametrize(
    "name",
    [
        "author",
        "keyword",
        "key",
        "monkey",
        "public_key",
        "api_public_key",
        "key_api",
        "tokenizer",
        "authentication",
        "credential",
        "Accept",
        "Content-Type",
        "customer_id",
        "passage",
    ],
)
def test_is_secret_name_without_secret_word_returns_false(name):
    assert is_secret_name(name) is False


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("Authorization", "Bearer abc123", "Bearer [REDACTED]"),
        ("Authorization", "Basic dXNlcjpwYXNz", "Basic [REDACTED]"),
        ("Authorization", "Token 9944b09199c62bcf", "Token [REDACTED]"),
        ("Authorization", 'Digest username="bob", response="6629fae4"', "Digest [REDACTED]"),
        ("Authorization", "bearer abc123", "bearer [REDACTED]"),
        ("Authorization", "raw-secret-value", "[REDACTED]"),
        ("Proxy-Authorization", "Basic cHJveHk6cHc=", "Basic [REDACTED]"),
        ("Cookie", "session=abc123; theme=dark", "[REDACTED]"),
        ("X-Api-Key", "sk_test_123", "[REDACTED]"),
        ("x-auth-token", "t0k3n", "[REDACTED]"),
    ],
)
def test_redact_header_value_keeps_scheme_word(header, value, expected):
    result = redact({"headers": {header: value}})

    assert result.value["headers"][header] == expected


@pytest.mark.parametrize(
    "header",
    ["Accept", "Content-Type", "X-Request-Id", "User-Agent"],
)
def test_redact_neutral_header_keeps_value(header):
    result = redact({"headers": {header: "value-123456"}})

    assert result.value["headers"][header] == "value-123456"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://api.example.com/items?api_key=abc123&page=2",
            "https://api.example.com/items?api_key=[REDACTED]&page=2",
        ),
        (
            "https://api.example.com/items?page=2&access_token=zz9#top",
            "https://api.example.com/items?page=2&access_token=[REDACTED]#top",
        ),
        (
            "https://s3.example.com/f?X-Amz-Signature=0f1e2d&X-Amz-Date=20260301",
            "https://s3.example.com/f?X-Amz-Signature=[REDACTED]&X-Amz-Date=20260301",
        ),
        (
            "https://api.example.com/items?key=k1&keyword=shoes&author=ann",
            "https://api.example.com/items?key=k1&keyword=shoes&author=ann",
        ),
        (
            "https://api.example.com/items?token={{ credential.crm_token }}",
            "https://api.example.com/items?token={{ credential.crm_token }}",
        ),
        (
            "https://api.example.com/items?token=&page=1",
            "https://api.example.com/items?token=&page=1",
        ),
    ],
)
def test_redact_url_masks_secret_query_parameters(url, expected):
    assert redact({"url": url}).value["url"] == expected


def test_redact_form_body_masks_secret_fields():
    body = "grant_type=client_credentials&client_secret=s3cr3t-value&scope=read"

    result = redact({"body": body})

    assert result.value["body"] == "grant_type=client_credentials&client_secret=[REDACTED]&scope=read"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "key follows -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY----- done",
            "key follows [REDACTED] done",
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk\\n-----END OPENSSH PRIVATE KEY-----",
            "[REDACTED]",
        ),
        (
            "cert: -----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "cert: [REDACTED]",
        ),
        (
            "truncated: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI",
            "truncated: [REDACTED]",
        ),
    ],
)
def test_redact_pem_block_in_any_string(text, expected):
    assert redact({"message": text}).value["message"] == expected


def test_redact_secret_object_masks_leaves_and_keeps_shape():
    value = {"auth": {"user": "bob", "pin": 1234, "enabled": True, "note": None, "scopes": ["read", {"level": 2}]}}

    result = redact(value)

    assert result.value == {
        "auth": {
            "user": SECRET_MASK,
            "pin": SECRET_MASK,
            "enabled": SECRET_MASK,
            "note": None,
            "scopes": [SECRET_MASK, {"level": SECRET_MASK}],
        }
    }


@pytest.mark.parametrize("value", [0, 123456, 1.5, True, False])
def test_redact_scalar_under_secret_name_becomes_mask(value):
    assert redact({"password": value}).value["password"] == SECRET_MASK


def test_redact_null_under_secret_name_stays_null():
    assert redact({"password": None}).value["password"] is None


def test_redact_empty_string_under_secret_name_stays_empty():
    assert redact({"password": ""}).value["password"] == ""


def test_redact_bare_scheme_word_is_not_secret():
    result = redact({"token_type": "Bearer", "access_token": "at_98765xyz"})

    assert result.value == {"token_type": "Bearer", "access_token": SECRET_MASK}


def test_redact_copies_secret_into_log_line():
    value = {
        "headers": {"X-Api-Key": "abc123xyz"},
        "logs": [{"message": "retrying with token abc123xyz after 429"}],
    }

    result = redact(value)

    assert result.value["logs"][0]["message"] == f"retrying with token {SECRET_MASK} after 429"


def test_redact_copies_bearer_token_part_keeping_scheme():
    value = {"headers": {"Authorization": "Bearer abc123xyz"}, "note": "sent Bearer abc123xyz twice"}

    result = redact(value)

    assert result.value["note"] == f"sent Bearer {SECRET_MASK} twice"


def test_redact_copies_cookie_value_into_other_strings():
    value = {"headers": {"Set-Cookie": "sid=q8w7e6r5t4; Path=/; HttpOnly"}, "message": "session q8w7e6r5t4 expired at Path=/"}

    result = redact(value)

    assert result.value["message"] == f"session {SECRET_MASK} expired at Path=/"


def test_redact_copies_header_line_cookies():
    value = {"log": "Cookie: a=1; sid=CLsecret6666", "later": "resumed CLsecret6666"}

    assert redact(value).value["later"] == f"resumed {SECRET_MASK}"


def test_redact_short_secret_is_not_copied_elsewhere():
    short = "x" * (CROSS_REPLACE_MIN_LENGTH - 1)
    value = {"password": short, "message": f"user {short} logged in"}

    result = redact(value)

    assert result.value["password"] == SECRET_MASK
    assert result.value["message"] == f"user {short} logged in"


def test_redact_secret_at_threshold_length_is_copied_elsewhere():
    secret = "y" * CROSS_REPLACE_MIN_LENGTH
    value = {"password": secret, "message": f"user {secret} logged in"}

    result = redact(value)

    assert result.value["message"] == f"user {SECRET_MASK} logged in"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("request failed, Authorization: Bearer xyz", "request failed, Authorization: Bearer [REDACTED]"),
        ("proxy-authorization=Basic cHc6cHc= rejected", "proxy-authorization=Basic [REDACTED] rejected"),
        ("upstream said Authorization:abc 401", "upstream said Authorization:[REDACTED] 401"),
        (f"call failed with Bearer {BEARER_TOKEN}.", f"call failed with Bearer {SECRET_MASK}."),
        ("Bearer tokens expire after an hour", "Bearer tokens expire after an hour"),
        ("Authorization header missing", "Authorization header missing"),
        ("level=error token=abc123 msg=denied", "level=error token=[REDACTED] msg=denied"),
        ('level=error password="a b c" user=bob', 'level=error password="[REDACTED]" user=bob'),
        ("sent X-Api-Key: sk_live_abc123 to the API", "sent X-Api-Key: [REDACTED] to the API"),
        ("X-Api-Key:sk_live_abc123", "X-Api-Key:[REDACTED]"),
        ("Cookie: sid=abc123; theme=dark\nAccept: */*", "Cookie: [REDACTED]\nAccept: */*"),
        ("X-Auth-Token: Token abc123def", "X-Auth-Token: Token [REDACTED]"),
        ("Accept: application/json", "Accept: application/json"),
        ("postgres://app:s3cret-pw@db.internal/app", "postgres://app:[REDACTED]@db.internal/app"),
        ("see https://user@example.com/a:b@c", "see https://user@example.com/a:b@c"),
    ],
)
def test_redact_inline_secret_in_free_text(message, expected):
    assert redact({"message": message}).value["message"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"password": "hunter22", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'),
        ("{'api_key': 'sk_abc', 'page': 2}", "{'api_key': '[REDACTED]', 'page': 2}"),
        ('{"Authorization":"Bearer abc"}', '{"Authorization":"Bearer [REDACTED]"}'),
        ('{"secret": "a\\"b"}', '{"secret": "[REDACTED]"}'),
        ('{"author": "ann"}', '{"author": "ann"}'),
    ],
)
def test_redact_quoted_secret_pair_inside_text(text, expected):
    assert redact({"body": {"body": text}}).value["body"]["body"] == expected


@pytest.mark.parametrize(
    "value",
    [
        "Bearer {{ credential.crm_token }}",
        "{{ credential.api_key }}",
        "{{credential.user}}:{{ credential.password }}",
        "Basic {{ env.BASIC_AUTH }}",
    ],
)
def test_redact_credential_template_stays(value):
    result = redact({"headers": {"Authorization": value, "X-Api-Key": value}})

    assert result.value == {"headers": {"Authorization": value, "X-Api-Key": value}}
    assert result.secrets_found == 0
    assert result.paths == []


def test_redact_literal_mixed_with_template_is_masked():
    result = redact({"X-Api-Key": "sk_live_{{ env.suffix }}"})

    assert result.value["X-Api-Key"] == SECRET_MASK


def test_redact_credential_reference_inside_secret_object_stays():
    value = {"auth": {"type": "bearer", "credential": "crm_token", "token": "abc123xyz"}}

    result = redact(value)

    assert result.value["auth"]["credential"] == "crm_token"
    assert result.value["auth"]["token"] == SECRET_MASK


def test_redact_name_value_pair_masks_value():
    value = {"headers": [{"name": "X-Api-Key", "value": "k_123456"}, {"name": "Accept", "value": "text/csv"}]}

    result = redact(value)

    assert result.value["headers"][0] == {"name": "X-Api-Key", "value": SECRET_MASK}
    assert result.value["headers"][1] == {"name": "Accept", "value": "text/csv"}


def test_redact_reports_json_paths_without_values():
    value = {
        "nodes": [
            {"input": {"headers": {"Accept": "json"}}},
            {"input": {"headers": {"Authorization": "Bearer abc123xyz", "X-Api-Key": "k_999999"}}},
        ],
        "log": "retry with abc123xyz",
    }

    result = redact(value)

    assert result.paths == [
        "$.nodes[1].input.headers.Authorization",
        "$.nodes[1].input.headers['X-Api-Key']",
        "$.log",
    ]
    assert "abc123xyz" not in json.dumps(result.paths)


def test_redact_counts_masked_occurrences():
    value = {"password": "hunter22", "copies": ["hunter22 and hunter22"], "url": "/x?token=t0k3n"}

    result = redact(value)

    assert result.secrets_found == 4


def test_redact_returns_redaction_result():
    assert isinstance(redact({"a": 1}), RedactionResult)


def test_redact_top_level_string_masks_copies():
    text = "Authorization: Bearer abc123xyz, then abc123xyz again"

    result = redact(text)

    assert result.value == f"Authorization: Bearer {SECRET_MASK}, then {SECRET_MASK} again"
    assert result.paths == ["$"]


def test_redact_keeps_key_order():
    value = {"z": 1, "password": "hunter22", "a": {"y": 2, "b": 3}}

    result = redact(value)

    assert list(result.value) == ["z", "password", "a"]
    assert list(result.value["a"]) == ["y", "b"]


def test_redact_does_not_mutate_input():
    value = _realistic_bundle()
    snapshot = copy.deepcopy(value)

    redact(value)

    assert value == snapshot


def test_redact_twice_equals_once():
    value = _realistic_bundle()

    once = redact(value).value
    twice = redact(once)

    assert twice.value == once
    assert twice.secrets_found == 0
    assert twice.paths == []


def test_redact_secret_inside_mask_word():
    result = redact({"password": "REDACTED", "other": {"token": "abc123xyz"}})

    assert result.value == {"password": SECRET_MASK, "other": {"token": SECRET_MASK}}


def _realistic_bundle():
    definition = {
        "nodes": [
            {
                "id": "order_hook",
                "type": "trigger_webhook",
                "data": {"label": "New order", "config": {"method": ["POST"], "path": "orders"}},
            },
            {
                "id": "fetch_customer",
                "type": "action_http_request",
                "data": {
                    "label": "Fetch customer",
                    "config": {
                        "method": "GET",
                        "url": "https://api.example.com/customers/{{ trigger.body.customer_id }}",
                        "headers": {
                            "Authorization": "Bearer {{ credential.crm_token }}",
                            "X-Api-Key": LITERAL_API_KEY,
                        },
                        "timeout": 30,
                    },
                    "credential": "crm_token",
                },
            },
            {
                "id": "post_invoice",
                "type": "integration_stripe",
                "data": {"config": {"api_key": LITERAL_API_KEY, "amount": "{{ trigger.body.total }}"}},
            },
        ],
        "edges": [
            {"id": "e1", "source": "order_hook", "target": "fetch_customer"},
            {"id": "e2", "source": "fetch_customer", "target": "post_invoice"},
        ],
    }
    request = {
        "method": "GET",
        "url": "https://api.example.com/customers/42",
        "headers": {"Authorization": f"Bearer {BEARER_TOKEN}", "X-Api-Key": LITERAL_API_KEY},
        "body": None,
    }
    execution = {
        "execution_id": 812,
        "workflow_id": "wf_orders",
        "workspace_id": "ws_acme",
        "workflow_version": 7,
        "workflow": {"version": 7, "name": "Orders", "definition": copy.deepcopy(definition)},
        "status": "failed",
        "trigger_data": {"body": {"customer_id": 42, "total": 99.5}, "headers": {"Cookie": "sid=zxcvbnm123; lang=en"}},
        "nodes": [
            {
                "node_id": "order_hook",
                "node_type": "trigger_webhook",
                "status": "completed",
                "output": {"body": {"customer_id": 42, "total": 99.5}},
                "sequence": 1,
            },
            {
                "node_id": "fetch_customer",
                "node_type": "action_http_request",
                "status": "failed",
                "input": copy.deepcopy(request),
                "output": {"status_code": 401, "headers": {}, "body": {"error": "invalid token"}},
                "error": {"message": f"HTTP 401 for Authorization: Bearer {BEARER_TOKEN}", "code": "HTTP_401"},
                "started_at": "2026-03-01T09:30:00Z",
                "sequence": 2,
            },
        ],
        "error": {"message": "fetch_customer failed with HTTP 401", "failed_node": "fetch_customer"},
        "started_at": "2026-03-01T09:30:00Z",
        "logs": [
            {
                "level": "error",
                "message": f"retrying with token {BEARER_TOKEN}",
                "node_id": "fetch_customer",
                "logged_at": "2026-03-01T09:30:01Z",
                "context": {"password": CRM_PASSWORD, "attempt": 2, "session": {"node": "fetch_customer"}},
            },
            {
                "level": "info",
                "message": f"login as crm with {CRM_PASSWORD}",
                "logged_at": "2026-03-01T09:30:02Z",
            },
        ],
        "deterministic_fixtures": [
            {
                "request_fingerprint": "0" * 64,
                "request": copy.deepcopy(request),
                "response": {"status_code": 401, "headers": {"Set-Cookie": "sid=zxcvbnm123; Path=/"}, "body": {}},
            }
        ],
        "connector_attempts": [
            {
                "node_id": "fetch_customer",
                "connector_key": "http",
                "status": "client_error",
                "status_code": 401,
                "error_message": f"401 Unauthorized (key {LITERAL_API_KEY})",
            }
        ],
    }
    return {
        "format": "autofix.failure-bundle/1",
        "workspace": {"id": "ws_acme"},
        "workflow": {"id": "wf_orders", "name": "Orders", "version": 7, "definition": definition},
        "execution": execution,
        "history": [],
        "variables": {"env": {"CRM_BASE_URL": "https://api.example.com", "CRM_API_KEY": "env_key_777777"}},
        "credentials": [{"name": "crm_token", "type": "bearer", "status": "expired"}],
    }


@pytest.mark.parametrize("secret", [BEARER_TOKEN, LITERAL_API_KEY, CRM_PASSWORD, "zxcvbnm123", "env_key_777777"])
def test_redact_bundle_leaves_no_copy_of_secret(secret):
    result = redact_bundle(_realistic_bundle())

    assert secret not in json.dumps(result.value)


def test_redact_bundle_keeps_credential_references():
    result = redact_bundle(_realistic_bundle())
    node = result.value["workflow"]["definition"]["nodes"][1]

    assert node["data"]["credential"] == "crm_token"
    assert node["data"]["config"]["headers"]["Authorization"] == "Bearer {{ credential.crm_token }}"
    assert result.value["credentials"] == [{"name": "crm_token", "type": "bearer", "status": "expired"}]


def test_redact_bundle_keeps_structure_equal_to_secret_leaf():
    result = redact_bundle(_realistic_bundle())
    execution = result.value["execution"]

    assert execution["logs"][0]["context"]["session"] == {"node": SECRET_MASK}
    assert execution["nodes"][1]["node_id"] == "fetch_customer"
    assert execution["error"]["failed_node"] == "fetch_customer"
    assert result.value["workflow"]["definition"]["edges"][0]["target"] == "fetch_customer"


def test_redact_bundle_masks_recorded_request():
    result = redact_bundle(_realistic_bundle())
    headers = result.value["execution"]["nodes"][1]["input"]["headers"]

    assert headers == {"Authorization": "Bearer [REDACTED]", "X-Api-Key": SECRET_MASK}


def test_redact_bundle_masks_literal_secrets_in_definitions():
    result = redact_bundle(_realistic_bundle())

    for definition in (result.value["workflow"]["definition"], result.value["execution"]["workflow"]["definition"]):
        assert definition["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] == SECRET_MASK
        assert definition["nodes"][2]["data"]["config"]["api_key"] == SECRET_MASK


def test_redact_bundle_reports_definition_findings():
    result = redact_bundle(_realistic_bundle())

    assert result.definition_findings == [
        {"pointer": "/nodes/1/data/config/headers/X-Api-Key", "node": "fetch_customer", "message": DEFINITION_FINDING_MESSAGE},
        {"pointer": "/nodes/2/data/config/api_key", "node": "post_invoice", "message": DEFINITION_FINDING_MESSAGE},
    ]


def test_redact_bundle_without_literal_secret_reports_no_findings():
    bundle = _realistic_bundle()
    for node in bundle["workflow"]["definition"]["nodes"] + bundle["execution"]["workflow"]["definition"]["nodes"]:
        config = node["data"]["config"]
        config.get("headers", {}).pop("X-Api-Key", None)
        config.pop("api_key", None)

    result = redact_bundle(bundle)

    assert result.definition_findings == []


def test_redact_bundle_reports_secret_copied_into_definition():
    bundle = _realistic_bundle()
    bundle["workflow"]["definition"]["nodes"][1]["data"]["label"] = f"uses {BEARER_TOKEN}"

    result = redact_bundle(bundle)

    assert {"pointer": "/nodes/1/data/label", "node": "fetch_customer", "message": DEFINITION_FINDING_MESSAGE} in (
        result.definition_findings
    )


def test_redact_bundle_returns_bundle_result_with_paths():
    result = redact_bundle(_realistic_bundle())

    assert isinstance(result, BundleRedactionResult)
    assert "$.execution.nodes[1].input.headers.Authorization" in result.paths
    assert "$.execution.logs[1].message" in result.paths
    assert "$.variables.env.CRM_API_KEY" in result.paths


def test_redact_bundle_does_not_mutate_input():
    bundle = _realistic_bundle()
    snapshot = copy.deepcopy(bundle)

    redact_bundle(bundle)

    assert bundle == snapshot


def test_redact_bundle_twice_equals_once():
    once = redact_bundle(_realistic_bundle())
    twice = redact_bundle(once.value)

    assert twice.value == once.value
    assert twice.definition_findings == []


def _large_execution(target_bytes: int) -> dict:
    nodes = []
    index = 0
    size = 0
    while size < target_bytes:
        node = {
            "node_id": f"node_{index}",
            "node_type": "action_http_request",
            "status": "completed",
            "input": {
                "url": f"https://api.example.com/items?page={index}&api_key=k_{index:08d}",
                "headers": {"Accept": "application/json", "Authorization": f"Bearer tok_{index:08d}"},
            },
            "output": {
                "status_code": 200,
                "body": {
                    "items": [
                        {"id": item, "name": f"Item {item}", "note": f"price: {item}.50 EUR, ref=A{item}", "tags": ["a", "b"]}
                        for item in range(12)
                    ]
                },
            },
        }
        nodes.append(node)
        size += len(json.dumps(node))
        index += 1
    return {"execution_id": 1, "status": "failed", "nodes": nodes, "logs": [{"message": "Bearer tok_00000001 rejected"}]}


def test_redact_one_megabyte_execution_masks_every_token():
    execution = _large_execution(1_000_000)

    redacted = json.dumps(redact(execution).value)

    assert "tok_" not in redacted
    assert "k_0000" not in redacted
    assert '"name": "Item 11"' in redacted


def test_redact_copies_prefer_longest_secret():
    value = {"password": "abcdef12", "token": "abcdef1234", "note": "abcdef1234 and abcdef12x"}

    result = redact(value)

    assert result.value["note"] == f"{SECRET_MASK} and {SECRET_MASK}x"


def test_redact_copies_of_many_nested_prefix_secrets():
    # Each secret is a prefix of the next, deeper than the prefix tree allows.
    secrets = [f"q{'w' * length}" for length in range(CROSS_REPLACE_MIN_LENGTH, CROSS_REPLACE_MIN_LENGTH + 150)]
    value = {"tokens": secrets, "note": f"copied {secrets[-1]} and {secrets[0]}."}

    result = redact(value)

    assert result.value["note"] == f"copied {SECRET_MASK} and {SECRET_MASK}."
