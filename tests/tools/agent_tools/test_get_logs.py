import pytest

from tools.agent_tools import ToolError
from tools.agent_tools.get_logs import Args, run


def test_get_logs_returns_all_lines_oldest_first(data_mapping_session):
    result = run(data_mapping_session, Args())

    times = [line["logged_at"] for line in result["lines"]]
    assert len(result["lines"]) == 10
    assert times == sorted(times)
    assert result["truncated"] is False


def test_get_logs_filters_by_node(data_mapping_session):
    result = run(data_mapping_session, Args(node_id="fetch_incidents"))

    assert result["matched"] == 3
    assert {line["node_id"] for line in result["lines"]} == {"fetch_incidents"}


@pytest.mark.parametrize(
    ("min_level", "expected"),
    [("debug", 10), ("info", 9), ("warning", 2), ("error", 2)],
)
def test_get_logs_filters_by_min_level(data_mapping_session, min_level, expected):
    result = run(data_mapping_session, Args(min_level=min_level))

    assert result["matched"] == expected


def test_get_logs_window_around_failed_node(data_mapping_session):
    result = run(data_mapping_session, Args(around_failed_node=1))

    node_ids = [line["node_id"] for line in result["lines"]]
    assert node_ids == ["check_severity", "post_alert", "post_alert", None]


def test_get_logs_window_of_zero_keeps_failed_node_lines(data_mapping_session):
    result = run(data_mapping_session, Args(around_failed_node=0))

    assert [line["node_id"] for line in result["lines"]] == ["post_alert", "post_alert"]


def test_get_logs_limit_keeps_newest_and_flags_cut(data_mapping_session):
    everything = run(data_mapping_session, Args())

    result = run(data_mapping_session, Args(limit=3))

    assert result["lines"] == everything["lines"][-3:]
    assert result["omitted_by_limit"] == 7
    assert result["truncated"] is True


def test_get_logs_unknown_node_is_retryable_error(data_mapping_session):
    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(node_id="post_alrt"))

    assert raised.value.code == "node_not_found"
    assert raised.value.retryable is True
    assert raised.value.details["closest"] == "post_alert"
