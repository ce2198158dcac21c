"""Benchmark of deterministic replay; a script, not a test.

Run: `.venv/bin/python -m tests.benchmarks.bench_replay` (or by path) from the repository root.

It builds a 200-node workflow whose recorded run carries about 1 MB of node data. It then prints
the time to replay it after one node changed (median of many runs), and the throughput of a
whole run of simple transform_set nodes through run_workflow, in nodes per second. Last comes the
peak memory of preparing and replaying the recording, measured with tracemalloc. Targets: under
20 ms for the one-node change, over 20,000 nodes per second.
"""

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.tools.replay.builders import (
    chain,
    execution,
    fixture,
    http,
    record,
    request,
    response,
    set_values,
    trigger,
    workflow,
)
from tools.replay import prepare_recording, replay, run_workflow

NODE_COUNT = 200
FAILED_AT = 101
HTTP_EVERY = 20
ORDER_COUNT = 48
ONE_CHANGE_TARGET_MS = 20.0
THROUGHPUT_TARGET = 20_000


def build_trigger_data() -> dict[str, Any]:
    """An order batch of about 5 KB, so 200 recorded outputs that carry it come to about 1 MB."""
    orders = [
        {
            "id": f"ord_{index:05d}",
            "customer": {
                "id": f"cus_{index:05d}",
                "email": f"buyer{index}@example.com",
                "tier": "gold" if index % 3 else "silver",
            },
            "lines": [
                {"sku": f"SKU-{index}-{line}", "quantity": line + 1, "unit_price": 19.99 + line} for line in range(3)
            ],
            "total": 123.45 + index,
            "notes": "Leave the parcel at the side door; ring twice. " * 2,
        }
        for index in range(ORDER_COUNT)
    ]
    return {"batch": "2025-03-12", "orders": orders}


def _node_id(index: int) -> str:
    return f"step_{index:03d}"


def build_workflow() -> dict[str, Any]:
    """A chain: a trigger, then transform_set nodes, every HTTP_EVERY-th node an HTTP request.

    Node FAILED_AT reads a misspelt field, so the recorded run fails there.
    """
    nodes = [trigger("start")]
    for index in range(1, NODE_COUNT):
        node_id = _node_id(index)
        if index % HTTP_EVERY == 0:
            nodes.append(
                http(node_id, f"https://api.example.com/orders/{{{{ trigger.orders[{index % ORDER_COUNT}].id }}}}")
            )
            continue
        field = "totl" if index == FAILED_AT else "total"
        nodes.append(
            set_values(node_id, {f"value_{index}": f"{{{{ trigger.orders[{index % ORDER_COUNT}].{field} }}}}"})
        )
    return workflow(nodes, chain("start", *[_node_id(index) for index in range(1, NODE_COUNT)]))


def build_fixtures(trigger_data: dict[str, Any]) -> list[dict[str, Any]]:
    fixtures = []
    for index in range(HTTP_EVERY, NODE_COUNT, HTTP_EVERY):
        order = trigger_data["orders"][index % ORDER_COUNT]
        sent = request(f"https://api.example.com/orders/{order['id']}")
        fixtures.append(fixture(sent, response(200, {"order": order, "status": "paid"}), node_id=_node_id(index)))
    return fixtures


def build_recording_data() -> tuple[dict[str, Any], dict[str, Any]]:
    """Record the run the way the engine would: completed up to FAILED_AT, failed there, pending after.

    The recording keeps a fixture for every request, also those after the failure, so that every
    node after the change runs instead of stopping at the first request with no fixture.
    """
    definition = build_workflow()
    trigger_data = build_trigger_data()
    fixtures = build_fixtures(trigger_data)
    recorded = run_workflow(definition, trigger_data=trigger_data, fixtures=fixtures, started_at="2025-03-12T10:00:00Z")

    records = []
    for sequence, (node_id, run) in enumerate(recorded.nodes.items(), start=1):
        error = {"message": run.error["message"], "code": run.error["code"]} if run.error else None
        records.append(
            record(
                node_id,
                run.node_type,
                run.status,
                output=run.output,
                input_value=run.input,
                error=error,
                sequence=sequence,
            )
        )
    return definition, execution(records, trigger_data=trigger_data, fixtures=fixtures, failed_node=_node_id(FAILED_AT))


def fixed_definition(definition: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(definition)
    target = next(node for node in patched["nodes"] if node["id"] == _node_id(FAILED_AT))
    entry = target["data"]["config"]["values"][0]
    entry["value"] = entry["value"].replace(".totl", ".total")
    return patched


def simple_chain(size: int) -> dict[str, Any]:
    nodes = [trigger("start")] + [
        set_values(_node_id(index), {f"v{index}": "{{ trigger.n }}"}) for index in range(1, size)
    ]
    return workflow(nodes, chain("start", *[_node_id(index) for index in range(1, size)]))


def median_ms(action: Callable[[], Any], runs: int) -> float:
    action()
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per measurement (default 200)")
    arguments = parser.parse_args()

    definition, built = build_recording_data()
    text = json.dumps(built)
    patched = fixed_definition(definition)

    tracemalloc.start()
    recorded = json.loads(text)
    loaded_bytes, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    began = time.perf_counter()
    recording = prepare_recording(definition, recorded)
    prepare_ms = (time.perf_counter() - began) * 1000
    result = replay(recording, patched)
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    reused = sum(run.reused for run in result.nodes.values())
    one_change_ms = median_ms(lambda: replay(recording, patched), arguments.runs)

    chain_definition = simple_chain(NODE_COUNT)
    full_run_ms = median_ms(lambda: run_workflow(chain_definition, trigger_data={"n": 1}, fixtures=[]), arguments.runs)
    throughput = NODE_COUNT / (full_run_ms / 1000)

    print(f"machine: {machine()}")
    print(f"workflow: {NODE_COUNT} nodes, recorded execution {len(text.encode('utf-8')) / 1e6:.2f} MB of JSON")
    print(f"prepare_recording: {prepare_ms:.1f} ms (once per recording)")
    print(
        f"replay after one node changed: {one_change_ms:.2f} ms median of {arguments.runs} "
        f"({reused} nodes reused, {NODE_COUNT - reused} run; status {result.status}; "
        f"target < {ONE_CHANGE_TARGET_MS:g} ms)"
    )
    print(
        f"full run of {NODE_COUNT} transform_set nodes: {full_run_ms:.2f} ms median, {throughput:,.0f} nodes/s "
        f"(target > {THROUGHPUT_TARGET:,})"
    )
    print(
        f"memory (tracemalloc): recorded execution loaded {loaded_bytes / 1e6:.1f} MB; "
        f"peak while preparing and replaying once {peak_bytes / 1e6:.1f} MB "
        f"({(peak_bytes - loaded_bytes) / 1e6:.1f} MB above the loaded data)"
    )


if __name__ == "__main__":
    main()
