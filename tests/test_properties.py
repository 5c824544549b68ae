"""Property-based tests (hypothesis) of the generator's escaping and of the generated payload validation."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pagetables
from srcfn.emulator.fixtures import webhook
from srcfn.emulator.node import node_check
from srcfn.emulator.runner import Emulator
from srcfn.core.findings import InputError
from srcfn.generator.loader import load_spec
from srcfn.generator.render import render_all

NASTY = ['"', "'", "`", "${", "</script>", "*/", "/*", "|", "\\", "\\u2028", "é", "日本", "🙂", "\u2028", "{", "}",
         "<!--", "#", "*", "_", "[x](y)", "\t"]
piece = st.one_of(st.sampled_from(NASTY), st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=6))


def text(newlines: bool):
    extra = ["\n", "\r\n"] if newlines else []
    return st.lists(st.one_of(piece, st.sampled_from(extra or NASTY)), min_size=1, max_size=6).map("".join).filter(
        lambda s: s.strip() and (newlines or ("\n" not in s and "\r" not in s and "\u2028" not in s and "\u2029" not in s)))


line = text(newlines=False).map(str.strip).filter(lambda s: 0 < len(s) <= 200)
prop_name = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)


@st.composite
def specs(draw):
    names = draw(st.lists(line, min_size=1, max_size=4, unique=True))
    hooks = draw(st.lists(line, min_size=len(names), max_size=len(names), unique=True))
    props = draw(st.lists(prop_name, min_size=1, max_size=3, unique=True))
    consts = draw(st.lists(text(newlines=True), min_size=len(props), max_size=len(props)))
    spec = {
        "source": {"name": draw(line), "slug": "fuzz", "website": "https://fuzz.example.com/",
                   "intro": draw(text(newlines=True)), "maintainer": {"support_email": "support@fuzz.example.com"}},
        "connect": {"path": draw(line)},
        "webhook": {"event_type": "type", "payload": {"type": "object", "properties": {"type": {"type": "string"}}}},
        "identity": {"user_id": {"value": {"const": "u1"}, "describe": draw(line)}},
        "events": [{"name": n, "description": draw(text(newlines=True)), "on": h, "properties": props}
                   for n, h in zip(names, hooks)],
        "properties": {p: {"description": draw(text(newlines=True)), "from": {"const": c}} for p, c in zip(props, consts)},
    }
    return spec


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=specs())
def test_hostile_spec_strings_stay_exact_and_never_break_code_or_tables(tmp_path_factory, spec):
    folder = tmp_path_factory.mktemp("specs") / "fuzz"
    folder.mkdir()
    (folder / "source.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    try:
        loaded = load_spec(folder / "source.json")
    except InputError as exc:
        # The one thing hostile text may not do: open a Markdown block that swallows the rest of the page.
        assert {f.message.split(" (")[0] for f in exc.findings if f.level == "error"} <= {
            "unclosed HTML comment '<!--'", "unclosed code fence '```'", "unclosed code fence '~~~'"}, exc
        return
    outputs = render_all(loaded.spec)
    handler = folder / "handler.js"
    handler.write_text(outputs["handler.js"], encoding="utf-8")
    checked = node_check(handler)
    assert checked.returncode == 0, checked.stderr

    fixtures = [webhook({"type": e["on"]}) for e in spec["events"]]
    with Emulator(handler) as emu:
        results = list(emu.run(fixtures))
    for event, result in zip(spec["events"], results):
        assert result.error is None, result.error
        # Every event routed on this webhook type makes its call, in spec order; this event's is among them.
        routed = [e["name"] for e in spec["events"] if e["on"] in (event["on"], "*")]  # "*": every type
        assert [c["event"] for c in result.calls] == routed
        call = result.calls[routed.index(event["name"])]
        assert call["properties"] == {p: spec["properties"][p]["from"]["const"] for p in event["properties"]}
        assert call["context"]["integration"]["name"] == spec["source"]["name"]

    page = outputs["index.md"]
    event_rows = [t for t in pagetables.pipe_tables(page) if t[0][0] == "Event Name"][0]
    prop_rows = [t for t in pagetables.pipe_tables(page) if t[0][0] == "Property Name"][0]
    assert len(event_rows) == len(spec["events"]) + 1 and {len(r) for r in event_rows} == {2}
    assert len(prop_rows) == len(spec["properties"]) + 1 and {len(r) for r in prop_rows} == {2}


# --- The generated validator agrees with jsonschema -------------------------------------------------------

SCHEMAS = {
    "yotpo": json.loads(json.dumps(load_spec(Path(__file__).parents[1] / "specs/yotpo/source.yaml").spec.webhook.payload)),
    "keywords": {
        "$defs": {"pos": {"type": "integer", "minimum": 1}},
        "type": "object",
        "properties": {
            "n": {"type": "number", "exclusiveMinimum": 0, "maximum": 10, "multipleOf": 0.5},
            "i": {"$ref": "#/$defs/pos"},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "minItems": 1, "maxItems": 3, "uniqueItems": True},
            "kind": {"enum": ["a", "b", 1, None]},
            "fixed": {"const": {"x": [1, 2]}},
            "either": {"anyOf": [{"type": "string", "minLength": 2}, {"type": "boolean"}]},
            "one": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 5}]},
            "never": {"not": {"type": "null"}},
            "cond": {"if": {"type": "string"}, "then": {"pattern": "^[a-z]+$"}, "else": {"type": "integer"}},
            "map": {"type": "object", "propertyNames": {"maxLength": 2}, "additionalProperties": {"type": "boolean"},
                    "minProperties": 1, "maxProperties": 2},
        },
        "required": ["n"],
        "additionalProperties": False,
    },
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-20, 20) | st.floats(-20, 20, allow_nan=False) | st.sampled_from(
        ["", "a", "ab", "abc", "abcd", "A1", "+14155550100", "x@y.co", "sms_sent", "2026-01-01T00:00:00Z"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["n", "i", "tags", "kind", "fixed", "either", "one", "never", "cond", "map", "x", "ab", "abc",
                         "type", "source", "id", "timestamp", "customer", "properties", "phone_number", "email",
                         "external_id", "sub_source"]), inner, max_size=6),
    max_leaves=12)


def _without_formats(schema):
    """jsonschema treats `format` as an annotation by default; the generated code asserts it, so leave it out."""
    if isinstance(schema, dict):
        return {k: _without_formats(v) for k, v in schema.items() if k != "format"}
    if isinstance(schema, list):
        return [_without_formats(v) for v in schema]
    return schema


@pytest.fixture(scope="module", params=sorted(SCHEMAS))
def validator_pair(request, tmp_path_factory):
    """(jsonschema validator, emulator running a handler whose payload is {"type": "check", "value": <schema>})."""
    inner = _without_formats(SCHEMAS[request.param])
    payload = {"type": "object", "required": ["type"], "$defs": inner.pop("$defs", {}),
               "properties": {"type": {"const": "check"}, "value": inner}}
    spec = {"source": {"name": "Diff", "slug": "diff", "website": "https://d.example.com/", "intro": "is a test.",
                       "maintainer": {"support_email": "s@d.example.com"}},
            "connect": {"path": "x"}, "webhook": {"event_type": "type", "payload": payload},
            "identity": {"user_id": {"value": {"const": "u"}, "describe": "u"}},
            "events": [{"name": "Checked", "description": "d", "on": "check"}]}
    folder = tmp_path_factory.mktemp("diff") / "diff"
    folder.mkdir()
    (folder / "source.json").write_text(json.dumps(spec))
    handler = folder / "handler.js"
    handler.write_text(render_all(load_spec(folder / "source.json").spec)["handler.js"])
    with Emulator(handler) as emu:
        yield request.param, jsonschema.Draft202012Validator(payload), emu


VALID = {
    "yotpo": [json.loads(p.read_text())["request"]["body"]
              for p in sorted((Path(__file__).parents[1] / "specs/yotpo/fixtures").glob("[se]*.json"))],
    "keywords": [{"n": 5, "i": 3, "tags": ["a", "b"], "kind": "a", "fixed": {"x": [1, 2]}, "either": "ab", "one": 1,
                  "never": 1, "cond": "abc", "map": {"a": True}},
                 {"n": 0.5, "kind": None, "either": False, "one": 5.5, "cond": 4, "map": {"ab": False, "c": True}}],
}


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _mutate(value, path, new, add_key=None):
    """A copy of `value` with the node at `path` replaced by `new`, dropped (_DROP), or given `add_key`."""
    copy = json.loads(json.dumps(value))
    if not path and add_key is None:
        return None if new is _DROP else new
    parent, target = None, copy
    for step in path:
        parent, target = target, target[step]
    if add_key is not None:
        if isinstance(target, dict):
            target[add_key] = new
        return copy
    if new is _DROP and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = None if new is _DROP else new
    return copy


_DROP = object()
boundary = st.sampled_from([0, 0.5, 1, 4.75, 5, 10, 10.5, 11, -1, 2**53, "", "a", "aaaa", "Abc", "+1", "+14155550100x",
                            [], ["a"], ["a", "a"], ["a", "b", "c", "d"], {}, {"abc": True}, {"a": 1}, True, None])
keys = st.sampled_from(["x", "ab", "abc", "n", "extra", "email", "phone_number", "coupon"])


@st.composite
def near_valid(draw, schema_name):
    """A valid instance with one or two targeted changes: the boundary is where validators go wrong."""
    value = draw(st.sampled_from(VALID[schema_name]))
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(list(_paths(value))))
        kind = draw(st.sampled_from(["boundary", "boundary", "boundary", "any", "drop", "add"]))
        new = draw(boundary if kind in ("boundary", "add") else json_values) if kind != "drop" else _DROP
        value = _mutate(value, path, new, draw(keys) if kind == "add" else None)
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_validation_agrees_with_jsonschema(validator_pair, data):
    name, reference, emu = validator_pair
    values = data.draw(st.lists(st.one_of(near_valid(name), near_valid(name), json_values), min_size=1, max_size=40))
    bodies = [{"type": "check", "value": v} for v in values]
    for body, result in zip(bodies, emu.run([webhook(b) for b in bodies])):
        expected_valid = reference.is_valid(body)
        assert (result.error is None) == expected_valid, (body, result.error)
        if not expected_valid:
            assert result.error["message"].startswith("Invalid Diff webhook payload: /value")


BASE = VALID["keywords"][0]
BOUNDARIES = [{**BASE, key: value} for key, values in {
    "n": [0, 0.5, 10, 10.5, 9.75, "5"],
    "i": [0, 1, 1.5, -1],
    "tags": [[], ["a"], ["a", "b", "c"], ["a", "b", "c", "d"], ["abc"], ["abcd"], ["a", "a"]],
    "kind": ["a", "c", 1, 2, None, False],
    "fixed": [{"x": [1, 2]}, {"x": [2, 1]}, {"x": [1, 2], "y": 1}],
    "either": ["ab", "a", True, 1],
    "one": [1, 5, 5.5, 4.5],
    "never": [None, 0],
    "cond": ["abc", "aBc", 3, 3.5],
    "map": [{}, {"a": True}, {"a": True, "b": False}, {"a": True, "b": False, "c": True}, {"abc": True}, {"a": 1}],
}.items() for value in values] + [{k: v for k, v in BASE.items() if k != "n"}, {**BASE, "extra": 1}]


@pytest.mark.parametrize("validator_pair", ["keywords"], indirect=True)
def test_generated_validation_at_each_keyword_boundary(validator_pair):
    _, reference, emu = validator_pair
    bodies = [{"type": "check", "value": v} for v in BOUNDARIES]
    verdicts = [(r.error is None) for r in emu.run([webhook(b) for b in bodies])]
    expected = [reference.is_valid(b) for b in bodies]
    assert verdicts == expected
    assert 10 < sum(expected) < len(expected) - 10  # the table holds both valid and invalid instances


def test_an_invalid_property_schema_is_located_at_each_property_that_has_it():
    from specbuild import errors, spec
    bad = {"description": "A field.", "schema": {"type": "strng"}}
    events = [{"name": "Thing Done", "description": "Done.", "properties": ["a", "b"]}]
    found = errors(spec(events=events, properties={"a": bad, "b": dict(bad), "c": {"description": "Fine.",
                                                                                     "schema": {"type": "string"}}}))
    schema_errors = [f for f in found if "invalid JSON Schema" in f]
    assert [f.split(": ", 1)[0] for f in schema_errors] == ["/properties/a/schema/type", "/properties/b/schema/type"]
    assert all("invalid JSON Schema: 'strng' is not valid under any of the given schemas" in f for f in schema_errors)
