"""Keep sensitive setting values out of what srcfn prints or serves, never out of what it sends or compares.

Redaction is a view: `Result.shown()` and the replay tally's texts are masked; the calls forwarded to Segment,
compared with expectations and written by `test --update` are the handler's own. Every setting type counts (a
STRING, each element of an ARRAY, each value of a TEXT_MAP), and so do the forms a secret takes in output: as
written, escaped inside JSON (a PEM's newlines, quotes), URL-encoded and base64 (an Authorization header). A value
shorter than MIN_INSIDE characters is masked only where it is a whole value: masking it inside text would garble
everything (a secret "e" would turn every "type" into "typ[REDACTED]").
"""
from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

MASK = "[REDACTED]"
MIN_INSIDE = 6


class Redactor:
    def __init__(self, secrets: list[Any]):
        values = {s for s in _leaves(secrets) if s}
        forms = {f for s in values if len(s) >= MIN_INSIDE for f in _forms(s)}
        # Longest first, so a secret that contains another is masked whole.
        self.inside = sorted(forms, key=len, reverse=True)
        self.whole = values
        self.secrets = bool(values)

    @classmethod
    def of(cls, settings: dict, sensitive: tuple[str, ...]) -> Redactor:
        return cls([settings.get(name) for name in sensitive])

    def text(self, value: str) -> str:
        if value in self.whole:
            return MASK
        for secret in self.inside:
            value = value.replace(secret, MASK)
        return value

    def value(self, value: Any) -> Any:
        if not self.secrets:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k): self.value(v) for k, v in value.items()}
        return value


def _leaves(value: Any):
    """The strings a setting value holds, whatever its type (STRING, ARRAY, TEXT_MAP)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)


def _forms(secret: str) -> set[str]:
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    return {secret, escaped, json.dumps(secret)[1:-1], quote(secret, safe=""),
            base64.b64encode(secret.encode()).decode()}
