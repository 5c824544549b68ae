"""One retry policy for srcfn's HTTP clients: 429, 5xx and network errors are retried with exponential backoff,
honouring `Retry-After`; any other answer is returned at once."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import requests

RETRIED = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0  # seconds: a longer (or infinite, `1e400`) Retry-After is waited this long, then retried


class Interrupted(Exception):
    """`stop` was set while waiting to retry: the caller is shutting down; `attempts` were made."""

    def __init__(self, attempts: int):
        super().__init__(f"stopped after {attempts} attempt{'s' if attempts != 1 else ''}")
        self.attempts = attempts


def send_with_retries(send: Callable[[], requests.Response], attempts: int, backoff: float,
                      sleep: Callable[[float], None] | None = None,
                      stop: threading.Event | None = None) -> requests.Response:
    """The first answer that is not retried; after the last attempt, that answer or the network error. With
    `stop`, waits end when it is set, and no further attempt is made (Interrupted)."""
    sleep = sleep or (stop.wait if stop is not None else _sleep)  # looked up per call, so tests can replace it
    for attempt in range(attempts):
        if attempt and stop is not None and stop.is_set():
            raise Interrupted(attempt)
        last = attempt + 1 == attempts
        try:
            response = send()
        except requests.RequestException:
            if last:
                raise
            sleep(backoff * 2 ** attempt)
            continue
        if response.status_code not in RETRIED or last:
            return response
        wait = _retry_after(response)
        sleep(wait if wait is not None else backoff * 2 ** attempt)
    raise AssertionError("unreachable: attempts must be >= 1")


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    if seconds is None or seconds != seconds:  # absent, or NaN
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)
