"""Fixtures: webhook requests with the calls or error they must produce.

Read from srcfn's format (`{request: {method, url, headers, query, body | raw}, settings, sign, http, expect}`),
Segment's functions-library format (`{payload: {body, headers, queryParameters | url}, settings}`), or, for
`replay`, a bare webhook body. Malformed files raise FixtureError with located findings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema
import jsonschema_rs

from ..core.documents import load_document
from ..core.ecma_patterns import Draft202012
from ..core.findings import Collector, InputError
from ..core.schema_errors import report_schema_errors
from ..core.segment import EMULATOR_URL


class FixtureError(InputError):
    """A fixture that cannot be used; carries located findings like a spec error."""


@dataclass
class Fixture:
    name: str      # what people read
    ident: str     # what identifies it in output: the file path, or FILE:LINE for replay lines
    request: dict  # {method, url, headers, body}: what the worker receives
    settings: dict = field(default_factory=dict)
    http: list = field(default_factory=list)
    expect: dict | None = None
    path: Path | None = None
    sign: dict | None = None  # sign the request at run time with its spec's scheme (srcfn/signing.py)
    positions: dict = field(default_factory=dict, repr=False)  # JSON pointer → (line, col) in the file


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(resources.files(__package__).joinpath("schema/fixture.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _fast() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(_schema())


@lru_cache(maxsize=1)
def _explainer() -> jsonschema.Draft202012Validator:
    return Draft202012(_schema())


def load_fixture(path: Path, display: str | None = None) -> Fixture:
    try:
        doc = load_document(path, display)
    except InputError as exc:
        raise FixtureError(exc.findings) from None
    out = doc.collector()
    return from_value(doc.value, out, path.stem, display or str(path), path)


def from_value(value: Any, out: Collector, default_name: str, ident: str, path: Path | None = None,
               raw: str | None = None) -> Fixture:
    """A fixture from a parsed value; a dict without `request` or `payload` is a bare webhook body, sent as
    `raw` (its text as read) when given."""
    if isinstance(value, dict) and "request" not in value and "payload" not in value:
        if raw is not None:  # a bare body read as text: nothing to validate, send the text as it came
            return Fixture(name=default_name, ident=ident, request=_srcfn_request({"raw": raw}), path=path)
        value = {"request": {"body": value}}
    if not _fast().is_valid(value):  # the fast check runs per replayed line; messages only when needed
        report_schema_errors(_explainer(), value, out)
        raise FixtureError(out.findings)
    if "request" in value:
        request = _srcfn_request(value["request"])
    else:
        request = _library_request(value["payload"])
    return Fixture(name=value.get("name", default_name), ident=ident, request=request,
                   settings=value.get("settings", {}), http=value.get("http", []), expect=value.get("expect"), path=path,
                   sign=value.get("sign"), positions=out.positions)


def _body_text(request: dict) -> str:
    if "raw" in request:
        return request["raw"]
    body = request.get("body")
    if body is None:
        return ""
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _with_query(url: str, query: dict) -> str:
    if not query:
        return url
    pairs = [(k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])]
    return url + ("&" if "?" in url else "?") + urlencode(pairs)


def _srcfn_request(req: dict) -> dict:
    return {"method": req.get("method", "POST"), "url": _with_query(req.get("url", EMULATOR_URL), req.get("query", {})),
            "headers": req.get("headers", {}), "body": _body_text(req)}


def _library_request(payload: dict) -> dict:
    url = payload.get("url") or _with_query(EMULATOR_URL, payload.get("queryParameters", {}))
    return {"method": "POST", "url": url, "headers": payload.get("headers", {}), "body": _body_text(payload)}


def discover(folder: Path) -> list[Path]:
    """The fixture files of a folder, sorted by name."""
    return sorted(p for p in folder.glob("*.json") if p.is_file()) if folder.is_dir() else []


def webhook(body: Any = None, *, raw: str | None = None, headers: dict | None = None, query: dict | None = None,
            method: str = "POST", url: str | None = None, settings: dict | None = None, http: list | None = None,
            expect: dict | None = None, name: str = "webhook") -> Fixture:
    """A fixture built in code, checked like a fixture file (for tests and the pytest plugin)."""
    request: dict[str, Any] = {"method": method, "headers": headers or {}, "query": query or {}}
    if raw is not None:
        request["raw"] = raw
    elif body is not None:
        request["body"] = body
    if url:
        request["url"] = url
    value: dict[str, Any] = {"name": name, "request": request, "settings": settings or {}, "http": http or []}
    if expect is not None:
        value["expect"] = expect
    return from_value(value, Collector(name), name, name)
