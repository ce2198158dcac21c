"""The analysis's deployment settings: model, loop bounds and calibration, built by the caller."""

from dataclasses import dataclass, field
from pathlib import Path

# The map the eval harness fits and the analysis loads.
DEFAULT_CALIBRATION_PATH = Path(__file__).parent / "calibration" / "map.json"

# The hand-chosen conservative map: what a refit starts from for groups with too few outcomes.
PRIOR_CALIBRATION_PATH = Path(__file__).parent / "calibration" / "prior.json"


@dataclass(frozen=True)
class AgentConfig:
    """Model and loop bounds for one analysis; `model=None` means the diagnosers work alone."""

    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    max_steps: int = 8
    max_tokens: int = 60_000
    max_seconds: float = 90.0
    request_timeout_seconds: float = 30.0
    calibration_path: Path = DEFAULT_CALIBRATION_PATH

    @property
    def model_enabled(self) -> bool:
        return bool(self.model)


@dataclass(frozen=True)
class Policy:
    """The workspace policy that decides whether the top suggestion may be applied unattended."""

    ai_auto_fix_enabled: bool = False
    ai_auto_fix_confidence_threshold: float = 0.95
    # Field names masked in everything sent to the model, on top of the secret redaction.
    redaction_fields: tuple[str, ...] = ()
