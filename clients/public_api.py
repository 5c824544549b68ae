"""A small client of Segment's Public API (functions), on `requests`.

Errors become `PublicAPIError` with the status and the API's own message; 429 and 5xx answers are retried with
exponential backoff, honouring `Retry-After`. The token goes only into the Authorization header: no message,
error or log line ever contains it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import requests

from ..core.segment import PUBLIC_API
from .retry import send_with_retries


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
            response = send_with_retries(send, self.attempts, self.backoff, self.sleep)
        except requests.RequestException as exc:
            raise PublicAPIError(None, f"{method} {path}: network failure ({type(exc).__name__}) "
                                       f"after {self.attempts} attempts") from None
        if response.status_code >= 300:
            raise PublicAPIError(response.status_code, _explain(method, path, response))
        return response.json() if response.content else {}

    def functions(self, resource_type: str = "SOURCE", page_size: int = 100) -> Iterator[dict]:
        """Every function of the workspace, following pagination cursors."""
        params: dict[str, Any] = {"resourceType": resource_type, "pagination.count": page_size}
        while True:
            data = self.request("GET", "/functions", params=params)["data"]
            yield from data.get("functions", [])
            cursor = (data.get("pagination") or {}).get("next")
            if not cursor:
                return
            params = {**params, "pagination.cursor": cursor}

    def get_function(self, function_id: str) -> dict:
        return self.request("GET", f"/functions/{function_id}")["data"]["function"]

    def create_function(self, body: dict) -> dict:
        return self.request("POST", "/functions", json={**body, "resourceType": "SOURCE"})["data"]["function"]

    def update_function(self, function_id: str, body: dict) -> dict:
        return self.request("PATCH", f"/functions/{function_id}", json=body)["data"]["function"]

    def deploy_function(self, function_id: str) -> dict:
        return self.request("POST", f"/functions/{function_id}/deploy")["data"]["functionDeployment"]


def _explain(method: str, path: str, response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        detail = "; ".join(e.get("message", "") for e in errors if isinstance(e, dict)) or response.text[:300]
    except ValueError:
        detail = response.text[:300]
    hint = {401: "the token is missing, wrong or expired (SEGMENT_PUBLIC_API_TOKEN)",
            403: "the token lacks the permission for this (it needs Workspace Owner or Functions Admin)",
            404: "not found", 422: "Segment refused the request", 429: "rate limited"}.get(response.status_code, "")
    return f"{method} {path}: HTTP {response.status_code}" + (f" ({hint})" if hint else "") + (f": {detail}" if detail else "")

