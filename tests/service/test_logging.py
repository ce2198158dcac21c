"""Log output: key=value or JSON lines on stderr, carrying ids as fields."""

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from service.logging import configure_logging
from service.settings import Settings


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def _log_execution_stored() -> None:
    structlog.stdlib.get_logger("service.test").info("execution stored", workspace="ws_acme", execution="812")


def test_console_format_writes_key_value_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_format="console", log_level="info"))

    _log_execution_stored()

    line = capsys.readouterr().err.strip()
    assert 'level=info logger=service.test event="execution stored"' in line
    assert "workspace=ws_acme execution=812" in line


def test_json_format_writes_one_object_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_format="json", log_level="info"))

    _log_execution_stored()

    record = json.loads(capsys.readouterr().err.strip())
    assert record["event"] == "execution stored"
    assert record["workspace"] == "ws_acme"
    assert record["level"] == "info"


def test_level_filters_lower_records(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_level="warning"))

    _log_execution_stored()

    assert capsys.readouterr().err == ""


def test_standard_library_records_use_same_format(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_format="json", log_level="info"))

    logging.getLogger("some.library").warning("connection retried")

    record = json.loads(capsys.readouterr().err.strip())
    assert record == {**record, "event": "connection retried", "logger": "some.library", "level": "warning"}


def test_configure_twice_keeps_one_handler() -> None:
    configure_logging(Settings())
    configure_logging(Settings())

    assert [handler.get_name() for handler in logging.getLogger().handlers].count("autofix") == 1
