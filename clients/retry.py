"""One retry policy for srcfn's HTTP clients: 429, 5xx and network errors are retried with exponential backoff,
honouring `Retry-After`; any other answer is returned at once."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import requests

RETRIED = {429, 500, 502, 503, 504}
NETWORK_ATTEMPTS = 2    # interactive commands (deploy) try a host they cannot reach twice, not for 15 s
NETWORK_BACKOFF = 0.5   # seconds between those attempts
MAX_RETRY_AFTER = 60.0  # seconds: a longer (or infinite, `1e400`) Retry-After is waited this long, then retried


class Interrupted(Exception):
    """`stop` was set while waiting to retry: the caller is shutting down; `attempts` were made."""

    def __init__(self, attempts: int):
        super().__init__(f"stopped after {attempts} attempt{'s' if attempts != 1 else ''}")
        self.attempts = attempts


def send_with_retries(send: Callable[[], requests.Response], attempts: int, backoff: float,
                      sleep: Callable[[float], None] | None = None,
                      stop: threading.Event | None = None, quick_network: bool = False) -> requests.Response:
    """The first answer that is not retried; after the last attempt, that answer or the network error. With
    `stop`, waits end when it is set, and no further attempt is made (Interrupted). `quick_network`: a network
    error is retried NETWORK_ATTEMPTS times NETWORK_BACKOFF apart (someone is waiting), not with the backoff."""
    sleep = sleep or (stop.wait if stop is not None else _sleep)  # looked up per call, so tests can replace it
    for attempt in range(attempts):
        if attempt and stop is not None and stop.is_set():
            raise Interrupted(attempt)
        last = attempt + 1 == attempts
        try:
            response = send()
        except requests.RequestException:
            if last or (quick_network and attempt + 1 >= NETWORK_ATTEMPTS):
                raise
            sleep(NETWORK_BACKOFF if quick_network else backoff * 2 ** attempt)
            continue
        if response.status_code not in RETRIED or last:
            return response
        wait = _retry_after(response)
        sleep(wait if wait is not None else backoff * 2 ** attempt)
    raise AssertionError("unreachable: attempts must be >= 1")


def network_cause(exc: requests.RequestException, host: str) -> str:
    """What went wrong reaching `host`, and what to try, in one line."""
    text = f"{exc!r} {exc}"
    if isinstance(exc, requests.exceptions.SSLError):
        return (f"TLS with {host} failed: a proxy that intercepts HTTPS needs its certificate authority in "
                "REQUESTS_CA_BUNDLE")
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{host} did not answer in time: check the network or a proxy (HTTPS_PROXY)"
    if any(m in text for m in ("NameResolutionError", "Name or service not known", "nodename nor servname",
                               "getaddrinfo failed", "Temporary failure in name resolution")):
        return f"the name {host} does not resolve (DNS): check the network connection, a proxy (HTTPS_PROXY), or --region"
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return f"{host} refused the connection: a firewall or a proxy (HTTPS_PROXY) may be in the way"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


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
