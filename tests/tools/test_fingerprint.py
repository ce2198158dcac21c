import hashlib
import json
from pathlib import Path

import pytest

from tools.fingerprint import fingerprint_request, go_json

# The shared reference data sits beside the repository: ../shared/testdata.
VECTORS_FILE = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "linkflow_fingerprints.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[f"vector{index}" for index in range(len(VECTORS))])
def test_fingerprint_request_matches_go_vector(vector):
    assert fingerprint_request(vector["request"]) == vector["request_fingerprint"]


def test_fingerprint_request_vectors_include_unsorted_body():
    # The Go vectors prove that the body keeps its key order only if one body is unsorted.
    bodies = [vector["request"]["body"] for vector in VECTORS if isinstance(vector["request"]["body"], dict)]

    assert any(list(body) != sorted(body) for body in bodies)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.5, "12.5"),
        (3.0, "3"),
        (-0.0, "-0"),
        (100.0, "100"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (1e-6, "0.000001"),
        (1.5e-6, "0.0000015"),
        (1e-7, "1e-7"),
        (1.25e-10, "1.25e-10"),
        (5e-324, "5e-324"),
        (123456789.125, "123456789.125"),
        (42, "42"),
        (-7, "-7"),
        (2**63, "9223372036854775808"),
    ],
)
def test_go_json_number_matches_go_float64_form(value, expected):
    assert go_json(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a<b>&c", '"a\\u003cb\\u003e\\u0026c"'),
        ("line\u2028para\u2029", '"line\\u2028para\\u2029"'),
        ("Café ☃", '"Café ☃"'),
        ('quote " and \\ slash', '"quote \\" and \\\\ slash"'),
        ("tab\tnew\nret\r", '"tab\\tnew\\nret\\r"'),
        ("\x00\x1f", '"\\u0000\\u001f"'),
        ("\x08\x0c", '"\\b\\f"'),
        ("a/b", '"a/b"'),
        ("\x7f", '"\x7f"'),
        ("lone \ud800", '"lone \ufffd"'),
    ],
)
def test_go_json_string_matches_go_escaping(value, expected):
    assert go_json(value) == expected


def test_go_json_sorts_keys_by_default():
    assert go_json({"b": 1, "a": {"d": 2, "c": 3}}) == '{"a":{"c":3,"d":2},"b":1}'


def test_go_json_without_sorting_keeps_key_order():
    assert go_json({"b": 1, "a": {"d": 2, "c": 3}}, sort_keys=False) == '{"b":1,"a":{"d":2,"c":3}}'


def test_go_json_writes_compact_containers():
    assert go_json({"list": [1, True, None, "x", []], "empty": {}}) == '{"empty":{},"list":[1,true,null,"x",[]]}'


def test_go_json_non_ascii_key_order():
    assert go_json({"é": 1, "z": 2, "A": 3}) == '{"A":3,"z":2,"é":1}'


def test_go_json_with_nan_raises_value_error():
    with pytest.raises(ValueError, match=r"\$\['price'\]"):
        go_json({"price": float("nan")})


def test_go_json_unsupported_type_names_path():
    with pytest.raises(TypeError, match=r"set at \$\['items'\]\[1\]"):
        go_json({"items": [1, {2}]})


def test_go_json_non_text_key_raises():
    with pytest.raises(TypeError, match="keys must be text"):
        go_json({1: "one"})


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_fingerprint_request_with_missing_keys_uses_defaults():
    expected = _sha256('{"body":null,"headers":{},"method":"GET","url":""}')

    assert fingerprint_request({}) == expected


def test_fingerprint_request_empty_method_equals_get():
    request = {"url": "https://api.example.com/x", "headers": {"A": "1"}}

    assert fingerprint_request({**request, "method": ""}) == fingerprint_request({**request, "method": "GET"})


def test_fingerprint_request_body_keeps_key_order():
    first = fingerprint_request({"url": "u", "body": {"a": 1, "b": 2}})
    second = fingerprint_request({"url": "u", "body": {"b": 2, "a": 1}})

    assert first != second


def test_fingerprint_request_header_order_does_not_matter():
    first = fingerprint_request({"url": "u", "headers": {"a": "1", "b": "2"}})
    second = fingerprint_request({"url": "u", "headers": {"b": "2", "a": "1"}})

    assert first == second


def test_fingerprint_request_string_body_is_json_string():
    expected = _sha256('{"body":"a \\u0026 b","headers":{},"method":"POST","url":"u"}')

    assert fingerprint_request({"method": "POST", "url": "u", "body": "a & b"}) == expected
