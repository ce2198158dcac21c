"""Sessions over the sample failure bundles, opened after intake as the analysis opens them."""

import copy
import functools
from pathlib import Path
from typing import Any

from tests.evals.sample_expectations import SAMPLE_EXPECTATIONS, SampleExpectation
from tools.agent_tools import ToolSession, open_session
from tools.intake import prepare_bundle

SAMPLES_DIR = Path(__file__).resolve().parents[3] / "evals" / "samples"

DATA_MAPPING = "incident_alert_data_mapping.json"
API_SCHEMA_CHANGE = "order_sync_api_schema_change.json"


@functools.cache
def _prepared_sample(file: str) -> dict[str, Any]:
    return prepare_bundle((SAMPLES_DIR / file).read_bytes()).raw


def sample_session(file: str) -> ToolSession:
    """Open a session over a sample bundle after intake, as the analysis does."""
    return open_session(copy.deepcopy(_prepared_sample(file)))


def expectation(file: str) -> SampleExpectation:
    return next(item for item in SAMPLE_EXPECTATIONS if item.file == file)


def expected_edits(file: str) -> list[dict[str, Any]]:
    """Write a sample's expected patch fix as one edit of the edit language."""
    fix = expectation(file).fix
    return [{"node": fix["node"], "set": {fix["path"]: fix["to"]}}]
