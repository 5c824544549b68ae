"""Compile the webhook payload's JSON Schema (draft 2020-12 subset) into readable JavaScript.

Each schema node becomes one function `check_N(v)` returning `null` or `[pointer, message]`, the pointer
relative to `v`: a caller prepends its own key only when a check fails, so valid payloads (the common
case) build no strings. Returning instead of throwing lets `oneOf`/`anyOf`/`not` try alternatives.
A keyword this compiler does not implement raises `UnsupportedSchema` naming its pointer: nothing is
ever silently skipped.
"""
from __future__ import annotations

from typing import Any

from .expressions import js_literal
from ..core.findings import pointer_join

# Keywords that only annotate; they never change what validates.
ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated",
               "readOnly", "writeOnly", "$defs", "definitions"}
FORMATS = {"date-time", "date", "email", "uri", "uuid"}
_TYPE_TESTS = {
    "object": 'isObject(v)', "array": 'Array.isArray(v)', "string": 'typeof v === "string"',
    "number": 'typeof v === "number" && Number.isFinite(v)', "integer": 'Number.isInteger(v)',
    "boolean": 'typeof v === "boolean"', "null": 'v === null',
}
_TYPE_WORDS = {"object": "an object", "array": "an array", "string": "a string", "number": "a number",
               "integer": "an integer", "boolean": "a boolean", "null": "null"}


class UnsupportedSchema(ValueError):
    def __init__(self, pointer: str, message: str):
        super().__init__(message)
        self.pointer = pointer


def compile_validator(schema: Any) -> str:
    """JavaScript source defining `check_0` … `check_N`; `check_0(body)` validates a payload."""
    return _Compiler(schema).run()


class _Compiler:
    def __init__(self, root: Any):
        self.root = root
        self.functions: list[str] = []
        self.refs: dict[str, str] = {}
        self.patterns: list[str] = []
        self.key_sets: list[list[str]] = []

    def run(self) -> str:
        self.node(self.root, "")
        # Nothing is allocated at top level: emulators and warm containers may re-run it per request.
        # Patterns compile on first use; declared-key tests are switches.
        lets = "".join(f"let PATTERN_{i};\n" for i in range(len(self.patterns)))
        keys = [f"function known_{i}(k) {{\n  switch (k) {{\n"
                + "".join(f"    case {js_literal(k)}:\n" for k in ks) + "      return true;\n    default:\n      return false;\n  }\n}"
                for i, ks in enumerate(self.key_sets)]
        return lets + ("\n" if lets else "") + "\n\n".join(self.functions + keys) + "\n"

    def node(self, schema: Any, pointer: str) -> str:
        """Emit the function for `schema` and return its name."""
        name = f"check_{len(self.functions)}"
        self.functions.append("")  # reserve the slot so numbering follows document order
        if schema is True or schema == {}:
            body = ["return null;"]
        elif schema is False:
            body = [_fail("is not allowed")]
        elif isinstance(schema, dict):
            body = self.keywords(schema, pointer) + ["return null;"]
        else:
            raise UnsupportedSchema(pointer, "a schema must be an object or a boolean")
        lines = "\n".join("  " + line for line in body)
        self.functions[int(name.split("_")[1])] = f"function {name}(v) {{\n{lines}\n}}"
        return name

    def keywords(self, s: dict, ptr: str) -> list[str]:
        unknown = sorted(set(s) - ANNOTATIONS - _HANDLED)
        if unknown:
            raise UnsupportedSchema(pointer_join(ptr, unknown[0]),
                                    f"JSON Schema keyword {unknown[0]!r} is not supported by the handler generator")
        out: list[str] = []
        if "$ref" in s:
            out += self.child_call(self.ref(s["$ref"], pointer_join(ptr, "$ref")), "v")
        if "type" in s:
            out += self.type_check(s["type"], pointer_join(ptr, "type"))
        if "enum" in s:
            out.append(f'if (!{js_literal(s["enum"])}.some((x) => same(x, v))) ' + _fail("must be one of " + _listing(s["enum"])))
        if "const" in s:
            out.append(f'if (!same({js_literal(s["const"])}, v)) ' + _fail("must be " + js_literal(s["const"])))
        out += self.string_checks(s, ptr) + self.number_checks(s) + self.object_checks(s, ptr) + self.array_checks(s, ptr)
        out += self.combinators(s, ptr)
        return out

    def ref(self, ref: str, ptr: str) -> str:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise UnsupportedSchema(ptr, "only local $ref ('#/$defs/...') is supported")
        if ref not in self.refs:
            target: Any = self.root
            for token in ref[2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or token not in target:
                    raise UnsupportedSchema(ptr, f"$ref {ref!r} points at nothing")
                target = target[token]
            self.refs[ref] = "pending"
            self.refs[ref] = self.node(target, ref[1:])
        if self.refs[ref] == "pending":
            raise UnsupportedSchema(ptr, f"recursive $ref {ref!r} is not supported")
        return self.refs[ref]

    def child_call(self, fn: str, value: str, key: str | None = None) -> list[str]:
        """Call a child check; on failure return its problem, its pointer prefixed with `key` (a JS expression)."""
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
            checks.append(f'if (!format({js_literal(s["format"])}, v)) ' + _fail("must be a valid " + s["format"]))
        return _guarded('typeof v === "string"', checks)

    def number_checks(self, s: dict) -> list[str]:
        checks = []
        for key, op, word in (("minimum", "<", ">="), ("maximum", ">", "<="),
                              ("exclusiveMinimum", "<=", ">"), ("exclusiveMaximum", ">=", "<")):
            if key in s:
                checks.append(f"if (v {op} {js_literal(s[key])}) " + _fail(f"must be {word} {s[key]}"))
        if "multipleOf" in s:
            step = s["multipleOf"]
            checks.append(f"if (!Number.isInteger(v / {js_literal(step)})) " + _fail(f"must be a multiple of {step}"))
        return _guarded('typeof v === "number"', checks)

    def object_checks(self, s: dict, ptr: str) -> list[str]:
        checks = []
        for key in s.get("required", []):
            checks.append(f"if (!has(v, {js_literal(key)})) " + _fail(f"must have the property {js_literal(key)}"))
        props = s.get("properties", {})
        for key, sub in props.items():
            fn = self.node(sub, pointer_join(ptr, "properties", key))
            checks.append(f"if (has(v, {js_literal(key)})) " + self.child_call(
                fn, f"v[{js_literal(key)}]", js_literal(pointer_join("", key)))[0])
        if "propertyNames" in s:
            fn = self.node(s["propertyNames"], pointer_join(ptr, "propertyNames"))
            checks.append(f"for (const k of Object.keys(v)) {self.child_call(fn, 'k', 'ptr(k)')[0]}")
        extra = s.get("additionalProperties", True)
        if extra is not True:
            declared = self.declared(sorted(props))
            if extra is False:
                checks.append(f'for (const k of Object.keys(v)) if (!{declared}) return [ptr(k), "is not an allowed property"];')
            else:
                fn = self.node(extra, pointer_join(ptr, "additionalProperties"))
                checks.append(f"for (const k of Object.keys(v)) if (!{declared}) " + self.child_call(fn, "v[k]", "ptr(k)")[0])
        for key, op, word in (("minProperties", "<", "at least"), ("maxProperties", ">", "at most")):
            if key in s:
                limit = int(s[key])
                checks.append(f"if (Object.keys(v).length {op} {limit}) " + _fail(f"must have {word} {limit} properties"))
        return _guarded("isObject(v)", checks)

    def declared(self, keys: list[str]) -> str:
        """A JS test of whether `k` is one of `keys`."""
        if not keys:
            return "false"
        self.key_sets.append(keys)
        return f"known_{len(self.key_sets) - 1}(k)"

    def array_checks(self, s: dict, ptr: str) -> list[str]:
        checks = []
        if "items" in s:
            fn = self.node(s["items"], pointer_join(ptr, "items"))
            checks.append("for (let i = 0; i < v.length; i++) " + self.child_call(fn, "v[i]", '"/" + i')[0])
        for key, op, word in (("minItems", "<", "at least"), ("maxItems", ">", "at most")):
            if key in s:
                limit = int(s[key])
                checks.append(f"if (v.length {op} {limit}) " + _fail(f"must have {word} {limit} items"))
        if s.get("uniqueItems") is True:
            checks.append("if (v.some((x, i) => v.findIndex((y) => same(x, y)) !== i)) " + _fail("must not repeat items"))
        return _guarded("Array.isArray(v)", checks)

    def combinators(self, s: dict, ptr: str) -> list[str]:
        out = []
        for i, sub in enumerate(s.get("allOf", [])):
            out += self.child_call(self.node(sub, pointer_join(ptr, "allOf", i)), "v")
        for key in ("anyOf", "oneOf"):
            if key in s:
                fns = [self.node(sub, pointer_join(ptr, key, i)) for i, sub in enumerate(s[key])]
                count = " + ".join(f"({fn}(v) ? 0 : 1)" for fn in fns)
                if key == "anyOf":
                    out.append(f"if (({count}) === 0) " + _fail(f"must match at least one of {len(fns)} alternatives"))
                else:
                    message = f"must match exactly one of {len(fns)} alternatives (matched "
                    out.append(f"{{ const n = {count}; if (n !== 1) return [\"\", {js_literal(message)} + n + \")\"]; }}")
        if "not" in s:
            fn = self.node(s["not"], pointer_join(ptr, "not"))
            out.append(f"if (!{fn}(v)) " + _fail("must not match the excluded schema"))
        if "if" in s:
            cond = self.node(s["if"], pointer_join(ptr, "if"))
            then = self.node(s.get("then", True), pointer_join(ptr, "then"))
            other = self.node(s.get("else", True), pointer_join(ptr, "else"))
            out.append(f"{{ const p = {cond}(v) ? {other}(v) : {then}(v); if (p) return p; }}")
        return out


_HANDLED = {"$ref", "type", "enum", "const", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "required", "properties", "propertyNames",
            "additionalProperties", "minProperties", "maxProperties", "items", "minItems", "maxItems",
            "uniqueItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"}


def _fail(message: str) -> str:
    """The JS statement returning a problem at the checked value itself."""
    return f"return [\"\", {js_literal(message)}];"


def _guarded(test: str, checks: list[str]) -> list[str]:
    if not checks:
        return []
    return [f"if ({test}) {{"] + ["  " + c for c in checks] + ["}"]


def _listing(values: list) -> str:
    return ", ".join(js_literal(v) for v in values)
