"""Errors returned to API callers: RFC 9457 problem details with a stable `code` from one enumeration.

Every error the API returns goes through the exception handlers here, so each code keeps one
status, title and `type` URI. The `type` URI is relative (`/problems/<code>`): the app serves a
description of each code there.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import structlog
from litestar import MediaType, Request, Response, get
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromPath

log = structlog.stdlib.get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "/problems/"


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    VALIDATION_FAILED = "validation_failed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNAUTHORIZED = "unauthorized"
    INVALID_SIGNATURE = "invalid_signature"
    STALE_CALLBACK = "stale_callback"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    NOT_A_FAILURE = "not_a_failure"
    DEFINITION_MISSING = "definition_missing"
    RATE_LIMITED = "rate_limited"
    FIX_CONFLICT = "fix_conflict"
    ACTION_REQUIRED = "action_required"
    NOT_CONFIGURED = "not_configured"
    NOT_READY = "not_ready"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class ProblemType:
    status: int
    title: str
    description: str


PROBLEM_TYPES: dict[ErrorCode, ProblemType] = {
    ErrorCode.BAD_REQUEST: ProblemType(400, "Bad request", "The request could not be read, such as a body that is not JSON."),
    ErrorCode.VALIDATION_FAILED: ProblemType(
        422, "Validation failed", "A value in the request is invalid; `errors` names each path and reason."
    ),
    ErrorCode.PAYLOAD_TOO_LARGE: ProblemType(
        413, "Payload too large", "The request body is larger than the AUTOFIX_MAX_BODY_BYTES setting allows."
    ),
    ErrorCode.UNAUTHORIZED: ProblemType(
        401, "Unauthorized", "The Authorization header is missing, or its bearer token is unknown or revoked."
    ),
    ErrorCode.INVALID_SIGNATURE: ProblemType(
        401, "Invalid signature", "The callback's X-LinkFlow-Signature or X-LinkFlow-Timestamp header is missing or wrong."
    ),
    ErrorCode.STALE_CALLBACK: ProblemType(
        401, "Stale callback", "The callback's X-LinkFlow-Timestamp is more than five minutes from the server's time."
    ),
    ErrorCode.NOT_FOUND: ProblemType(404, "Not found", "No such route, or no such object in this workspace."),
    ErrorCode.METHOD_NOT_ALLOWED: ProblemType(405, "Method not allowed", "The route does not accept this HTTP method."),
    ErrorCode.CONFLICT: ProblemType(
        409, "Conflict", "The ids in the request are already stored with different content; `path` names where."
    ),
    ErrorCode.NOT_A_FAILURE: ProblemType(422, "Not a failure", "The execution did not fail, so there is nothing to analyse."),
    ErrorCode.DEFINITION_MISSING: ProblemType(
        422, "Definition missing", "The workflow version the execution ran has not been synced yet."
    ),
    ErrorCode.RATE_LIMITED: ProblemType(429, "Rate limited", "The workspace reached its daily analysis limit."),
    ErrorCode.FIX_CONFLICT: ProblemType(
        409,
        "Fix conflict",
        "The analysis was already applied or dismissed, or the workflow changed so the fix no longer holds.",
    ),
    ErrorCode.ACTION_REQUIRED: ProblemType(
        422, "Action required", "The suggestion is an action for a person, not a patch; `detail` says what to do."
    ),
    ErrorCode.NOT_CONFIGURED: ProblemType(503, "Not configured", "A setting this route needs is missing from the deployment."),
    ErrorCode.NOT_READY: ProblemType(
        503, "Not ready", "The database is unreachable or not migrated to the revision this version needs."
    ),
    ErrorCode.INTERNAL_ERROR: ProblemType(500, "Internal error", "An unexpected error; the service log has the details."),
}


class ProblemError(Exception):
    """An error to return as a problem detail; `extensions` become extra members of the body."""

    def __init__(
        self,
        code: ErrorCode,
        detail: str,
        *,
        extensions: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extensions = extensions or {}
        self.headers = headers or {}


def validation_failed(path: str, reason: str) -> ProblemError:
    """Build the problem for one invalid value at a JSON path."""
    return ProblemError(
        ErrorCode.VALIDATION_FAILED,
        f"{path}: {reason}",
        extensions={"errors": [{"path": path, "reason": reason}]},
    )


def problem_type_uri(code: ErrorCode) -> str:
    return f"{PROBLEM_TYPE_PREFIX}{code.value}"


def problem_response(
    code: ErrorCode,
    detail: str,
    *,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    """Build the problem detail response for `code`."""
    problem = PROBLEM_TYPES[code]
    body: dict[str, Any] = {
        "type": problem_type_uri(code),
        "title": problem.title,
        "status": problem.status,
        "detail": detail,
        "code": code.value,
        **(extensions or {}),
    }
    return Response(body, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def handle_problem(request: Request[Any, Any, Any], error: ProblemError) -> Response[dict[str, Any]]:
    if error.code is ErrorCode.INTERNAL_ERROR:
        log.error("request failed", path=request.url.path, detail=error.detail)
    return problem_response(error.code, error.detail, extensions=error.extensions, headers=error.headers)


def handle_http_exception(request: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    """Turn Litestar's own errors (no route, bad query parameter, body too large) into problem details."""
    if isinstance(error, ValidationException):
        return _validation_problem(error)

    code = _code_for_status(error.status_code)
    if code is ErrorCode.INTERNAL_ERROR:
        log.error("request failed", path=request.url.path, status=error.status_code, detail=error.detail)
        return problem_response(code, "the request failed unexpectedly")
    return problem_response(code, error.detail, headers=error.headers)


def handle_unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    # The exception text stays in the log only, because it can quote stored data.
    log.exception("request failed", path=request.url.path, error_type=type(error).__name__)
    return problem_response(ErrorCode.INTERNAL_ERROR, "the request failed unexpectedly")


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    ProblemError: handle_problem,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}

_STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    422: ErrorCode.VALIDATION_FAILED,
    429: ErrorCode.RATE_LIMITED,
}


def _code_for_status(status: int) -> ErrorCode:
    if status in _STATUS_CODES:
        return _STATUS_CODES[status]
    return ErrorCode.BAD_REQUEST if status < 500 else ErrorCode.INTERNAL_ERROR


def _validation_problem(error: ValidationException) -> Response[dict[str, Any]]:
    """List each invalid value Litestar found, as `$.field` for the body and `query.name` for parameters."""
    entries = error.extra if isinstance(error.extra, list) else []
    errors = [_validation_entry(entry) for entry in entries if isinstance(entry, dict)]
    if not errors:
        return problem_response(ErrorCode.VALIDATION_FAILED, error.detail)

    first = errors[0]
    detail = f"{first['path']}: {first['reason']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem_response(ErrorCode.VALIDATION_FAILED, detail, extensions={"errors": errors})


def _validation_entry(entry: dict[str, Any]) -> dict[str, str]:
    key = str(entry.get("key") or "")
    source = entry.get("source")
    if source in (None, "body"):
        path = "$" + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in key.split(".") if part)
    else:
        path = f"{source}.{key}"
    return {"path": path, "reason": str(entry.get("message", "invalid value"))}


@get(f"{PROBLEM_TYPE_PREFIX}{{code:str}}", media_type=MediaType.JSON, tags=["problems"], sync_to_thread=False)
def describe_problem_type(code: FromPath[str]) -> dict[str, Any]:
    """Describe one problem type: its status, title and what it means."""
    try:
        error_code = ErrorCode(code)
    except ValueError:
        known = ", ".join(member.value for member in ErrorCode)
        raise ProblemError(ErrorCode.NOT_FOUND, f"no problem type {code!r}; known types: {known}") from None

    problem = PROBLEM_TYPES[error_code]
    return {"code": error_code.value, "status": problem.status, "title": problem.title, "description": problem.description}
