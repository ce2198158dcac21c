"""A JavaScript sandbox for `transform_code` nodes: embedded QuickJS with no I/O.

The `quickjs` package embeds the QuickJS engine without its `std` and `os` modules, so scripts
see only the ECMAScript built-ins: no `require`, no `fetch`, no timers, no files, no sockets.
Each call gets a fresh context, so nothing leaks from one node or iteration into the next.

User code is the body of a function, as LinkFlow's editor stores it: it is compiled with
`new Function("input", "$", code)` and called once. `input` is the node's input. `$` is a
read-only view of the run: `$.trigger` and each earlier node's output by id. Every output enters
the sandbox as JSON text, and is parsed only when the code reads it. The return value must be JSON.

Replay must be deterministic, so `Date.now()` and `new Date()` give the run's virtual time and
`Math.random()` is a generator seeded from the node id and the loop iteration.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import quickjs

# Compiled inside each fresh context; it returns the function that runs the user's code.
# Result tags: R<json> a result, U undefined, J a value JSON cannot hold, S<json> a syntax error,
# E<json> a thrown error.
_RUNNER = r"""
(function (code, inputJson, runBlob, runIndexJson, nowMs, seed) {
  "use strict";
  delete globalThis.__date_clock;

  const RealDate = Date;
  class ReplayDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) { super(nowMs); } else { super(...args); }
    }
    static now() { return nowMs; }
  }
  globalThis.Date = ReplayDate;

  let state = seed >>> 0;
  Math.random = function () {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  // runIndex maps each node id to [start, end] of its output's JSON inside runBlob; an output
  // is parsed only when the code reads it.
  const runIndex = JSON.parse(runIndexJson);
  const names = new Set(Object.keys(runIndex));
  const cache = new Map();
  const read = (key) => {
    if (!cache.has(key)) {
      const [start, end] = runIndex[key];
      cache.set(key, JSON.parse(runBlob.slice(start, end)));
    }
    return cache.get(key);
  };
  const run = new Proxy({}, {
    get(target, key) { return typeof key === "string" && names.has(key) ? read(key) : undefined; },
    has(target, key) { return typeof key === "string" && names.has(key); },
    ownKeys() { return Array.from(names); },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key !== "string" || !names.has(key)) { return undefined; }
      return { value: read(key), enumerable: true, configurable: true, writable: false };
    },
    set() { return false; },
    deleteProperty() { return false; },
    defineProperty() { return false; },
  });

  const describe = (error) => {
    if (error instanceof Error) {
      return JSON.stringify({ name: error.name, message: String(error.message), stack: String(error.stack || "") });
    }
    if (error !== null && typeof error === "object" && typeof error.message === "string") {
      return JSON.stringify({ name: "thrown object", message: error.message, stack: "" });
    }
    return JSON.stringify({ name: "thrown value", message: String(error), stack: "" });
  };
  const isLimit = (error) => error instanceof InternalError && error.message === "out of memory";

  let body;
  try {
    body = new Function("input", "$", code);
  } catch (error) {
    if (isLimit(error)) { throw error; }
    return "S" + describe(error);
  }

  let result;
  try {
    result = body(JSON.parse(inputJson), run);
  } catch (error) {
    if (isLimit(error)) { throw error; }
    return "E" + describe(error);
  }

  if (result === undefined) { return "U"; }
  let text;
  try {
    text = JSON.stringify(result);
  } catch (error) {
    if (isLimit(error)) { throw error; }
    return "J" + String(error.message);
  }
  return text === undefined ? "U" : "R" + text;
})
"""


@dataclass(frozen=True)
class SandboxLimits:
    """Limits of one code run: wall time in seconds and heap size in bytes."""

    time_limit_s: float = 5.0
    memory_limit_bytes: int = 64 * 1024 * 1024


class CodeFailure(Exception):
    """Code that did not compile, threw, ran out of time or memory, or returned no JSON.

    `code` is a stable error code (CODE_SYNTAX_ERROR, CODE_EXECUTION_FAILED, CODE_TIMEOUT,
    CODE_MEMORY_LIMIT, CODE_NO_RESULT, CODE_INVALID_RESULT); `detail` carries the JavaScript
    error's name, message and stack when the code threw.
    """

    def __init__(self, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail or {}


class RunEncoder:
    """Encoder of the run's node outputs as JSON for `$`, which reuses the text of unchanged outputs.

    Replay never changes an output once it is stored, so an output that is still the same object
    keeps its text. A loop that runs code once per item then encodes the large outputs only once.
    """

    def __init__(self) -> None:
        self._texts: dict[str, tuple[Any, str]] = {}

    def encode(self, outputs: Mapping[str, Any]) -> tuple[str, str]:
        """Return the blob of all outputs' JSON and the index of each node's [start, end] in it."""
        pieces: list[str] = []
        index: dict[str, tuple[int, int]] = {}
        offset = 0
        for name, output in outputs.items():
            text = self._text(name, output)
            pieces.append(text)
            index[name] = (offset, offset + len(text))
            offset += len(text)
        return "".join(pieces), json.dumps(index, separators=(",", ":"))

    def _text(self, name: str, output: Any) -> str:
        cached = self._texts.get(name)
        if cached is not None and cached[0] is output:
            return cached[1]
        # ASCII-only JSON keeps Python's character offsets equal to JavaScript's UTF-16 ones.
        text = json.dumps(output, separators=(",", ":"), ensure_ascii=True)
        self._texts[name] = (output, text)
        return text


@dataclass
class CodeRun:
    """One call of the sandbox: the code, its input, the run so far as `$`, and the limits."""

    code: str
    input: Any
    run: Mapping[str, Any]
    now_ms: int
    seed_text: str
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    limit_source: str = "replay's limit"
    encoder: RunEncoder = field(default_factory=RunEncoder)


def run_code(call: CodeRun) -> Any:
    """Run a function body in a fresh QuickJS context and return its JSON result.

    Raises:
        CodeFailure: the code did not compile, threw, exceeded a limit, returned undefined or a
            value JSON cannot hold.
    """
    context = quickjs.Context()
    context.set_memory_limit(call.limits.memory_limit_bytes)
    context.set_time_limit(call.limits.time_limit_s)
    run_blob, run_index = call.encoder.encode(call.run)

    try:
        runner = context.eval(_RUNNER)
        # Python ints convert to 32-bit JavaScript integers, so the millisecond time goes as a float.
        tagged = runner(
            call.code,
            json.dumps(call.input, separators=(",", ":")),
            run_blob,
            run_index,
            float(call.now_ms),
            _seed(call.seed_text),
        )
    except quickjs.JSException as error:
        raise _engine_failure(str(error), call) from None

    return _decode_result(tagged)


def _seed(text: str) -> int:
    # 31 bits, so the seed fits the 32-bit signed integer a Python int converts to.
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") >> 1


def _engine_failure(engine_message: str, call: CodeRun) -> CodeFailure:
    first_line = engine_message.split("\n", 1)[0]
    if "interrupted" in first_line:
        limit = f"{call.limits.time_limit_s:g} s ({call.limit_source})"
        return CodeFailure(
            "CODE_TIMEOUT",
            f"code ran longer than the time limit of {limit} and was stopped",
            {"time_limit_s": call.limits.time_limit_s},
        )
    if "out of memory" in first_line:
        megabytes = call.limits.memory_limit_bytes / (1024 * 1024)
        return CodeFailure(
            "CODE_MEMORY_LIMIT",
            f"code used more than the memory limit of {megabytes:g} MiB and was stopped",
            {"memory_limit_bytes": call.limits.memory_limit_bytes},
        )
    # Engine errors the runner could not catch end here.
    return CodeFailure("CODE_EXECUTION_FAILED", first_line, {"name": "InternalError", "stack": engine_message})


def _decode_result(tagged: str) -> Any:
    tag, payload = tagged[:1], tagged[1:]
    if tag == "R":
        return json.loads(payload)
    if tag == "U":
        raise CodeFailure(
            "CODE_NO_RESULT",
            "code returned undefined: end the function body with `return <value>`, where the value is JSON",
        )
    if tag == "J":
        raise CodeFailure("CODE_INVALID_RESULT", f"code returned a value that is not JSON: {payload}")

    thrown = json.loads(payload)
    if tag == "S":
        raise CodeFailure("CODE_SYNTAX_ERROR", f"code does not compile: {thrown['name']}: {thrown['message']}", thrown)
    raise CodeFailure("CODE_EXECUTION_FAILED", _thrown_message(thrown), thrown)


def _thrown_message(thrown: dict[str, Any]) -> str:
    # An Error reads as JavaScript's String(error) does, "TypeError: x is not a function", as
    # LinkFlow's engine reports it; a thrown string or plain object gives its message alone.
    if thrown["name"] in ("thrown value", "thrown object"):
        return thrown["message"]
    return f"{thrown['name']}: {thrown['message']}"
