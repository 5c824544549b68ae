"""Invocation results, and how each outcome maps to Segment's error category and srcfn's HTTP status.

Segment documents the categories, not the status a webhook caller receives; srcfn's choice:

| outcome                                   | category               | status |
|-------------------------------------------|------------------------|--------|
| success                                   | -                      | 200    |
| EventNotSupported                         | Unsupported Event Type | 400    |
| ValidationError, InvalidEventPayload      | Message Rejected       | 400    |
| RetryError                                | Retry                  | 503    |
| timeout (5 s default)                     | Retry                  | 504    |
| out of memory (the worker died)           | Retry                  | 503    |
| any other error                           | Bad Request            | 400    |
| not POST / wrong Content-Type / > 512 KiB | Request Rejected       | 405 / 415 / 413 |
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES = {
    "unsupported": ("Unsupported Event Type", 400),
    "rejected": ("Message Rejected", 400),
    "retry": ("Retry", 503),
    "timeout": ("Retry", 504),
    "memory": ("Retry", 503),
    "other": ("Bad Request", 400),
}
REQUEST_STATUS = {"MethodNotAllowed": 405, "UnsupportedMediaType": 415, "PayloadTooLarge": 413}
TESTER_LOG_LIMIT = 4 * 1024


def classify(raw: dict[str, Any]) -> dict[str, Any]:
    """A worker error description → {type, message, category, status}."""
    kind = raw.get("kind", "other")
    if kind == "request":
        category, status = "Request Rejected", REQUEST_STATUS.get(raw["type"], 400)
    else:
        category, status = CATEGORIES.get(kind, CATEGORIES["other"])
    return {"type": raw.get("type", "Error"), "message": raw.get("message", ""), "category": category, "status": status}


@dataclass
class Result:
    """What one invocation did. `calls` is empty when the handler threw (all-or-nothing)."""

    fixture: str
    calls: list[dict] = field(default_factory=list)
    error: dict | None = None
    logs: list[str] = field(default_factory=list)
    duration_ms: float = 0.0
    discarded: int = 0
    violations: list[dict] = field(default_factory=list)
    mismatch: str | None = None  # a diff against the fixture's expectation, when one fails

    @property
    def status(self) -> int:
        return self.error["status"] if self.error else 200

    @property
    def ok(self) -> bool:
        """Matched its expectation (or, without one, did not fail) and broke no contract."""
        return self.mismatch is None and not self.violations

    @property
    def logs_over_limit(self) -> bool:
        return sum(len(line.encode("utf-8")) + 1 for line in self.logs) > TESTER_LOG_LIMIT

    def to_json(self) -> dict[str, Any]:
        return {"fixture": self.fixture, "ok": self.ok, "status": self.status, "calls": self.calls,
                "error": self.error, "logs": self.logs, "duration_ms": round(self.duration_ms, 3),
                "violations": self.violations}
