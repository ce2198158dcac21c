"""The engine's callback signature: hex HMAC-SHA256 of `timestamp + "." + body`, fresh within five minutes."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from service.errors import ErrorCode, ProblemError
from tools.formats.timestamps import check_rfc3339, parse_rfc3339

TIMESTAMP_HEADER = "X-LinkFlow-Timestamp"
SIGNATURE_HEADER = "X-LinkFlow-Signature"
# LinkFlow's engine refuses callbacks older or newer than this; Auto-Fix checks the same window.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def sign_callback(key: str, timestamp: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of `timestamp + "." + body` under `key`."""
    message = timestamp.encode("utf-8") + b"." + body
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_callback(key: str, timestamp: str | None, signature: str | None, body: bytes, now: datetime) -> None:
    """Check a callback's signature, then its age.

    The signature is checked first, so an unsigned request learns nothing about the clock.

    Raises:
        ProblemError: invalid_signature for a missing or wrong header, stale_callback outside the window.
    """
    if not timestamp:
        raise ProblemError(ErrorCode.INVALID_SIGNATURE, f"missing {TIMESTAMP_HEADER} header")
    if not signature:
        raise ProblemError(ErrorCode.INVALID_SIGNATURE, f"missing {SIGNATURE_HEADER} header")

    expected = sign_callback(key, timestamp, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode("utf-8", "replace")):
        raise ProblemError(
            ErrorCode.INVALID_SIGNATURE,
            f"{SIGNATURE_HEADER} does not match the HMAC-SHA256 of the timestamp, a dot and the body",
        )

    sent_at = _parse_timestamp(timestamp)
    skew = abs(now - sent_at)
    if skew > MAX_CLOCK_SKEW:
        raise ProblemError(
            ErrorCode.STALE_CALLBACK,
            f"{TIMESTAMP_HEADER} {timestamp} is {int(skew.total_seconds())} seconds from the server's time "
            f"{now.isoformat()}; the limit is {int(MAX_CLOCK_SKEW.total_seconds())} seconds",
        )


def _parse_timestamp(timestamp: str) -> datetime:
    try:
        check_rfc3339(timestamp)
        return parse_rfc3339(timestamp).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ProblemError(
            ErrorCode.INVALID_SIGNATURE,
            f"{TIMESTAMP_HEADER} is not an RFC 3339 time with a zone, such as 2026-03-01T09:30:00Z",
        ) from None
