"""Random input through the spec loader and the worker protocol (issue 12): every input gets a result or a located
error, never a traceback, a hang or another input's result. Text includes lone surrogates, JSON includes huge and
non-finite numbers and deep nesting."""
from __future__ import annotations

import copy
import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import specbuild
from srcfn.core.findings import InputError
from srcfn.emulator.fixtures import webhook
from srcfn.emulator.handler import Handler
from srcfn.emulator.runner import Emulator, Options
from srcfn.generator.loader import load_spec_text
from srcfn.generator.render import render_all

ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=60)  # surrogates (Cs) included
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
           | st.floats(allow_nan=True, allow_infinity=True) | ANY_TEXT
           | st.sampled_from([10 ** 400, "", "__proto__", "{{ x }}", "{% raw %}", "\ud83d", "a\nb", ".inf"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
                    max_leaves=30)
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _json_text(value) -> str:
    return json.dumps(value, allow_nan=True)


def _loads_or_locates(text: str, name: str) -> None:
    try:
        loaded = load_spec_text(text, f"acme/{name}", "acme", name)
    except InputError as exc:
        assert exc.findings and all(f.line >= 1 and f.col >= 1 and isinstance(f.pointer, str) for f in exc.findings)
        return
    for name, text in render_all(loaded.spec).items():  # a spec that loads renders into files UTF-8 can hold
        text.encode("utf-8")
        if name.endswith(".json"):
            json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))  # no Infinity/NaN


@FAST
@given(st.text(st.characters(blacklist_categories=()), max_size=400), st.sampled_from(["source.yaml", "source.json"]))
def test_random_text_is_a_spec_or_located_errors(text, name):
    _loads_or_locates(text, name)


@FAST
@given(JSON)
def test_random_json_is_a_spec_or_located_errors(value):
    _loads_or_locates(_json_text(value), "source.json")


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


BASE = specbuild.spec(settings=[{"name": "secret", "label": "Secret", "type": "STRING", "sensitive": True}],
                      webhook={"payload": {"type": "object", "properties": {
                          "type": {"type": "string", "enum": ["a", "b"]}, "id": {"type": "string", "pattern": "^x"},
                          "n": {"type": "number"}, "items": {"type": "array", "items": {"type": "object"}}}},
                          "event_type": "type", "message_id": "id",
                          "signature": {"scheme": "basic", "secret_setting": "secret"}},
                      events=[{"name": "A Happened", "description": "A.", "on": ["a"], "properties": ["n"]},
                              {"name": "B Happened", "description": "B.", "on": ["b"]}],
                      properties={"n": {"description": "N.", "from": "n"}})
PATHS = [p for p in _paths(BASE) if p]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), JSON)
def test_a_valid_spec_with_any_part_replaced_is_a_spec_or_located_errors(path, replacement):
    value = copy.deepcopy(BASE)
    target = value
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = replacement
    _loads_or_locates(_json_text(value), "source.json")


ECHO = Handler("""
async function onRequest(request) {
  let parsed;
  try { parsed = request.json(); } catch (err) { parsed = err.name; }
  Segment.track({ event: "Echo", userId: "u", properties: { raw: request.text(), kind: typeof parsed } });
}""", "echo.js")
_EMULATOR: list[Emulator] = []


def _emulator() -> Emulator:
    if not _EMULATOR:
        _EMULATOR.append(Emulator(ECHO, Options()).__enter__())
    return _EMULATOR[0]


@FAST
@given(st.lists(st.one_of(JSON.map(_json_text), st.text(st.characters(blacklist_categories=()), max_size=200)),
                min_size=1, max_size=12))
def test_random_bodies_through_the_worker_each_get_their_own_result(bodies):
    results = list(_emulator().run([webhook(raw=b, name=f"b{i}") for i, b in enumerate(bodies)]))
    assert [r.fixture for r in results] == [f"b{i}" for i in range(len(bodies))]
    for body, result in zip(bodies, results):
        if len(body.encode("utf-8", "surrogatepass")) > 512 * 1024:
            continue
        assert result.error is None, result.error
        assert result.calls[0]["properties"]["raw"] == body  # its own body, lone surrogates and all


def test_non_finite_json_in_a_spec_is_located():
    text = json.dumps({**BASE, "x": math.inf}, allow_nan=True)
    try:
        load_spec_text(text, "acme/source.json", "acme", "source.json")
    except InputError as exc:
        assert exc.findings[0].message == "invalid JSON: Infinity is not JSON (a number must be finite)"
    else:
        raise AssertionError("Infinity loaded")
