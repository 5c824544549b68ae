"""Keep sensitive setting values out of everything the emulator reports."""
from __future__ import annotations

from typing import Any

from .results import Result

MASK = "[REDACTED]"


class Redactor:
    def __init__(self, secrets: list[Any]):
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if isinstance(s, str) and s}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, MASK)
        return value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k): self.value(v) for k, v in value.items()}
        return value

    def apply(self, result: Result) -> None:
        if not self.secrets:
            return
        result.calls = self.value(result.calls)
        result.logs = [self.text(line) for line in result.logs]
        if result.error:
            result.error = self.value(result.error)
