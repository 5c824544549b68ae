"""The escape hatch: JavaScript functions of the spec's folder, for values and for calls."""
from __future__ import annotations

import json

import pytest

import specbuild
from specbuild import calls, errors, spec

PAYLOAD = {"type": "object", "properties": {"n": {"type": "integer"}, "items": {"type": "array"}}}
LINES = """function lineCalls(items) {
  // One Track call per item, as the spec cannot say: the event name depends on two fields.
  return items.map((item, i) => ({ type: "track", event: "Line " + (i + 1), userId: "u1", properties: item }));
}
"""


def with_function(entry: dict, returns: dict, code: str, name: str = "lineCalls") -> tuple[dict, dict]:
    value = spec(webhook={"payload": PAYLOAD, "message_id": {"const": "m"}},
                 functions={name: {"returns": returns, "description": "Calls per line."}}, events=[entry])
    return value, {f"{name}.js": code}


def test_a_function_that_returns_calls():
    value, files = with_function({"function": "lineCalls", "args": ["items"], "description": "Lines."},
                                 {"type": "array", "items": {"type": "object"}}, LINES)
    got = calls(value, {"items": [{"sku": "A"}, {"sku": "B"}]}, files=files)
    assert got == [{"type": "track", "event": "Line 1", "userId": "u1", "properties": {"sku": "A"}, "messageId": "m"},
                   {"type": "track", "event": "Line 2", "userId": "u1", "properties": {"sku": "B"}, "messageId": "m-2"}]


def test_a_function_returning_an_unknown_call_type_fails_the_invocation():
    code = "function lineCalls(items) {\n  return [{ type: \"trak\" }];\n}\n"
    value, files = with_function({"function": "lineCalls", "args": ["items"], "description": "Lines."},
                                 {"type": "array"}, code)
    (result,) = specbuild.run(value, {"body": {"items": []}}, files=files)
    assert (result.error["type"], result.error["message"]) == \
        ("TypeError", 'lineCalls returned a call of unknown type "trak"')


@pytest.mark.parametrize("name, code, expected", [
    ("lineCalls", None, "/functions/lineCalls: function file 'lineCalls.js' not found beside the spec"),
    ("lineCalls", "const lineCalls = () => [];\n",
     "/functions/lineCalls: lineCalls.js does not declare `function lineCalls(...)` at its top level"),
    ("value", "function value() {}\n",
     "/functions/value: the handler's own code uses the name 'value': give the function another name"),
])
def test_function_misuse_is_a_located_error(name, code, expected):
    value, files = with_function({"function": name, "args": [], "description": "x"}, {"type": "array"}, code or "", name)
    assert errors(value, files if code else {}) == [expected]


def test_a_syntax_error_in_a_function_file_is_located_in_that_file(cli, tmp_path):
    value, files = with_function({"function": "lineCalls", "args": ["items"], "description": "Lines."},
                                 {"type": "array"}, "function lineCalls(items) {\n  return items * ;\n}\n")
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / "source.json").write_text(json.dumps(value), encoding="utf-8")
    (folder / "lineCalls.js").write_text(files["lineCalls.js"], encoding="utf-8")
    result = cli("generate", "--specs", "specs", "--build", "build", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == \
        "specs/acme/lineCalls.js:2:18: error: /functions/lineCalls: SyntaxError: Unexpected token ';'"
    assert not (tmp_path / "build").exists()
