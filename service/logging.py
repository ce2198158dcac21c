"""Logging set-up: structlog over the standard library, as key=value lines or JSON on stderr.

Modules take their logger with `structlog.stdlib.get_logger(__name__)` and log ids as fields
(`workspace=`, `workflow=`, `execution=`), never payloads or secrets. Records from libraries
that use `logging` directly pass through the same formatter.
"""

import logging
import sys
from typing import Any

import structlog

from service.settings import Settings

_HANDLER_NAME = "autofix"

_SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler that writes to `sys.stderr` as it is at each record, not as it was at set-up.

    Test runners and CLI runners swap `sys.stderr` and close the old stream afterwards.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(settings: Settings) -> None:
    """Route every log record to stderr in the configured format and level.

    Calling it again replaces the handler it installed before.
    """
    structlog.configure(
        processors=[*_SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )

    level = logging.getLevelNamesMapping()[settings.log_level.upper()]
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if handler.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    root.addHandler(_stderr_handler(settings))
    root.setLevel(level)

    # Alembic reports each migration context at INFO; service.db.migrate logs the upgrades it runs.
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))


def _stderr_handler(settings: Settings) -> logging.Handler:
    handler = _CurrentStderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED_PROCESSORS,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                _renderer(settings),
            ],
        )
    )
    return handler


def _renderer(settings: Settings) -> structlog.typing.Processor:
    if settings.log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.processors.LogfmtRenderer(key_order=["timestamp", "level", "logger", "event"], drop_missing=True)
