"""Forward emitted calls to Segment's HTTP Tracking API (`POST /v1/batch`, basic auth with the write key).

Calls are sent in batches within Segment's batch and message size limits (core.segment). A batch answered 429 or 5xx (or lost to a
network error) is retried with exponential backoff, honouring `Retry-After`; it is resent unchanged, and every call
carries a `messageId` (assigned once, before the first attempt, when the handler set none) so Segment's
deduplication makes a resend harmless: nothing is lost, nothing counted twice. A call that cannot be delivered is
reported with its messageId and the reason.
"""
from __future__ import annotations

import json
import threading
import uuid
from urllib.parse import urlsplit
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from ..core.segment import MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, TRACKING_API_BATCH
from .retry import RETRIED, Interrupted, network_cause, send_with_retries


TIMEOUT = 10  # seconds per request: also bounds how long stopping can wait for one in flight


@dataclass(frozen=True)
class Failure:
    message_id: str
    reason: str


@dataclass
class Forwarder:
    write_key: str
    region: str = "us"
    attempts: int = 5
    backoff: float = 0.5            # seconds before the first retry; doubles each time
    sleep: Callable[[float], None] | None = None
    session: requests.Session = field(default_factory=requests.Session)
    delivered: int = 0
    failures: list[Failure] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)  # set: shutting down, send nothing more

    def send(self, calls: list[dict]) -> list[Failure]:
        """Deliver `calls` (in batches); returns the failures of this call, also kept in `failures`."""
        messages = [dict(call, messageId=call.get("messageId") or f"srcfn-{uuid.uuid4()}") for call in calls]
        if self.stop.is_set():
            failed = [Failure(m["messageId"], "not sent: srcfn stopped first") for m in messages]
            self.failures += failed
            return failed
        failed: list[Failure] = []
        batches, too_big = split_batches(messages)
        failed += [Failure(m["messageId"], f"message is {size} bytes, over the {MAX_MESSAGE_BYTES // 1024} KB limit") for m, size in too_big]
        for batch in batches:
            reason = self._post(batch)
            if reason:
                failed += [Failure(m["messageId"], reason) for m in batch]
            else:
                self.delivered += len(batch)
        self.failures += failed
        return failed

    def _post(self, batch: list[dict]) -> str | None:
        """None when Segment accepted the batch, else why it was not delivered."""
        body = json.dumps({"batch": batch}, separators=(",", ":"))

        def post() -> requests.Response:
            return self.session.post(TRACKING_API_BATCH[self.region], data=body, auth=(self.write_key, ""),
                                     headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
        try:
            response = send_with_retries(post, self.attempts, self.backoff, self.sleep, self.stop)
        except Interrupted as exc:
            return f"not delivered: srcfn stopped while retrying ({exc})"
        except requests.RequestException as exc:
            host = urlsplit(TRACKING_API_BATCH[self.region]).hostname
            return f"network error: {network_cause(exc, host)} (after {self.attempts} attempts)"
        if response.status_code < 300:
            return None
        retried = f" (after {self.attempts} attempts)" if response.status_code in RETRIED else ""
        return f"HTTP {response.status_code}: {response.text[:200]}{retried}"


def split_batches(messages: list[dict]) -> tuple[list[list[dict]], list[tuple[dict, int]]]:
    """Batches whose JSON stays within MAX_BATCH_BYTES; messages over MAX_MESSAGE_BYTES are set apart."""
    batches: list[list[dict]] = []
    too_big: list[tuple[dict, int]] = []
    current: list[dict] = []
    size = len('{"batch":[]}')
    for message in messages:
        encoded = len(json.dumps(message, separators=(",", ":")).encode("utf-8"))
        if encoded > MAX_MESSAGE_BYTES:
            too_big.append((message, encoded))
            continue
        if current and size + encoded + 1 > MAX_BATCH_BYTES:
            batches.append(current)
            current, size = [], len('{"batch":[]}')
        current.append(message)
        size += encoded + 1
    if current:
        batches.append(current)
    return batches, too_big

