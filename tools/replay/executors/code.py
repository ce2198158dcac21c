"""`transform_code`: run the node's JavaScript in the QuickJS sandbox."""

from typing import Any

from tools.expressions import describe_value
from tools.replay.executors.base import NodeCall
from tools.replay.failures import NodeFailure, invalid_config
from tools.replay.sandbox import CodeFailure, CodeRun, SandboxLimits, run_code

# LinkFlow's default running time for a code node, in seconds.
DEFAULT_TIMEOUT_S = 10


def execute_code(call: NodeCall) -> Any:
    """Run the code with `input` and `$`, and output what it returns.

    The time limit is the node's timeout or replay's `code_time_limit_s`, whichever is shorter.

    Raises:
        NodeFailure: the config is not runnable code, or the code failed (CODE_* codes).
    """
    code = call.config.get("code")
    if not isinstance(code, str) or not code.strip():
        raise invalid_config(f"code: expected the body of a JavaScript function, got {describe_value(code)}")
    language = call.config_value("language", "javascript")
    if language != "javascript":
        raise invalid_config(f"language: only javascript runs, got {describe_value(language)}")

    try:
        return run_code(_code_run(call, code))
    except CodeFailure as failure:
        raise NodeFailure(failure.code, failure.message, failure.detail) from None


def _code_run(call: NodeCall, code: str) -> CodeRun:
    state = call.state
    node_timeout = call.config_value("timeout", DEFAULT_TIMEOUT_S)
    if isinstance(node_timeout, bool) or not isinstance(node_timeout, int | float) or node_timeout <= 0:
        raise invalid_config(f"timeout: expected a positive number of seconds, got {describe_value(node_timeout)}")

    replay_limit = state.options.code_time_limit_s
    own_limit = node_timeout <= replay_limit
    limits = SandboxLimits(
        time_limit_s=node_timeout if own_limit else replay_limit,
        memory_limit_bytes=state.options.code_memory_limit_bytes,
    )
    iteration = f":{state.iterations[-1][1]}" if state.iterations else ""
    return CodeRun(
        code=code,
        input=call.input,
        run={**state.outputs, "trigger": state.context["trigger"]},
        now_ms=state.clock.now_ms(),
        seed_text=f"{call.node_id}{iteration}",
        limits=limits,
        limit_source="the node's timeout" if own_limit else "replay's limit",
        encoder=state.code_encoder,
    )
