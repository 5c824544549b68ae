"""Fixtures signed when they run, so they never go stale: a fixture's `sign` block asks srcfn to sign its request
as the producer would, with the spec's webhook.signature and the fixture's settings, at a time relative to now (or
to `--now`). The timestamp and the signature are written where the spec reads them: a header, a query parameter or
a body field. Written from the producers' documented schemes, not from the handler's code."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import replace
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .core.findings import Collector
from .emulator.fixtures import Fixture, FixtureError
from .generator import model as m
from .generator.expr import nodes as n
from .generator.paths import BODY, EVENT
from .generator.schema_types import types_of

FORM = "application/x-www-form-urlencoded"
UNITS = {"s": 1, "min": 60, "h": 3600, "d": 86400}
AT = re.compile(r"now(?:\s*([-+])\s*([0-9]+)\s*(s|min|h|d))?")


class Unsignable(ValueError):
    """What stops a fixture from being signed; `pointer` is where in the fixture."""

    def __init__(self, pointer: str, message: str):
        super().__init__(message)
        self.pointer = pointer


def sign_fixtures(fixtures: list[Fixture], signature: m.Signature | None, settings: dict,
                  now: float | None) -> list[Fixture]:
    """The fixtures, those with `sign` signed at `now` (None: the real clock) and their `sign` removed; one
    FixtureError with a located finding per fixture that cannot be signed."""
    out, findings = [], []
    for fixture in fixtures:
        if fixture.sign is None:
            out.append(fixture)
            continue
        try:
            out.append(_signed(fixture, signature, {**settings, **fixture.settings},
                               time.time() if now is None else now))
        except Unsignable as exc:
            found = Collector(fixture.ident, fixture.positions)
            found.add(exc.pointer, str(exc))
            findings += found.findings
    if findings:
        raise FixtureError(findings)
    return out


def _signed(fixture: Fixture, sig: m.Signature | None, settings: dict, now: float) -> Fixture:
    if sig is None:
        raise Unsignable("/sign", "sign needs a webhook.signature in the spec to sign with")
    secret = settings.get(sig.secret_setting)
    if not isinstance(secret, str) or not secret:
        raise Unsignable("/settings", f"sign needs the {sig.secret_setting} setting (the secret or key to sign with)")
    request = _Request(fixture.request)
    if sig.timestamp is None and "at" in fixture.sign:
        raise Unsignable("/sign/at", "the spec's signature has no timestamp: remove at")
    if sig.timestamp is not None:
        at = _time(fixture.sign.get("at", "now"), now)
        request.put(sig.timestamp, at * 1000 if sig.timestamp_ms else at)
    request.put(sig.given, _signature(sig, secret, request, settings, fixture.sign))
    return replace(fixture, request=request.finish(), sign=None)


def _time(at: str | int, now: float) -> int:
    if isinstance(at, int):
        return at
    match = AT.fullmatch(at)
    if not match:
        raise Unsignable("/sign/at", f"{at!r}: write now, now - N (s|min|h|d), now + N (s|min|h|d), "
                                     "or seconds since 1970")
    sign, count, unit = match.groups()
    offset = int(count) * UNITS[unit] if count else 0
    return int(now) + (-offset if sign == "-" else offset)


def _signature(sig: m.Signature, secret: str, request: _Request, settings: dict, sign: dict) -> str:
    if sig.scheme == "basic":
        return "Basic " + base64.b64encode(secret.encode()).decode()
    if sig.scheme == "bearer":
        return "Bearer " + secret
    if sig.scheme == "query_token":
        return secret
    if sig.signed == "sorted_json":
        data = _sorted_json(request.body())
    else:
        data = _text(request.value(sig.signed, settings))
        if data is None:
            raise Unsignable("/request", "the request lacks what the spec signs (webhook.signature.signed)")
    if sig.scheme.startswith("hmac-"):
        digest = hmac.new(_key(secret, sig.secret_encoding), data.encode(), getattr(hashlib, sig.scheme[5:])).digest()
    else:
        digest = _private_sign(sig.scheme, sign.get("private_key"), data.encode())
    made = sig.prefix + (digest.hex() if sig.encoding == "hex" else base64.b64encode(digest).decode())
    return f"{sig.format['key']}{sig.format['pair']}{made}" if sig.format else made


def _key(secret: str, encoding: str) -> bytes:
    if encoding == "hex":
        return bytes.fromhex(secret)
    if encoding in ("base64", "whsec"):
        return base64.b64decode(secret.removeprefix("whsec_") if encoding == "whsec" else secret)
    return secret.encode()


def _private_sign(scheme: str, pem: str | None, data: bytes) -> bytes:
    if not pem:
        raise Unsignable("/sign", f"{scheme} is signed with the producer's private key: give it as sign.private_key (PEM)")
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    except ImportError:
        raise Unsignable("/sign", f"signing {scheme} fixtures needs the cryptography package: "
                                  "pip install 'srcfn[signing]'") from None
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise Unsignable("/sign/private_key", f"not a PEM private key without a password: {exc}") from None
    if scheme == "ed25519" and isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if scheme == "ecdsa-p256-sha256" and isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise Unsignable("/sign/private_key", f"not an {scheme} private key")


class _Request:
    """A fixture's request being signed: its headers, query and body, read and written as the spec says."""

    def __init__(self, request: dict):
        self.request = request
        self.headers = dict(request["headers"])
        parts = urlsplit(request["url"])
        self.parts, self.query, self.query_changed = parts, parse_qsl(parts.query, keep_blank_values=True), False
        self.form = self._header("content-type", "").split(";")[0].strip().lower() == FORM
        self._body = None

    def _header(self, name: str, default=None):
        found = [v for k, v in self.headers.items() if k.lower() == name.lower()]
        return ",".join(found[0]) if found and isinstance(found[0], list) else (str(found[0]) if found else default)

    def body(self):
        if self._body is None:
            text = self.request["body"]
            if self.form:
                self._body = {}
                for k, v in parse_qsl(text, keep_blank_values=True):  # a repeated field: a list, as request.js
                    before = self._body.get(k)
                    self._body[k] = v if before is None else [*(before if isinstance(before, list) else [before]), v]
            else:
                try:
                    self._body = json.loads(text)
                except ValueError:
                    raise Unsignable("/request/body", "the body is not JSON: sign cannot read or write its fields") from None
        return self._body

    def value(self, expr: n.Expr, settings: dict):
        """An expression of the signature block, evaluated as the handler would (templates, paths, headers ...)."""
        if isinstance(expr, n.Const):
            return expr.value
        if isinstance(expr, n.Template):
            texts = [p if isinstance(p, str) else _text(self.value(p, settings)) for p in expr.parts]
            return None if None in texts else "".join(texts)
        if isinstance(expr, n.Path) and expr.path.root in (EVENT, BODY) and not expr.dynamic:
            return _dig(self.body(), expr.path.steps)
        if isinstance(expr, n.RequestPart):
            if expr.part == "header":
                return self._header(expr.name)
            if expr.part == "query":
                return next((v for k, v in self.query if k == expr.name), None)
            if expr.part == "setting":
                return settings.get(expr.name)
            if expr.name == "sorted_json":
                return _sorted_json(self.body())
            return self.request["url"] if expr.name == "url" else _sorted_form(self.body())
        raise Unsignable("/sign", f"sign cannot evaluate the spec's {expr.pointer}: write the fixture's signature "
                                  "by hand, or use a template of fields, headers and settings")

    def put(self, expr: n.Expr, value) -> None:
        """Write `value` where the spec reads it; a value the fixture already holds there is an error."""
        if isinstance(expr, n.RequestPart) and expr.part == "header":
            if self._header(expr.name) is not None:
                raise Unsignable(f"/request/headers/{expr.name}", f"remove the {expr.name} header: sign writes it")
            self.headers[expr.name] = str(value)
        elif isinstance(expr, n.RequestPart) and expr.part == "query":
            if any(k == expr.name for k, _ in self.query):
                raise Unsignable("/request/query", f"remove the {expr.name} query parameter: sign writes it")
            self.query.append((expr.name, str(value)))
            self.query_changed = True
        elif isinstance(expr, n.Path) and expr.path.root in (EVENT, BODY) and not expr.dynamic and expr.path.steps:
            types = types_of(expr.yields) or frozenset()
            as_text = "string" in types and not types & {"integer", "number"}
            _set(self.body(), expr.path.steps, str(value) if as_text or self.form else value, expr.path.text())
        else:
            raise Unsignable("/sign", f"sign cannot write the spec's {expr.pointer}: only a header, a query "
                                      "parameter or a body field")

    def finish(self) -> dict:
        body = self.request["body"]
        if self._body is not None:
            body = urlencode(self._body, doseq=True) if self.form else \
                json.dumps(self._body, ensure_ascii=False, separators=(",", ":"))
        url = urlunsplit(self.parts._replace(query=urlencode(self.query))) if self.query_changed else self.request["url"]
        return {**self.request, "headers": self.headers, "url": url, "body": body}


def _dig(value, steps):
    for step in steps:
        if isinstance(value, dict) and isinstance(step, str) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _set(body, steps, value, text: str) -> None:
    for step in steps[:-1]:
        if isinstance(body, dict) and isinstance(step, str):
            body = body.setdefault(step, {})
        elif isinstance(body, list) and isinstance(step, int) and 0 <= step < len(body):
            body = body[step]
        else:
            body = None
            break
    if not isinstance(body, dict) or not isinstance(steps[-1], str):
        raise Unsignable("/request/body", f"sign cannot write {text}: the body has no object there")
    if steps[-1] in body:
        raise Unsignable("/request/body", f"remove {text} from the body: sign writes it")
    body[steps[-1]] = value


def _sorted_form(body) -> str | None:
    """{request: sorted_form}: each field name sorted, followed by its value (a repeated field: its distinct values
    sorted), as Twilio signs form parameters."""
    if not isinstance(body, dict):
        return None
    out = ""
    for name in sorted(body, key=_utf16):
        values = sorted(set(body[name]), key=_utf16) if isinstance(body[name], list) else [body[name]]
        for v in values:
            text = _text(v)
            if text is None:
                return None
            out += name + text
    return out


def _sorted_json(v) -> str:
    """JSON.stringify of the body with its keys sorted, as JavaScript writes numbers (1.0 is 1; integers past 2^53
    lose precision as JSON.parse makes them doubles)."""
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _sorted_json(v[k]) for k in _js_keys(v)) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_sorted_json(x) for x in v) + "]"
    if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2 ** 53):
        return _js_number(float(v))
    return json.dumps(v, ensure_ascii=False)


def _js_keys(obj: dict) -> list[str]:
    """The key order of a JavaScript object built from `Object.keys(o).sort()`: sort compares UTF-16 code units,
    and an object lists its array-index keys ("0", "17") first, in numeric order."""
    ordered = sorted(obj, key=_utf16)
    index = [k for k in ordered if k.isascii() and k.isdigit() and (k == "0" or k[0] != "0") and int(k) < 2 ** 32 - 1]
    return sorted(index, key=int) + [k for k in ordered if k not in set(index)]


def _utf16(text: str) -> bytes:
    """A sort key that orders text as JavaScript's sort does: by UTF-16 code units."""
    return text.encode("utf-16-be", "surrogatepass")


def _text(v) -> str | None:
    """JavaScript's String(v) for a present scalar; None for absent values and objects."""
    if v is None or isinstance(v, (dict, list)):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _js_number(v)
    return str(v)


def _js_number(v: float) -> str:
    """Number::toString: the shortest round-tripping digits (Python's repr has the same), placed as JS places them."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "0"
    sign, digits, exp = Decimal(repr(abs(v))).normalize().as_tuple()
    s = "".join(map(str, digits))
    k, point = len(s), len(s) + exp  # value = 0.s × 10^point
    neg = "-" if v < 0 else ""
    if k <= point <= 21:
        return neg + s + "0" * (point - k)
    if 0 < point <= 21:
        return neg + s[:point] + "." + s[point:]
    if -6 < point <= 0:
        return neg + "0." + "0" * -point + s
    mantissa = s[0] + ("." + s[1:] if k > 1 else "")
    return f"{neg}{mantissa}e{'+' if point - 1 >= 0 else '-'}{abs(point - 1)}"
