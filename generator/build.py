"""A spec that passed the meta-schema → the typed model (model.py), parsing and type-checking every expression.

Problems are located findings in the collector; `build_spec` returns None when there was any, so the renderers
only ever see a complete model.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import jsonschema

from ..core.findings import Collector, pointer_join
from . import model as m
from .build_calls import build_entries, build_rules
from .build_page import build_layout
from .build_webhook import build_webhook, event_schemas, payload_problems
from .expr.parse import parse_value
from .expr.scope import Scope
from .js import runtime

ReadFile = Callable[[str], "str | None"]  # a file of the spec's folder by name; None when absent


def build_spec(raw: dict, out: Collector, rel_path: str, read_file: ReadFile) -> m.Spec | None:
    settings = {s["name"]: s["type"] for s in raw.get("settings", [])}
    functions = _functions(raw.get("functions", {}), out, read_file)
    hook = raw["webhook"]
    batch, events = event_schemas(hook, out, payload_problems(hook["payload"], out))
    # Every declared function is known to expressions, broken ones too: their own errors are reported once.
    declared = {name: fn.get("returns", {}) for name, fn in raw.get("functions", {}).items()}
    scope = Scope.of(out, hook["payload"], events, settings, declared)
    webhook = build_webhook(hook, scope, batch)
    properties = _properties(raw.get("properties", {}), scope)
    rules = build_rules(raw.get("identity", {}), scope)
    entries = build_entries(raw["events"], "/events", scope, rules, properties)
    if out.errors:
        return None
    properties = _with_schemas(properties, entries)
    layout = build_layout(raw, m.calls_of(entries), properties, out)
    if out.errors:
        return None
    return m.Spec(
        path=rel_path, sha256=spec_hash(raw, functions), source=_source(raw["source"]), connect=_connect(raw["connect"]),
        settings=tuple(m.Setting(s["name"], s["label"], s.get("description", ""), s["type"], s.get("required", False),
                                 s.get("sensitive", False)) for s in raw.get("settings", [])),
        webhook=webhook, identity=rules, entries=entries, properties=properties, functions=tuple(functions),
        extra_sections=tuple(m.Section(s["title"], s["body"].strip()) for s in raw.get("extra_sections", [])),
        layout=layout,
    )


def spec_hash(raw: dict[str, Any], functions: list[m.Function] = ()) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8"))
    for function in functions:  # the code a spec includes is part of what it says
        digest.update(b"\0" + function.code.encode("utf-8"))
    return digest.hexdigest()


def _source(src: dict) -> m.Source:
    return m.Source(
        name=src["name"], slug=src["slug"], catalog_id=src.get("catalog_id"), version=src.get("version", "1.0.0"),
        website=src["website"], intro=src["intro"].strip(), maintainer=src["maintainer"].get("name", src["name"]),
        support_email=src["maintainer"]["support_email"], status=src.get("status", "public"),
        regions=tuple(src.get("regions", ["us", "eu"])),
        notices=tuple(m.Notice(n.get("type", "info"), n.get("title", ""), n["body"].strip(), n.get("section", "top"))
                      for n in src.get("notices", [])),
    )


def _connect(raw: dict) -> m.Connect:
    return m.Connect(raw["path"], raw.get("url"), tuple(raw.get("notes", [])), raw.get("mode", "write_key"))


def _properties(raw: dict, scope: Scope) -> dict[str, m.Property | None]:
    """The property table; None stands for a property whose `from` has an error (reported)."""
    table: dict[str, m.Property | None] = {}
    for name, prop in raw.items():
        ptr = pointer_join("/properties", name)
        source = parse_value(prop["from"], ptr + "/from", scope) if "from" in prop else None
        if "schema" in prop:
            problem = _schema_problem(json.dumps(prop["schema"], sort_keys=True))
            if problem:
                scope.error(pointer_join(ptr, "schema", *problem[0]), f"invalid JSON Schema: {problem[1]}")
        broken = "from" in prop and source is None
        table[name] = None if broken else m.Property(name, prop["description"], source, prop.get("schema"),
                                                     prop.get("label"), tuple(prop.get("cells", {}).items()))
    return table


@functools.lru_cache(maxsize=1024)
def _schema_problem(canonical: str) -> tuple[tuple, str] | None:
    """(path, message) of what makes a property's schema invalid, or None; by its canonical JSON, so the many
    properties of a spec that share a schema (`{type: string}`) are checked once."""
    try:
        jsonschema.Draft202012Validator.check_schema(json.loads(canonical))
    except jsonschema.SchemaError as exc:
        return tuple(exc.path), exc.message
    return None


def _with_schemas(table: dict[str, m.Property | None], entries: tuple) -> dict[str, m.Property]:
    """Properties without a declared schema get the one their values yield (every call's value counted)."""
    values: dict[str, list[dict]] = {name: [] for name in table}
    for call in (c for e in entries for c in m.flatten(e)):
        if isinstance(call, m.Call) and isinstance(call.properties, tuple):
            for name, expr in call.properties:
                values[name].append(expr.yields)
    out = {}
    for name, prop in table.items():
        if prop.schema is not None:
            out[name] = prop
            continue
        seen = [s for i, s in enumerate(values[name]) if s not in values[name][:i]]
        schema = seen[0] if len(seen) == 1 else {} if not seen or {} in seen else {"anyOf": seen}
        out[name] = dataclasses.replace(prop, schema=schema)
    return out


_DECLARES = r"^(?:async\s+)?function\s+{}\s*\("
_GENERATED = {"onRequest", "readEvent", "SOURCE", "OPS", "MAKE", "FUNCTIONS"}


def _reserved() -> set[str]:
    return _GENERATED | {d.name for d in runtime()}


def _functions(raw: dict, out: Collector, read_file: ReadFile) -> list[m.Function]:
    found = []
    for name, fn in raw.items():
        ptr = pointer_join("/functions", name)
        file = fn.get("file", f"{name}.js")
        code = read_file(file)
        if code is None:
            out.add(ptr, f"function file {file!r} not found beside the spec")
            continue
        if name in _reserved() or name.startswith(("check_", "PATTERN_")):
            out.add(ptr, f"the handler's own code uses the name {name!r}: give the function another name")
            continue
        if not re.search(_DECLARES.format(re.escape(name)), code, re.M):
            out.add(ptr, f"{file} does not declare `function {name}(...)` at its top level")
            continue
        try:
            jsonschema.Draft202012Validator.check_schema(fn["returns"])
        except jsonschema.SchemaError as exc:
            out.add(pointer_join(ptr, "returns", *exc.path), f"invalid JSON Schema: {exc.message}")
            continue
        found.append(m.Function(name, file, code if code.endswith("\n") else code + "\n", fn["returns"],
                                fn.get("description")))
    return found
