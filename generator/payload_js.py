"""Compile the webhook payload's JSON Schema (draft 2020-12 subset) into readable JavaScript validators.

Each schema node that checks anything becomes one function named after its JSON pointer (`check_customer_email`
for `/properties/customer/properties/email`), returning `null` or `[pointer, message]`, the pointer relative to
the value: a caller prepends its own key only when a check fails, so valid payloads (the common case) build no
strings. Returning instead of throwing lets `oneOf`/`anyOf`/`not` try alternatives. Nodes that check nothing get
no function, a node that is only a `$ref` is its target's function, and no check is guarded by a type test its
schema already made. A keyword this compiler does not implement raises `UnsupportedSchema` naming its pointer:
nothing is ever silently skipped.
"""
from __future__ import annotations

import re
from typing import Any

from ..core.findings import pointer_join
from .js import js_literal
from .paths import resolve_ref

# Keywords that only annotate; they never change what validates.
ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated",
               "readOnly", "writeOnly", "$defs", "definitions"}
FORMATS = {"date-time": "isDateTime", "date": "isDate", "email": "isEmail", "uri": "isUri", "uuid": "isUuid"}
_TYPE_TESTS = {
    "object": "isObject(v)", "array": "Array.isArray(v)", "string": 'typeof v === "string"',
    "number": 'typeof v === "number" && Number.isFinite(v)', "integer": "Number.isInteger(v)",
    "boolean": 'typeof v === "boolean"', "null": "v === null",
}
_TYPE_WORDS = {"object": "an object", "array": "an array", "string": "a string", "number": "a number",
               "integer": "an integer", "boolean": "a boolean", "null": "null"}
_FAMILIES = (("string", 'typeof v === "string"'), ("number", 'typeof v === "number"'), ("object", "isObject(v)"),
             ("array", "Array.isArray(v)"))


class UnsupportedSchema(ValueError):
    def __init__(self, pointer: str, message: str):
        super().__init__(message)
        self.pointer = pointer


def compile_validator(schema: Any) -> str:
    """JavaScript source of the validators of `schema`; `check_payload(body)` validates a payload."""
    validators = Validators(schema)
    validators.compile(schema, "")
    return validators.source()


class Validators:
    """The validators of one payload schema; several roots (a batch's body and its elements) share functions."""

    def __init__(self, root: Any):
        self.root = root
        self.functions: dict[str, str] = {}   # name → source, in order of first use
        self.by_pointer: dict[str, str | None] = {}
        self.patterns: list[str] = []

    def compile(self, schema: Any, pointer: str, known: str | None = None) -> str | None:
        """The name of the function checking `schema` (None when it accepts every value). `known` is a type its
        callers have already established (an object's keys are strings), so no check repeats it."""
        key = pointer + (f" as {known}" if known else "")
        if key in self.by_pointer:
            if self.by_pointer[key] == "pending":
                raise UnsupportedSchema(pointer, f"recursive $ref to {pointer or '#'!r} is not supported")
            return self.by_pointer[key]
        if schema is True or (isinstance(schema, dict) and not set(schema) - ANNOTATIONS):
            self.by_pointer[key] = None
            return None
        if isinstance(schema, dict) and set(schema) - ANNOTATIONS == {"$ref"}:
            self.by_pointer[key] = "pending"
            name = self.ref(schema["$ref"], pointer_join(pointer, "$ref"), known)
            self.by_pointer[key] = name
            return name
        if schema is not False and not isinstance(schema, dict):
            raise UnsupportedSchema(pointer, "a schema must be an object or a boolean")
        name = self._name(pointer)
        self.by_pointer[key] = "pending"
        self.functions[name] = ""  # reserve its place: functions follow the schema's order
        body = [_fail("is not allowed")] if schema is False else self.keywords(schema, pointer, known) + ["return null;"]
        self.functions[name] = f"function {name}(v) {{\n" + "\n".join("  " + line for line in body) + "\n}"
        self.by_pointer[key] = name
        return name

    def _name(self, pointer: str) -> str:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        words = [t for i, t in enumerate(tokens)
                 if not (t == "properties" and (i == 0 or tokens[i - 1] not in ("properties", "$defs")))]
        base = "check_" + ("_".join(re.sub(r"[^A-Za-z0-9]+", "_", w).strip("_") or "x" for w in words) or "payload")
        name, n = base, 2
        while name in self.functions:
            name, n = f"{base}_{n}", n + 1
        return name

    def source(self) -> str:
        # Nothing is allocated at top level: emulators and warm containers may re-run it per request.
        # Patterns compile on first use.
        lets = f"let {', '.join(f'PATTERN_{i}' for i in range(len(self.patterns)))};\n" if self.patterns else ""
        return lets + ("\n" if lets else "") + "\n\n".join(self.functions.values()) + "\n"

    def keywords(self, s: dict, ptr: str, known: str | None = None) -> list[str]:
        unknown = sorted(set(s) - ANNOTATIONS - _HANDLED)
        if unknown:
            raise UnsupportedSchema(pointer_join(ptr, unknown[0]),
                                    f"JSON Schema keyword {unknown[0]!r} is not supported by the handler generator")
        out: list[str] = []
        if "$ref" in s:
            out += self.child_call(self.ref(s["$ref"], pointer_join(ptr, "$ref"), known), "v")
        if "type" in s:
            out += self.type_check(s["type"], pointer_join(ptr, "type"))
        if "enum" in s:
            scalars = all(not isinstance(x, (dict, list)) for x in s["enum"])
            test = f"{js_literal(s['enum'])}.includes(v)" if scalars else f"{js_literal(s['enum'])}.some((x) => same(x, v))"
            out.append(f"if (!{test}) " + _fail("must be one of " + _listing(s["enum"])))
        if "const" in s:
            out.append(f'if (!same({js_literal(s["const"])}, v)) ' + _fail("must be " + js_literal(s["const"])))
        single = s.get("type") if isinstance(s.get("type"), str) else known
        checks = {"string": self.string_checks(s, ptr), "number": self.number_checks(s),
                  "object": self.object_checks(s, ptr), "array": self.array_checks(s, ptr)}
        for family, test in _FAMILIES:
            if not checks[family]:
                continue
            if single is None:
                out += [f"if ({test}) {{"] + ["  " + c for c in checks[family]] + ["}"]
            elif single == family or (family, single) == ("number", "integer"):
                out += checks[family]  # the type check above returned already for any other type
        return out + self.combinators(s, ptr, single)

    def ref(self, ref: str, ptr: str, known: str | None = None) -> str | None:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise UnsupportedSchema(ptr, "only local $ref ('#/$defs/...') is supported")
        target = resolve_ref(self.root, ref)
        if target is None:
            raise UnsupportedSchema(ptr, f"$ref {ref!r} points at nothing")
        return self.compile(target, ref[1:], known)

    def child_call(self, fn: str | None, value: str, key: str | None = None) -> list[str]:
        """Call a child check; on failure return its problem, its pointer prefixed with `key` (a JS expression)."""
        if fn is None:
            return []
        problem = "p" if key is None else f"[{key} + p[0], p[1]]"
        return [f"{{ const p = {fn}({value}); if (p) return {problem}; }}"]

    def type_check(self, t: Any, ptr: str) -> list[str]:
        types = [t] if isinstance(t, str) else t
        if not isinstance(types, list) or not types or any(x not in _TYPE_TESTS for x in types):
            raise UnsupportedSchema(ptr, f"type must be one of {', '.join(_TYPE_TESTS)} or a list of them")
        test = " || ".join(f"({_TYPE_TESTS[x]})" for x in types) if len(types) > 1 else _TYPE_TESTS[types[0]]
        words = " or ".join(_TYPE_WORDS[x] for x in types)
        return [f"if (!({test})) " + _fail("must be " + words)]

    def string_checks(self, s: dict, ptr: str) -> list[str]:
        checks = []
        for key, op, word in (("minLength", "<", "at least"), ("maxLength", ">", "at most")):
            if key in s:
                limit = int(s[key])
                words = "must not be empty" if (key, limit) == ("minLength", 1) else f"must be {word} {limit} characters"
                checks.append(f"if ([...v].length {op} {limit}) " + _fail(words))
        if "pattern" in s:
            self.patterns.append(s["pattern"])
            n = len(self.patterns) - 1
            checks.append(f"if (!(PATTERN_{n} || (PATTERN_{n} = new RegExp({js_literal(s['pattern'])}, \"u\"))).test(v)) "
                          + _fail("must match the pattern " + s["pattern"]))
        if "format" in s:
            if s["format"] not in FORMATS:
                raise UnsupportedSchema(pointer_join(ptr, "format"),
                                        f"format {s['format']!r} is not supported (supported: {', '.join(sorted(FORMATS))})")
            checks.append(f"if (!{FORMATS[s['format']]}(v)) " + _fail("must be a valid " + s["format"]))
        return checks

    def number_checks(self, s: dict) -> list[str]:
        checks = []
        for key, op, word in (("minimum", "<", ">="), ("maximum", ">", "<="),
                              ("exclusiveMinimum", "<=", ">"), ("exclusiveMaximum", ">=", "<")):
            if key in s:
                checks.append(f"if (v {op} {js_literal(s[key])}) " + _fail(f"must be {word} {s[key]}"))
        if "multipleOf" in s:
            step = s["multipleOf"]
            checks.append(f"if (!Number.isInteger(v / {js_literal(step)})) " + _fail(f"must be a multiple of {step}"))
        return checks

    def object_checks(self, s: dict, ptr: str) -> list[str]:
        checks = []
        required = s.get("required", [])
        if len(required) == 1:
            key = required[0]
            checks.append(f"if (!Object.hasOwn(v, {js_literal(key)})) " + _fail(f"must have the property {js_literal(key)}"))
        elif required:
            checks.append(f"for (const k of {js_literal(required)}) if (!Object.hasOwn(v, k)) "
                          'return ["", "must have the property " + JSON.stringify(k)];')
        props = s.get("properties", {})
        for key, sub in props.items():
            fn = self.compile(sub, pointer_join(ptr, "properties", key))
            call = self.child_call(fn, f"v[{js_literal(key)}]", js_literal(pointer_join("", key)))
            checks += [f"if (Object.hasOwn(v, {js_literal(key)})) " + call[0]] if call else []
        if "propertyNames" in s:
            names = self.compile(s["propertyNames"], pointer_join(ptr, "propertyNames"), "string")
            call = self.child_call(names, "k", "ptr(k)")
            checks += [f"for (const k of Object.keys(v)) {call[0]}"] if call else []
        extra = s.get("additionalProperties", True)
        if extra is not True:
            declared = self.declared(sorted(props))
            test = f"if (!{declared}) " if declared else ""
            if extra is False:
                checks.append(f'for (const k of Object.keys(v)) {test}return [ptr(k), "is not an allowed property"];')
            else:
                call = self.child_call(self.compile(extra, pointer_join(ptr, "additionalProperties")), "v[k]", "ptr(k)")
                checks += [f"for (const k of Object.keys(v)) {test}" + call[0]] if call else []
        for key, op, word in (("minProperties", "<", "at least"), ("maxProperties", ">", "at most")):
            if key in s:
                limit = int(s[key])
                checks.append(f"if (Object.keys(v).length {op} {limit}) " + _fail(f"must have {word} {limit} properties"))
        return checks

    def declared(self, keys: list[str]) -> str:
        """A JS test of whether `k` is one of `keys` ("" when there are none)."""
        return f"{js_literal(keys)}.includes(k)" if keys else ""

    def array_checks(self, s: dict, ptr: str) -> list[str]:
        checks = []
        if "items" in s:
            call = self.child_call(self.compile(s["items"], pointer_join(ptr, "items")), "v[i]", '"/" + i')
            checks += ["for (let i = 0; i < v.length; i++) " + call[0]] if call else []
        for key, op, word in (("minItems", "<", "at least"), ("maxItems", ">", "at most")):
            if key in s:
                limit = int(s[key])
                checks.append(f"if (v.length {op} {limit}) " + _fail(f"must have {word} {limit} items"))
        if s.get("uniqueItems") is True:
            checks.append("if (v.some((x, i) => v.findIndex((y) => same(x, y)) !== i)) " + _fail("must not repeat items"))
        return checks

    def combinators(self, s: dict, ptr: str, known: str | None) -> list[str]:
        """allOf, anyOf, oneOf, not, if/then/else; their branches see a value of the type `known` (checked above)."""
        out = []
        for i, sub in enumerate(s.get("allOf", [])):
            out += self.child_call(self.compile(sub, pointer_join(ptr, "allOf", i), known), "v")
        for key in ("anyOf", "oneOf"):
            if key not in s:
                continue
            fns = [self.compile(sub, pointer_join(ptr, key, i), known) for i, sub in enumerate(s[key])]
            count = " + ".join("1" if fn is None else f"({fn}(v) ? 0 : 1)" for fn in fns)
            if key == "anyOf" and None not in fns:
                out.append(f"if (({count}) === 0) " + _fail(f"must match at least one of {len(fns)} alternatives"))
            elif key == "oneOf":
                message = f"must match exactly one of {len(fns)} alternatives (matched "
                out.append(f"{{ const n = {count}; if (n !== 1) return [\"\", {js_literal(message)} + n + \")\"]; }}")
        if "not" in s:
            fn = self.compile(s["not"], pointer_join(ptr, "not"), known)
            out.append((f"if (!{fn}(v)) " if fn else "") + _fail("must not match the excluded schema"))
        if "if" in s:
            cond = self.compile(s["if"], pointer_join(ptr, "if"), known)
            then = self.compile(s.get("then", True), pointer_join(ptr, "then"), known)
            other = self.compile(s.get("else", True), pointer_join(ptr, "else"), known)
            chosen = then if cond is None else None
            if cond is None:
                out += self.child_call(chosen, "v")
            elif then or other:
                pick = f"{cond}(v) ? {other or 'null'} : {then or 'null'}"
                out.append(f"{{ const f = {pick}; const p = f && f(v); if (p) return p; }}")
        return out


_HANDLED = {"$ref", "type", "enum", "const", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "required", "properties", "propertyNames",
            "additionalProperties", "minProperties", "maxProperties", "items", "minItems", "maxItems",
            "uniqueItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"}


def _fail(message: str) -> str:
    """The JS statement returning a problem at the checked value itself."""
    return f"return [\"\", {js_literal(message)}];"


def _listing(values: list) -> str:
    return ", ".join(js_literal(v) for v in values)
