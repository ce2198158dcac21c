"""transform_code runs JavaScript in QuickJS: results, thrown errors, limits, and no I/O."""

import pytest
import quickjs

from tests.tools.replay.builders import chain, code, node, set_values, trigger, workflow
from tools.replay import ReplayOptions, run_workflow

STARTED_AT = "2025-03-12T10:00:00Z"
# The names QuickJS's global object has with no std or os module loaded: ECMAScript built-ins only.
ECMASCRIPT_GLOBALS = {
    "Object", "Function", "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError",
    "URIError", "InternalError", "AggregateError", "Array", "parseInt", "parseFloat", "isNaN", "isFinite",
    "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape", "Infinity",
    "NaN", "undefined", "Number", "Boolean", "String", "Math", "Reflect", "Symbol", "eval", "globalThis",
    "Date", "RegExp", "JSON", "Proxy", "Map", "Set", "WeakMap", "WeakSet", "ArrayBuffer", "SharedArrayBuffer",
    "Uint8ClampedArray", "Int8Array", "Uint8Array", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
    "BigInt64Array", "BigUint64Array", "Float32Array", "Float64Array", "DataView", "Atomics", "Promise", "BigInt",
    "WeakRef", "FinalizationRegistry", "Iterator",
}  # fmt: skip


def _run_code(source: str, trigger_data: object = None, options: ReplayOptions | None = None, **config: object):
    definition = workflow(
        [trigger(), set_values("lookup", {"rate": 1.2}), code("compute", source, **config)],
        chain("start", "lookup", "compute"),
    )
    return run_workflow(
        definition,
        trigger_data=trigger_data or {},
        fixtures=[],
        started_at=STARTED_AT,
        options=options or ReplayOptions(),
    )


def test_code_output_is_return_value() -> None:
    source = "return {total: input.price * $.lookup.rate, first: $.trigger.lines[0]};"

    result = _run_code(source, {"price": 10, "lines": ["a"]})

    assert result.nodes["compute"].output == {"total": 12, "first": "a"}


def test_thrown_error_fails_with_its_message() -> None:
    result = _run_code('throw new RangeError("quantity must be positive");')

    error = result.nodes["compute"].error
    assert error["code"] == "CODE_EXECUTION_FAILED"
    assert error["message"] == "RangeError: quantity must be positive"
    assert error["detail"]["name"] == "RangeError"


def test_thrown_text_fails_with_that_text() -> None:
    result = _run_code('throw "no customer";')

    assert result.nodes["compute"].error["message"] == "no customer"


def test_runtime_type_error_fails_node() -> None:
    result = _run_code("const lines = input.lines; return lines.reduce((a, b) => a + b, 0);", {"lines": {"a": 1}})

    assert result.nodes["compute"].error["code"] == "CODE_EXECUTION_FAILED"
    assert result.nodes["compute"].error["message"].startswith("TypeError: ")


def test_syntax_error_fails_before_running() -> None:
    result = _run_code("return {;")

    assert result.nodes["compute"].error["code"] == "CODE_SYNTAX_ERROR"
    assert result.nodes["compute"].error["message"].startswith("code does not compile: SyntaxError: ")


def test_missing_return_fails_node() -> None:
    result = _run_code("const x = 1;")

    assert result.nodes["compute"].error["code"] == "CODE_NO_RESULT"


def test_endless_loop_hits_time_limit() -> None:
    result = _run_code("while (true) {}", options=ReplayOptions(code_time_limit_s=0.2))

    error = result.nodes["compute"].error
    assert error["code"] == "CODE_TIMEOUT"
    assert error["message"] == "code ran longer than the time limit of 0.2 s (replay's limit) and was stopped"


def test_node_timeout_below_replay_limit_is_used() -> None:
    result = _run_code("while (true) {}", timeout=1, options=ReplayOptions(code_time_limit_s=5))

    assert (
        result.nodes["compute"].error["message"]
        == "code ran longer than the time limit of 1 s (the node's timeout) and was stopped"
    )


def test_allocation_hits_memory_limit() -> None:
    source = "const parts = []; while (true) { parts.push(new Array(100000).fill(7)); }"

    result = _run_code(source, options=ReplayOptions(code_memory_limit_bytes=16 * 1024 * 1024))

    error = result.nodes["compute"].error
    assert error["code"] == "CODE_MEMORY_LIMIT"
    assert error["message"] == "code used more than the memory limit of 16 MiB and was stopped"


@pytest.mark.parametrize(
    "name",
    ["require", "fetch", "XMLHttpRequest", "std", "os", "process", "setTimeout", "console", "print", "scriptArgs"],
)
def test_sandbox_has_no_io_name(name: str) -> None:
    result = _run_code(f"return typeof {name};")

    assert result.nodes["compute"].output == "undefined"


def test_sandbox_globals_are_ecmascript_only() -> None:
    result = _run_code("return Object.getOwnPropertyNames(globalThis);")

    assert set(result.nodes["compute"].output) <= ECMASCRIPT_GLOBALS


def test_sandbox_never_resolves_module_import() -> None:
    # The sandbox runs no pending jobs, so a dynamic import can never settle, let alone load.
    source = "let outcome = 'pending'; import('os').then(() => { outcome = 'loaded'; }); return outcome;"

    result = _run_code(source)

    assert result.nodes["compute"].output == "pending"


@pytest.mark.parametrize("module", ["std", "os"])
def test_embedded_engine_has_no_io_modules(module: str) -> None:
    with pytest.raises(quickjs.JSException, match=f"could not load module '{module}'"):
        quickjs.Context().module(f'import * as lib from "{module}";')


def test_clock_and_random_are_deterministic() -> None:
    source = "return {now: Date.now(), iso: new Date().toISOString(), random: Math.random()};"

    first = _run_code(source)
    second = _run_code(source)

    assert first.nodes["compute"].output["iso"] == "2025-03-12T10:00:00.000Z"
    assert first.nodes["compute"].output == second.nodes["compute"].output


def test_run_view_is_read_only() -> None:
    result = _run_code("$.lookup = 'changed'; delete $.trigger; return [$.lookup, typeof $.trigger, Object.keys($)];")

    assert result.nodes["compute"].output == [{"rate": 1.2}, "object", ["start", "lookup", "trigger"]]


def test_other_language_is_rejected() -> None:
    result = _run_code("print(1)", language="python")

    assert result.nodes["compute"].error["code"] == "INVALID_CONFIG"


def test_code_inside_loop_sees_item() -> None:
    definition = workflow(
        [
            trigger(),
            node("each", "logic_loop", {"items": "{{ trigger.n }}"}),
            code("double", "return $.each.item * 2;"),
        ],
        chain("start", "each", "double"),
    )

    result = run_workflow(definition, trigger_data={"n": [1, 2, 3]}, fixtures=[])

    assert result.nodes["double"].output == 6
    assert result.nodes["double"].iterations == 3
