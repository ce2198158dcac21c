import json

import pytest

from tools.compact import MIN_MAX_BYTES, OVERFLOW_KEY, compact, json_size

CUSTOMERS = {
    "status_code": 200,
    "headers": {"content-type": "application/json", "x-request-id": "req_8f2"},
    "body": {
        "customers": [
            {"id": f"cus_{index}", "email": f"user{index}@example.com", "note": "Prefers invoices by email. " * 12}
            for index in range(300)
        ],
        "page": {"next": "cursor_2", "size": 300},
    },
}


def nested(depth: int) -> dict:
    value: dict = {"email": "ada@example.com", "phone": "+44 20 7946 0000", "notes": "n" * 400}
    for level in range(depth):
        value = {f"level_{level}": value, f"sibling_{level}": "s" * 200}
    return value


def test_compact_value_that_fits_is_returned_unchanged():
    value = {"status_code": 200, "body": {"id": "cus_42"}}

    result, truncated = compact(value, 1000)

    assert result is value
    assert truncated is False


def test_compact_long_list_keeps_first_items_and_marker():
    result, truncated = compact({"rows": list(range(1000))}, 200)

    rows = result["rows"]
    assert truncated is True
    assert rows[:5] == [0, 1, 2, 3, 4]
    assert rows[-1] == {"truncated": True, "items_total": 1000}


def test_compact_long_text_keeps_start_and_marker():
    text = "Customer record for Ada Lovelace. " * 100

    result, truncated = compact({"note": text}, 300)

    assert truncated is True
    assert isinstance(result["note"], str)
    assert result["note"].startswith("Customer record for Ada Lovelace.")
    assert result["note"].endswith(f"... [truncated, {len(text)} characters in total]")


def test_compact_deep_object_is_summarised_by_keys():
    result, truncated = compact({"body": nested(6)}, 400)

    summaries = list(_summaries(result))
    assert truncated is True
    assert summaries
    assert all(summary["truncated"] is True for summary in summaries)
    assert all(isinstance(summary["keys"], list) for summary in summaries)


def test_compact_object_with_many_keys_records_key_count():
    headers = {f"x-header-{index}": "v" * 30 for index in range(500)}

    result, truncated = compact(headers, 600)

    assert truncated is True
    assert next(iter(result)) == "x-header-0"
    assert result[OVERFLOW_KEY] == {"truncated": True, "keys_total": 500}


def test_compact_keeps_small_values_whole_beside_large_one():
    value = {"status_code": 500, "error": {"code": "UPSTREAM"}, "body": "<html>" + "x" * 10_000}

    result, _ = compact(value, 500)

    assert result["status_code"] == 500
    assert result["error"] == {"code": "UPSTREAM"}
    assert result["body"].startswith("<html>xxx")


def test_compact_keeps_key_order():
    result, _ = compact(CUSTOMERS, 1500)

    assert list(result) == ["status_code", "headers", "body"]
    assert list(result["body"]) == ["customers", "page"]


def test_compact_is_deterministic():
    first, _ = compact(CUSTOMERS, 1500)
    second, _ = compact(CUSTOMERS, 1500)

    assert json.dumps(first) == json.dumps(second)


def test_compact_does_not_change_input():
    before = json.dumps(CUSTOMERS)

    compact(CUSTOMERS, 500)

    assert json.dumps(CUSTOMERS) == before


@pytest.mark.parametrize("max_bytes", [MIN_MAX_BYTES, 100, 200, 500, 1000, 5000, 20_000])
@pytest.mark.parametrize(
    "value",
    [
        CUSTOMERS,
        nested(10),
        ["é" * 5000, "☃" * 5000],
        {f"key_{index}": index for index in range(5000)},
        {"quotes": '"\\' * 3000},
        "plain text " * 1000,
    ],
    ids=["http_response", "nested", "non_ascii", "many_keys", "escaped", "text"],
)
def test_compact_result_fits_max_bytes(value, max_bytes):
    result, truncated = compact(value, max_bytes)

    assert truncated is (json_size(value) > max_bytes)
    assert json_size(result) <= max_bytes
    assert json.loads(json.dumps(result)) == result


def test_compact_smallest_budget_keeps_first_key_and_count():
    value = {f"customer_email_address_{index}": index for index in range(40)}

    result, truncated = compact(value, MIN_MAX_BYTES)

    assert truncated is True
    assert json_size(result) <= MIN_MAX_BYTES
    assert result == {"customer_email_address_0": 0, OVERFLOW_KEY: {"truncated": True, "keys_total": 40}}


def test_compact_uncuttable_value_gives_marker():
    value = 10**100

    result, truncated = compact(value, MIN_MAX_BYTES)

    assert truncated is True
    assert result == {"truncated": True, "type": "value", "bytes_total": 101}


def test_compact_tuple_becomes_list_when_cut():
    result, truncated = compact({"rows": tuple(range(500))}, 150)

    assert truncated is True
    assert isinstance(result["rows"], list)


def test_compact_below_minimum_budget_raises():
    with pytest.raises(ValueError, match=f"max_bytes is 10, less than the minimum of {MIN_MAX_BYTES} bytes"):
        compact({"a": 1}, 10)


def test_json_size_counts_utf8_bytes_of_compact_json():
    assert json_size({"name": "é"}) == len('{"name":"é"}'.encode())


def _summaries(value):
    if isinstance(value, dict):
        if value.get("truncated") is True and "keys" in value:
            yield value
        for child in value.values():
            yield from _summaries(child)
    elif isinstance(value, list):
        for item in value:
            yield from _summaries(item)
