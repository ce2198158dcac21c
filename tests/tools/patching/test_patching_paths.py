import pytest

from tools.patching import PathSyntaxError, format_data_path, parse_data_path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("config", ["config"]),
        ("retry.max_attempts", ["retry", "max_attempts"]),
        ("_private.key_2", ["_private", "key_2"]),
        ("config.to[0]", ["config", "to", 0]),
        ("rows[10][2]", ["rows", 10, 2]),
        ("config.headers['X-Api-Key']", ["config", "headers", "X-Api-Key"]),
        ('config.headers["X-Api-Key"]', ["config", "headers", "X-Api-Key"]),
        ("['odd key'].value", ["odd key", "value"]),
        ("[0]", [0]),
        ("a['it\\'s']", ["a", "it's"]),
        ('a["say \\"hi\\""]', ["a", 'say "hi"']),
        ("a['back\\\\slash']", ["a", "back\\slash"]),
        ("a['line\\nbreak']", ["a", "line\nbreak"]),
        ("a['tab\\there']", ["a", "tab\there"]),
        ("a['carriage\\rreturn']", ["a", "carriage\rreturn"]),
        ('a["it\'s"]', ["a", "it's"]),
        ("a['a/b~c']", ["a", "a/b~c"]),
        ("a['']", ["a", ""]),
        ("a['.']", ["a", "."]),
        ("a['[0]']", ["a", "[0]"]),
        ("a['0']", ["a", "0"]),
    ],
)
def test_parse_data_path_valid(text, expected):
    assert parse_data_path(text) == expected


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "the path is empty"),
        (".config", 0, "starts with a key"),
        ("config.", 7, "expected a key after '.'"),
        ("config..to", 7, "expected a key after '.'"),
        ("config.headers.X-Api-Key", 16, "write config.headers['X-Api-Key']"),
        ("config.to.0", 10, "write config.to[0]"),
        ("-config", 0, "write ['-config']"),
        ("a b", 1, "write ['a b']"),
        ("a[", 2, "expected a number or a quoted key"),
        ("a['x", 2, "never closed"),
        ("a[x]", 2, "write a['x']"),
        ("a[-1]", 2, "negative indexes are not supported"),
        ("a[1x]", 3, "expected ']' after the index, found 'x'"),
        ("a[1", 3, "found the end of the path"),
        ("a['x'y]", 5, "expected ']' after the quoted key"),
        ("a['\\q']", 3, "unknown escape \\q"),
        ("a[0]b", 4, "expected '.' or '[' after a key, found 'b'"),
    ],
)
def test_parse_data_path_invalid(text, position, fragment):
    with pytest.raises(PathSyntaxError) as caught:
        parse_data_path(text)

    assert caught.value.position == position
    assert f"at position {position}" in caught.value.message
    assert fragment in caught.value.message
    assert caught.value.path == text
    assert caught.value.code == "path_syntax"


def test_parse_data_path_not_text():
    with pytest.raises(PathSyntaxError) as caught:
        parse_data_path(["config"])

    assert "a path is text, got list" in caught.value.message


@pytest.mark.parametrize(
    "keys",
    [
        ["config", "to", 0],
        ["config", "headers", "X-Api-Key"],
        ["odd key", "it's", "line\nbreak", "back\\slash"],
        [0, "a/b~c", ""],
    ],
)
def test_format_data_path_parses_back(keys):
    assert parse_data_path(format_data_path(keys)) == keys


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["config", "to", 0], "config.to[0]"),
        (["config", "headers", "X-Api-Key"], "config.headers['X-Api-Key']"),
        (["it's"], "['it\\'s']"),
    ],
)
def test_format_data_path_writes_canonical_form(keys, expected):
    assert format_data_path(keys) == expected


def test_path_syntax_error_to_dict():
    with pytest.raises(PathSyntaxError) as caught:
        parse_data_path("config.to.0")

    data = caught.value.to_dict()
    assert data["code"] == "path_syntax"
    assert data["position"] == 10
    assert data["path"] == "config.to.0"
    assert data["edit_index"] is None
