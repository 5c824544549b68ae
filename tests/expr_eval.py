"""An independent Python evaluation of the typed expression model (srcfn.generator.expr.nodes), written from the
spec language's documented meaning and JavaScript's rules for numbers and text, to check the generated runtime
against (tests/test_differential.py). UNDEF stands for JavaScript's undefined."""
from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from srcfn.generator.expr import nodes as n
from srcfn.generator.paths import BODY, EVENT, VarIndex


class _Undefined:
    def __repr__(self) -> str:
        return "UNDEF"


UNDEF = _Undefined()
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def js_string(v: Any) -> str:
    """String(v) for a primitive."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_number(v):
        return js_number(float(v))
    return v


def js_number(x: float) -> str:
    """Number.prototype.toString(): the shortest digits that round-trip, laid out as ECMAScript says."""
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    digits, exp = _shortest(x)
    k, point = len(digits), exp  # value = 0.digits * 10**point
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    e = point - 1
    sign = "+" if e >= 0 else "-"
    return (digits[0] + ("." + digits[1:] if k > 1 else "")) + "e" + sign + str(abs(e))


def _shortest(x: float) -> tuple[str, int]:
    """The shortest round-trip digits of x > 0 (Python's repr finds them) and n, with x = 0.DIGITS * 10**n."""
    t = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, t.digits)).lstrip("0")
    stripped = digits.rstrip("0")
    return stripped, len(stripped) + t.exponent + (len(digits) - len(stripped))


def present(v: Any) -> bool:
    return v is not UNDEF and v is not None and v != ""


def is_scalar(v: Any) -> bool:
    return isinstance(v, (str, bool)) or (is_number(v) and math.isfinite(v))


def truthy(v: Any) -> bool:
    if v is UNDEF or v is None or v is False or v == "" and isinstance(v, str):
        return False
    if is_number(v):
        return v != 0 and v == v
    return True


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def finite(x: float) -> Any:
    return x if math.isfinite(x) else UNDEF


def prop_key(k: Any) -> str:
    return js_string(k) if not isinstance(k, str) else k


def has_own(o: Any, k: Any) -> bool:
    if isinstance(o, list):
        key = prop_key(k)
        return key == "length" or (re.fullmatch(r"0|[1-9][0-9]*", key) is not None and int(key) < len(o))
    return isinstance(o, dict) and prop_key(k) in o


def own(o: Any, k: Any) -> Any:
    if isinstance(o, list):
        key = prop_key(k)
        return len(o) if key == "length" else o[int(key)]
    return o[prop_key(k)]


class Evaluator:
    def __init__(self, event: Any, body: Any, headers: dict, query: dict, settings: dict):
        self.event, self.body, self.headers, self.query, self.settings = event, body, headers, query, settings

    def value(self, e: n.Expr, env: dict) -> Any:
        method = getattr(self, "_" + type(e).__name__)
        return method(e, env)

    def _Path(self, e: n.Path, env: dict) -> Any:
        root = {EVENT: self.event, BODY: self.body}.get(e.path.root, env.get(e.path.root, UNDEF))
        dynamic = iter(e.dynamic)
        v = root
        for step in e.path.steps:
            key = self.value(next(dynamic), env) if isinstance(step, VarIndex) else step
            if not isinstance(v, (dict, list)) or not has_own(v, key):
                return UNDEF
            v = own(v, key)
        return v

    def _Const(self, e, env):
        return e.value

    def _Template(self, e, env):
        out = ""
        for part in e.parts:
            if isinstance(part, str):
                out += part
                continue
            v = self.value(part, env)
            if not present(v) or isinstance(v, (dict, list)):
                return UNDEF
            out += js_string(v)
        return out

    def _RequestPart(self, e, env):
        if e.part == "header":
            found = [v for k, v in self.headers.items() if k.lower() == e.name.lower()]
            return found[0] if found else UNDEF
        if e.part == "query":
            return self.query.get(e.name, UNDEF)
        return self.settings.get(e.name, UNDEF)

    def _First(self, e, env):
        for item in e.items:
            v = self.value(item, env)
            if present(v):
                return v
        return UNDEF

    def _If(self, e, env):
        if truthy(self.value(e.cond, env)):
            return self.value(e.then, env)
        return self.value(e.otherwise, env) if e.otherwise is not None else UNDEF

    def _Lookup(self, e, env):
        k = self.value(e.key, env)
        if is_scalar(k) and js_string(k) in e.table:
            return e.table[js_string(k)]
        return self.value(e.default, env) if e.default is not None else UNDEF

    def _Get(self, e, env):
        k, o = self.value(e.key, env), self.value(e.source, env)
        if (isinstance(k, str) or is_number(k)) and isinstance(o, (dict, list)) and has_own(o, k):
            return own(o, k)
        return UNDEF

    def _Arithmetic(self, e, env):
        values = [self.value(a, env) for a in e.args]
        if not all(is_number(v) for v in values):
            return UNDEF
        nums = [float(v) for v in values]
        try:
            if e.op == "add":
                total = nums[0]
                for x in nums[1:]:
                    total += x
                return finite(total)
            if e.op == "multiply":
                total = nums[0]
                for x in nums[1:]:
                    total *= x
                return finite(total)
            if e.op == "subtract":
                return finite(nums[0] - nums[1])
            return finite(nums[0] / nums[1])
        except ZeroDivisionError:
            return UNDEF

    def _Rounding(self, e, env):
        v = self.value(e.args[0], env)
        if not is_number(v):
            return UNDEF
        v = float(v)
        if e.op == "round":
            f = 10.0 ** e.options[0]
            return finite(math.copysign(1, v) * _js_round(abs(v) * f) / f) if v else v
        return {"floor": math.floor, "ceil": math.ceil, "abs": abs}[e.op](v)

    def _TextOp(self, e, env):
        if e.op == "concat":
            out = UNDEF
            for a in e.args:
                v = self.value(a, env)
                if is_scalar(v):
                    out = ("" if out is UNDEF else out) + js_string(v)
            return out
        v = self.value(e.args[0], env)
        if e.op == "length":
            return len(v) if isinstance(v, (str, list)) else UNDEF
        if e.op == "join":
            return e.options[0].join(_join_item(x) for x in v) if isinstance(v, list) else UNDEF
        if not isinstance(v, str):
            return UNDEF
        if e.op == "lowercase":
            return v.lower()
        if e.op == "uppercase":
            return v.upper()
        if e.op == "trim":
            return v.strip(JS_SPACE)
        if e.op == "replace":
            return e.options[1].join(v.split(e.options[0]))
        return v.split(e.options[0])  # split

    def _Convert(self, e, env):
        v = self.value(e.args[0], env)
        op = e.op
        if op == "to_string":
            return v if isinstance(v, str) else js_string(v) if is_scalar(v) else UNDEF
        if op == "to_number":
            if is_number(v):
                return v
            if isinstance(v, str) and re.fullmatch(r"[ \t\n\r]*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[ \t\n\r]*", v):
                return finite(float(v.strip(" \t\n\r")))
            return UNDEF
        if op == "to_boolean":
            return truthy(v)
        if op in ("from_unix_seconds", "from_unix_millis"):
            return iso_time(float(v) * (1000 if op == "from_unix_seconds" else 1)) if is_number(v) else UNDEF
        ms = parse_time(v)
        if ms is UNDEF:
            return UNDEF
        return {"to_iso_timestamp": lambda: iso_time(ms), "to_unix_seconds": lambda: math.floor(ms / 1000),
                "to_unix_millis": lambda: ms}[op]()

    def _Hash(self, e, env):
        v = self.value(e.args[0], env)
        if not isinstance(v, str):
            return UNDEF
        return hashlib.new(e.op, v.encode("utf-8")).hexdigest()

    def _JsonOp(self, e, env):
        v = self.value(e.args[0], env)
        if e.op == "json_encode":
            return UNDEF if v is UNDEF else js_json(v)
        if not isinstance(v, str):
            return UNDEF
        try:
            return json.loads(v, parse_constant=_no_constant, parse_int=float)
        except ValueError:
            return UNDEF

    def _Merge(self, e, env):
        out = UNDEF
        for a in e.args:
            v = self.value(a, env)
            if isinstance(v, dict):
                out = {**({} if out is UNDEF else out), **v}
        return out

    def _ObjectOf(self, e, env):
        out = {}
        for k, item in e.fields:
            v = self.value(item, env)
            if v is not UNDEF:
                out[k] = v
        return out

    def _Fields(self, e, env):
        o = self.value(e.source, env)
        return {k: v for k, v in o.items() if k not in e.excluded} if isinstance(o, dict) else UNDEF

    def _Each(self, e, env):
        items = self.value(e.array, env)
        if not isinstance(items, list):
            return UNDEF
        out = []
        for i, item in enumerate(items):
            inner = {**env, e.var: item, **({e.index: i} if e.index else {})}
            if e.filter is not None and not truthy(self.value(e.filter, inner)):
                continue
            v = self.value(e.map, inner) if e.map is not None else item
            if v is not UNDEF:
                out.append(v)
        return out

    def _Exists(self, e, env):
        return present(self.value(e.value, env))

    def _Compare(self, e, env):
        v = self.value(e.value, env)
        if e.op == "equals":
            return same(v, e.operand)
        if e.op == "one_of":
            return any(same(x, v) for x in e.operand)
        if not is_number(v):
            return False
        return v > e.operand if e.op == "greater_than" else v < e.operand

    def _Logic(self, e, env):
        values = (truthy(self.value(i, env)) for i in e.items)
        if e.op == "not":
            return not next(values)
        return all(values) if e.op == "all" else any(values)


def _js_round(x: float) -> float:
    """Math.round: the closest integral number, ties toward +infinity."""
    if not math.isfinite(x):
        return x
    r = math.floor(x)
    return float(r + 1 if x - r >= 0.5 else r)


def _no_constant(name: str):
    raise ValueError(name)


def _join_item(x: Any) -> str:
    if x is None or x is UNDEF:
        return ""
    if isinstance(x, list):
        return ",".join(_join_item(y) for y in x)
    if isinstance(x, dict):
        return "[object Object]"
    return js_string(x)


def js_json(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_number(v):
        return js_number(float(v)) if math.isfinite(v) else "null"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join("null" if x is UNDEF else js_json(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + js_json(x) for k, x in v.items() if x is not UNDEF) + "}"


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso_time(ms: float) -> Any:
    if not (math.isfinite(ms) and -62135596800000 <= ms <= 253402300799999):
        return UNDEF
    t = EPOCH + timedelta(milliseconds=math.trunc(ms))
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?")


def parse_time(v: Any) -> Any:
    m = _TIME.fullmatch(v) if isinstance(v, str) else None
    if not m:
        return UNDEF
    y, mo, d, h, mi, s = (int(x or 0) for x in m.groups()[:6])
    if h > 23 or mi > 59 or s > 59:
        return UNDEF
    try:
        date = datetime(y, mo, d, tzinfo=timezone.utc) if y >= 1 else None
    except ValueError:
        return UNDEF
    if date is None:
        return UNDEF
    ms = int((m.group(7) or "").ljust(3, "0")[:3])
    zone = m.group(8) if m.group(8) and m.group(8).upper() != "Z" else ""
    zone = zone.replace(":", "")
    offset = (-1 if zone[:1] == "-" else 1) * (int(zone[1:3]) * 60 + int(zone[3:5] or 0)) if zone else 0
    millis = (date - EPOCH) // timedelta(milliseconds=1) + ((h * 60 + mi) * 60 + s) * 1000 + ms
    return millis - offset * 60000
