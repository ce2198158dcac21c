"""Checks of node configs that JSON Schema cannot express.

Each check looks at fields only when they have the right type, because the schema already
reports a wrong type. Text holding {{ }} expressions is judged only by its literal part.
"""

import json
import re
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from tools.catalog.issues import Issue, IssueCode, join_pointer, make_issue
from tools.catalog.messages import closest_match, quote_text

ConfigCheck = Callable[[dict[str, Any], str], list[Issue]]

_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# The literal start of a URL such as "http{{ ... }}" may still get its scheme from the expression.
_POSSIBLE_SCHEME_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*(:/{0,2})?")
_ALLOWED_SCHEMES = ("http", "https")
# Go's time.LoadLocation accepts these names (the empty one means UTC) even where the time
# zone database lacks them.
_ALWAYS_VALID_TIMEZONES = frozenset({"", "UTC", "Local"})


def check_url(url: Any, pointer: str) -> list[Issue]:
    """Check that a URL has an http or https scheme, as LinkFlow's engine requires."""
    if not isinstance(url, str) or not url:
        return []

    literal = url.split("{{", 1)[0]
    has_expression = "{{" in url
    if not literal:
        return []
    if literal[0].isspace():
        return [make_issue(pointer, f"URL starts with whitespace: {quote_text(url)}; remove it", IssueCode.INVALID_URL)]

    scheme_match = _SCHEME.match(literal)
    if scheme_match:
        return _check_scheme_and_host(url, scheme_match.group(1), has_expression, pointer)
    if has_expression and _POSSIBLE_SCHEME_START.fullmatch(literal):
        return []

    text = f"URL has no scheme: {quote_text(url)}; start it with https:// (or http://)"
    return [make_issue(pointer, text, IssueCode.URL_WITHOUT_SCHEME)]


def _check_scheme_and_host(url: str, scheme: str, has_expression: bool, pointer: str) -> list[Issue]:
    if scheme.lower() not in _ALLOWED_SCHEMES:
        text = f'URL scheme "{scheme}" is not supported in {quote_text(url)}; only http and https are'
        return [make_issue(pointer, text, IssueCode.UNSUPPORTED_URL_SCHEME)]

    if not has_expression and not urlsplit(url).hostname:
        return [make_issue(pointer, f"URL has no host: {quote_text(url)}", IssueCode.INVALID_URL)]
    return []


def check_json_body(config: dict[str, Any], pointer: str) -> list[Issue]:
    """Check that a text body sent as JSON parses.

    Text without expressions must parse. With expressions, each one is replaced by null
    before parsing, and a failure is only a warning, since a rendered value may be a
    fragment of JSON that a placeholder cannot stand for.
    """
    body = config.get("body")
    if config.get("body_type") != "json" or not isinstance(body, str) or not body.strip():
        return []

    body_pointer = join_pointer(pointer, "body")
    has_expression = "{{" in body
    candidate = _EXPRESSION.sub("null", body) if has_expression else body
    reason = _json_error(candidate)
    if reason is None:
        return []

    if has_expression:
        text = f"invalid JSON body once its expressions are replaced by null: {reason}"
        return [make_issue(body_pointer, text, IssueCode.INVALID_JSON_BODY, severity="warning")]
    return [make_issue(body_pointer, f"invalid JSON body: {reason}", IssueCode.INVALID_JSON_BODY)]


def _json_error(text: str) -> str | None:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        return str(error)
    return None


def _reject_constant(name: str) -> None:
    # Python accepts NaN and Infinity; Go's encoding/json and the JSON standard do not.
    raise ValueError(f"{name} is not valid JSON")


def check_timezone(timezone: Any, pointer: str) -> list[Issue]:
    """Check that a time zone is a name of the IANA time zone database."""
    known = _known_timezones()
    if not isinstance(timezone, str) or "{{" in timezone or not known:
        return []
    if timezone in known or timezone in _ALWAYS_VALID_TIMEZONES:
        return []

    text = f"unknown time zone {quote_text(timezone)}; expected an IANA name such as Europe/Berlin"
    suggestion = closest_match(timezone, known)
    if suggestion is not None:
        text += f'; did you mean "{suggestion}"?'
    return [make_issue(pointer, text, IssueCode.BAD_ENUM)]


@cache
def _known_timezones() -> frozenset[str]:
    # NOTE: empty when the host has neither a system time zone database nor the tzdata
    # package. The check is then skipped rather than rejecting every name.
    return frozenset(zoneinfo.available_timezones())


def _check_http_request(config: dict[str, Any], pointer: str) -> list[Issue]:
    return check_url(config.get("url"), join_pointer(pointer, "url")) + check_json_body(config, pointer)


def _check_slack_message(config: dict[str, Any], pointer: str) -> list[Issue]:
    return check_url(config.get("webhook_url"), join_pointer(pointer, "webhook_url"))


def _check_schedule(config: dict[str, Any], pointer: str) -> list[Issue]:
    return check_timezone(config.get("timezone"), join_pointer(pointer, "timezone"))


CONFIG_CHECKS: dict[str, ConfigCheck] = {
    "action_http_request": _check_http_request,
    "action_slack_message": _check_slack_message,
    "trigger_schedule": _check_schedule,
}
