"""Sample bundles prepared by intake, as every entry point hands them to the analysis."""

from pathlib import Path
from typing import Any

from tools.intake import prepare_bundle

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "evals" / "samples"


def prepared_sample(file: str) -> dict[str, Any]:
    return prepare_bundle((SAMPLES_DIR / file).read_bytes()).raw
