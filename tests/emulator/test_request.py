"""segment-runtime.md "The handler": the script, the request object, what Segment refuses before running it."""
from __future__ import annotations

TRACK_BODY = """
async function onRequest(request, settings) {
  Segment.track({ event: "Seen", userId: "u1", properties: { got: %s } });
}
"""


def prop(result):
    assert result.error is None, result.error
    return result.calls[0]["properties"]["got"]


def test_json_is_synchronous(one):
    r = one(TRACK_BODY % "typeof request.json().then + ':' + request.json().a", body={"a": 7})
    assert prop(r) == "undefined:7"


def test_invalid_json_makes_json_throw_syntax_error(one):
    r = one("async function onRequest(request) { request.json(); }", raw="{nope")
    assert (r.error["type"], r.error["category"], r.status) == ("SyntaxError", "Bad Request", 400)


def test_text_is_the_raw_body(one):
    assert prop(one(TRACK_BODY % "request.text()", raw='{"b": 2,  "a": 1}')) == '{"b": 2,  "a": 1}'


def test_headers_are_case_insensitive(one):
    r = one(TRACK_BODY % 'request.headers.get("x-partner-event")', headers={"X-Partner-Event": "opened"})
    assert prop(r) == "opened"


def test_array_header_values_are_joined_with_commas(one):
    r = one(TRACK_BODY % 'request.headers.get("X-Tags")', headers={"X-Tags": ["a", "b", "c"]})
    assert prop(r) == "a,b,c"


def test_url_is_a_whatwg_url_with_query(one):
    r = one(TRACK_BODY % 'request.url.searchParams.get("account") + "|" + (request.url instanceof URL)',
            query={"account": "acme"})
    assert prop(r) == "acme|true"


def test_only_post_is_accepted(one):
    r = one("async function onRequest() { console.log('ran'); }", method="GET")
    assert (r.error["type"], r.error["category"], r.status) == ("MethodNotAllowed", "Request Rejected", 405)
    assert r.logs == []


def test_content_type_must_be_json_or_form(one):
    r = one("async function onRequest() {}", headers={"Content-Type": "text/plain"}, raw="hi")
    assert (r.error["type"], r.status) == ("UnsupportedMediaType", 415)
    assert r.error["message"] == "Content-Type must be application/json or application/x-www-form-urlencoded, not text/plain"


def test_json_content_type_with_charset_is_accepted(one):
    r = one(TRACK_BODY % "request.json().a", headers={"Content-Type": "application/json; charset=utf-8"})
    assert prop(r) == 1


def test_form_bodies(one):
    r = one(TRACK_BODY % "JSON.stringify(request.json()) + '|' + request.text()",
            headers={"Content-Type": "application/x-www-form-urlencoded"}, raw="To=%2B1555&Tag=a&Tag=b")
    assert prop(r) == '{"To":"+1555","Tag":["a","b"]}|To=%2B1555&Tag=a&Tag=b'


def test_return_value_is_ignored(one):
    r = one("async function onRequest() { return { status: 500 }; }")
    assert (r.error, r.calls, r.status) == (None, [], 200)


def test_settings_are_passed_as_given(one):
    settings = {"apiKey": "k", "enabled": True, "lists": ["a", "b"], "map": {"x": "y"}}
    r = one(TRACK_BODY % "JSON.stringify(settings)", settings=settings)
    assert prop(r) == '{"apiKey":"k","enabled":true,"lists":["a","b"],"map":{"x":"y"}}'


def test_deployed_mode_sorts_body_keys(one):
    source = TRACK_BODY % "request.text() + '|' + Object.keys(request.json().n).join(',')"
    body = {"z": 1, "a": {"y": 1, "b": 2}, "n": {"q": 1, "c": 2}}
    assert prop(one(source, body=body)) == '{"z":1,"a":{"y":1,"b":2},"n":{"q":1,"c":2}}|q,c'
    assert prop(one(source, {"deployed": True}, body=body)) == '{"a":{"b":2,"y":1},"n":{"c":2,"q":1},"z":1}|c,q'


def test_implicit_globals_work_in_sloppy_mode(one):
    r = one("async function onRequest() { counter = 41; counter++; Segment.track({event: 'E', userId: 'u', properties: {got: counter}}); }")
    assert prop(r) == 42


def test_exports_is_a_reference_error(one):
    r = one("exports.processEvents = async function () {};")
    assert (r.error["type"], r.error["message"]) == ("ReferenceError", "exports is not defined")


def test_require_module_and_process_do_not_exist(one):
    r = one(TRACK_BODY % "[typeof require, typeof module, typeof process, typeof exports].join()")
    assert prop(r) == "undefined,undefined,undefined,undefined"


def test_a_script_without_on_request_fails_clearly(one):
    r = one("function handler() {}")
    assert r.error["type"] == "ReferenceError"
    assert r.error["message"].startswith("onRequest is not defined")


def test_objects_from_json_are_of_the_handler_realm(one):
    assert prop(one(TRACK_BODY % "request.json() instanceof Object")) is True
