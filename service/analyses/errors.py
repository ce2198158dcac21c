"""Why an analysis or a fix was rejected, as problem details the routes return unchanged."""

from typing import Any

from service.errors import ErrorCode, ProblemError


class NotAFailure(ProblemError):
    def __init__(self, execution_id: str, status: str) -> None:
        super().__init__(
            ErrorCode.NOT_A_FAILURE,
            f"execution {execution_id} has status {status}, not failed; only failed executions can be analysed",
        )


class DefinitionMissing(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(ErrorCode.DEFINITION_MISSING, detail)


class DailyLimitReached(ProblemError):
    def __init__(self, workspace_id: str, limit: int, retry_after_seconds: int) -> None:
        super().__init__(
            ErrorCode.RATE_LIMITED,
            f"workspace {workspace_id} reached its limit of {limit} analyses for today (UTC); "
            f"retry in {retry_after_seconds} seconds or raise daily_analysis_limit in the policy",
            extensions={"retry_after_seconds": retry_after_seconds},
            headers={"Retry-After": str(retry_after_seconds)},
        )
        self.retry_after_seconds = retry_after_seconds


class FixConflict(ProblemError):
    def __init__(self, detail: str, *, changes: list[dict[str, Any]] | None = None) -> None:
        super().__init__(ErrorCode.FIX_CONFLICT, detail, extensions={"changes": changes} if changes else None)


class ActionRequired(ProblemError):
    def __init__(self, detail: str, action: dict[str, Any] | None) -> None:
        super().__init__(ErrorCode.ACTION_REQUIRED, detail, extensions={"action": action})


class AnalysisNotFound(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(ErrorCode.NOT_FOUND, detail)
