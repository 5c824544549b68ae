"""Invocation results, and how each outcome maps to Segment's error category and srcfn's HTTP status
(the table is `core.segment.OUTCOMES`; the README's "Outcomes" shows it)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..core.segment import OUTCOMES, REQUEST_REJECTED, REQUEST_STATUS, TESTER_LOG_BYTES
from .redaction import Redactor


def classify(raw: dict[str, Any]) -> dict[str, Any]:
    """A worker error description `{type, message, outcome}` → {type, message, category, status}. The
    outcome is the Segment error class the error is an instance of, "Timeout", "request" or "other"."""
    outcome = raw.get("outcome", "other")
    if outcome == "request":
        category, status = REQUEST_REJECTED, REQUEST_STATUS.get(raw["type"], 400)
    else:
        category, status = OUTCOMES.get(outcome, OUTCOMES["other"])
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
    redactor: Redactor | None = field(default=None, repr=False, compare=False)  # what printing masks

    def shown(self) -> Result:
        """The result as srcfn prints or serves it: sensitive setting values masked (the data stays as is)."""
        r = self.redactor
        if r is None or not r.secrets:
            return self
        return replace(self, calls=r.value(self.calls), logs=r.value(self.logs), error=r.value(self.error),
                       violations=r.value(self.violations), mismatch=r.value(self.mismatch), redactor=None)

    @property
    def status(self) -> int:
        return self.error["status"] if self.error else 200

    @property
    def ok(self) -> bool:
        """Matched its expectation (or, without one, did not fail) and broke no contract."""
        return self.mismatch is None and not self.violations

    @property
    def logs_over_limit(self) -> bool:
        return sum(len(line.encode("utf-8")) + 1 for line in self.logs) > TESTER_LOG_BYTES

    def to_json(self) -> dict[str, Any]:
        return {"fixture": self.fixture, "ok": self.ok, "status": self.status, "calls": self.calls,
                "error": self.error, "logs": self.logs, "duration_ms": round(self.duration_ms, 3),
                "violations": self.violations}
