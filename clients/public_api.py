"""A small client of Segment's Public API (functions), on `requests`.

Errors become `PublicAPIError` with the status and the API's own message; 429 and 5xx answers are retried with
exponential backoff, honouring `Retry-After`. The token goes only into the Authorization header: no message,
error or log line ever contains it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests

from ..core.segment import PUBLIC_API
from .retry import NETWORK_ATTEMPTS, network_cause, send_with_retries


MAX_PAGES = 1000  # of 100 functions: far more than any workspace holds


class PublicAPIError(Exception):
    def __init__(self, status: int | None, message: str):
        super().__init__(message)
        self.status = status


class PublicAPI:
    def __init__(self, token: str, region: str = "us", attempts: int = 5, backoff: float = 1.0,
                 sleep: Callable[[float], None] | None = None):
        self.base = PUBLIC_API[region]
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                     "Accept": "application/json"})
        self.attempts, self.backoff, self.sleep = attempts, backoff, sleep

    def request(self, method: str, path: str, **kwargs: Any) -> dict:
        def send() -> requests.Response:
            return self.session.request(method, self.base + path, timeout=30, **kwargs)
        try:
            response = send_with_retries(send, self.attempts, self.backoff, self.sleep, quick_network=True)
        except requests.RequestException as exc:
            host = urlsplit(self.base).hostname or self.base
            tries = min(self.attempts, NETWORK_ATTEMPTS)
            raise PublicAPIError(None, f"{method} {path}: cannot reach {host}: {network_cause(exc, host)} "
                                       f"({tries} attempt{'s' if tries != 1 else ''})") from None
        if response.status_code >= 300:
            raise PublicAPIError(response.status_code, _explain(method, path, response))
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise PublicAPIError(response.status_code, f"{method} {path}: HTTP {response.status_code} with a body that "
                                                       f"is not a JSON object ({kind}): {response.text[:100]!r}")
        return body

    def answer(self, method: str, path: str, *keys: str, **kwargs: Any) -> Any:
        """`keys` of the answer's JSON (data.function ...); an answer without them is a PublicAPIError."""
        value = self.request(method, path, **kwargs)
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                raise PublicAPIError(None, f"{method} {path}: Segment's answer has no {'.'.join(keys)}")
            value = value[key]
        return value

    def functions(self, resource_type: str = "SOURCE", page_size: int = 100) -> Iterator[dict]:
        """Every function of the workspace, following pagination cursors (a cursor met twice, or more than
        MAX_PAGES pages, is an error rather than an endless loop)."""
        params: dict[str, Any] = {"resourceType": resource_type, "pagination.count": page_size}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            data = self.answer("GET", "/functions", "data", params=params)
            functions = data.get("functions", []) if isinstance(data, dict) else None
            if not isinstance(functions, list):
                raise PublicAPIError(None, "GET /functions: Segment's answer has no data.functions list")
            yield from (_function(f, "GET /functions") for f in functions)
            cursor = (data.get("pagination") or {}).get("next")
            if not cursor:
                return
            if cursor in seen:
                raise PublicAPIError(None, f"GET /functions: the pagination cursor {str(cursor)[:40]!r} came back "
                                           "twice: Segment's listing does not end")
            seen.add(cursor)
            params = {**params, "pagination.cursor": cursor}
        raise PublicAPIError(None, f"GET /functions: more than {MAX_PAGES} pages: Segment's listing does not end")

    def get_function(self, function_id: str) -> dict:
        path = f"/functions/{function_id}"
        return _function(self.answer("GET", path, "data", "function"), f"GET {path}")

    def create_function(self, body: dict) -> dict:
        found = self.answer("POST", "/functions", "data", "function", json={**body, "resourceType": "SOURCE"})
        return _function(found, "POST /functions")

    def update_function(self, function_id: str, body: dict) -> dict:
        path = f"/functions/{function_id}"
        return _function(self.answer("PATCH", path, "data", "function", json=body), f"PATCH {path}")

    def deploy_function(self, function_id: str) -> dict:
        path = f"/functions/{function_id}/deploy"
        deployment = self.answer("POST", path, "data", "functionDeployment")
        if not isinstance(deployment, dict):
            raise PublicAPIError(None, f"POST {path}: Segment's functionDeployment is not an object")
        return deployment


def _function(value: Any, where: str) -> dict:
    """A function object as deploy reads it: an object with a string id (and, when present, a settings list)."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        raise PublicAPIError(None, f"{where}: Segment's answer holds a function without a string id")
    if not isinstance(value.get("settings", []), list) or not all(isinstance(s, dict) for s in value.get("settings", [])):
        raise PublicAPIError(None, f"{where}: Segment's answer holds a function whose settings are not a list of objects")
    return value


def _explain(method: str, path: str, response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    messages = [str(e.get("message", "")) for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    detail = "; ".join(messages) or response.text[:300]
    hint = {401: "the token is missing, wrong or expired (SEGMENT_PUBLIC_API_TOKEN)",
            403: "the token lacks the permission for this (it needs Workspace Owner or Functions Admin)",
            404: "not found", 422: "Segment refused the request", 429: "rate limited"}.get(response.status_code, "")
    return f"{method} {path}: HTTP {response.status_code}" + (f" ({hint})" if hint else "") + (f": {detail}" if detail else "")

