"""The agent tools by name, and the one place where a tool call becomes a result or a structured error."""

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ValidationError

from tools.agent_tools import (
    compare_with_last_success,
    dry_run_patch,
    get_logs,
    get_node_schema,
    get_snapshot,
    get_workflow,
    submit_suggestions,
)
from tools.agent_tools.errors import ToolError
from tools.agent_tools.session import ToolSession
from tools.redaction import redact

_MODULES: tuple[ModuleType, ...] = (
    get_logs,
    get_snapshot,
    get_node_schema,
    get_workflow,
    compare_with_last_success,
    dry_run_patch,
    submit_suggestions,
)

# Each tool module is named as its tool.
_RUNNERS: dict[str, Callable[[ToolSession, Any], dict[str, Any]]] = {
    module.__name__.rsplit(".", 1)[-1]: module.run for module in _MODULES
}


# Tool name -> (argument model, description). The model reads both: the description is the
# docstring of the tool's `run`, and the argument model's JSON Schema carries each field's description.
def _description(module: ModuleType) -> str:
    """Read a tool's `run` docstring with each paragraph on one line, as the model reads it."""
    paragraphs = (inspect.getdoc(module.run) or "").split("\n\n")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


TOOL_SPECS: dict[str, tuple[type[BaseModel], str]] = {
    module.__name__.rsplit(".", 1)[-1]: (module.Args, _description(module)) for module in _MODULES
}


def run_tool(name: str, session: ToolSession, raw_args: dict[str, Any]) -> dict[str, Any]:
    """Validate a tool call's arguments, run the tool, and return its result or `{"error": {...}}`.

    Unknown tools and invalid arguments become retryable errors that name what to fix; a
    ToolError the tool raises is passed on as it is. Any other exception is a bug and propagates.
    """
    try:
        args = _parse_args(name, raw_args)
        return _RUNNERS[name](session, args)
    except ToolError as error:
        return {"error": redact(error.to_dict()).value}


def _parse_args(name: str, raw_args: Any) -> BaseModel:
    if name not in TOOL_SPECS:
        raise ToolError(
            "unknown_tool",
            f"there is no tool named {name!r}; the tools are {', '.join(TOOL_SPECS)}",
            retryable=True,
            details={"tools": list(TOOL_SPECS)},
        )
    args_model = TOOL_SPECS[name][0]
    try:
        return args_model.model_validate(raw_args if raw_args is not None else {})
    except ValidationError as error:
        raise invalid_arguments_error(name, error) from error


def invalid_arguments_error(name: str, error: ValidationError) -> ToolError:
    """Turn pydantic's validation errors into one retryable error listing each field path and problem."""
    problems = [
        {
            "path": ".".join(str(part) for part in item["loc"]) or "(arguments)",
            "message": item["msg"].removeprefix("Value error, "),
            "input": item.get("input") if _is_small(item.get("input")) else None,
        }
        for item in error.errors(include_url=False)
    ]
    listed = "; ".join(f"{problem['path']}: {problem['message']}" for problem in problems)
    return ToolError(
        "invalid_arguments",
        f"invalid arguments for {name}: {listed}",
        retryable=True,
        details={"errors": problems},
    )


def _is_small(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 200)
