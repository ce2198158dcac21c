"""Deterministic replay: re-run a recorded execution with a patched definition, without the network.

`prepare_recording` indexes a recorded run once. `replay` re-runs it with a candidate definition:
every unchanged node reuses its recorded output, and requests are served from the recorded
fixtures. `run_workflow` runs a workflow from its trigger against a set of "world" fixtures, as
the eval harness's oracle. Nothing here opens a socket: a request with no fixture
left makes its node, and what follows it, "not checked".
"""

from tools.replay.recording import Recording, prepare_recording
from tools.replay.result import NodeRun, ReplayOptions, ReplayResult
from tools.replay.runner import replay, run_workflow

__all__ = [
    "NodeRun",
    "Recording",
    "ReplayOptions",
    "ReplayResult",
    "prepare_recording",
    "replay",
    "run_workflow",
]
