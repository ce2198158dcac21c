"""Find literal secrets in a value a patch writes.

Two checks: the redaction rules, run on `{key: value}` so a secret field name, an Authorization
value, a PEM block or a `password=...` pair counts; and the shapes of well-known tokens, wherever
they sit. Text inside `{{ ... }}` is a reference resolved at run time, such as
`{{ credential.crm_token }}`, so it is never a secret itself.
"""

import re
from typing import Any

from tools.patching.values import flatten
from tools.redaction import redact

_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)

# Published token prefixes: Stripe (sk_/rk_), GitHub (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_),
# Slack (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-), AWS access key ids (AKIA, ASIA), and JSON Web Tokens,
# whose base64url header starts with `eyJ` ({").
_SECRET_SHAPES = (
    ("a Stripe secret key", re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")),
    ("a bearer token", re.compile(r"\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*", re.IGNORECASE)),
)


def find_written_secrets(key: str, value: Any) -> list[str]:
    """Name each kind of literal secret found in `value` written under `key`; empty when none.

    The names are phrases such as `a Stripe secret key`; the secret itself is never returned.
    """
    findings = []
    if redact({key: value}).value != {key: value}:
        findings.append("a value redaction would mask")

    for leaf in flatten(value).values():
        if not isinstance(leaf, str):
            continue
        text = _TEMPLATE.sub(" ", leaf)
        findings.extend(label for label, pattern in _SECRET_SHAPES if pattern.search(text))
    return list(dict.fromkeys(findings))
